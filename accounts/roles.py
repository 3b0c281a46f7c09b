"""The roles of DESIGN §1, held as Django groups (created by a data migration)."""

from django.db import models


class Role(models.TextChoices):
    PRACTITIONER = "practitioner", "Practitioner"
    TEAM_MANAGER = "team_manager", "Team manager"
    FAMILY = "family", "Family"
    PROVIDER = "provider", "Short-break provider"
    PROFESSIONAL = "professional", "Professional in a team around the child"
    COMMISSIONER = "commissioner", "Commissioner"


# A team manager can do everything a practitioner can for their team (DESIGN §1).
ROLES_INCLUDED: dict[str, set[str]] = {
    Role.TEAM_MANAGER: {Role.TEAM_MANAGER, Role.PRACTITIONER},
}

STAFF_ROLES = (Role.PRACTITIONER, Role.TEAM_MANAGER)  # in the order a refusal names them
