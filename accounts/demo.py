"""The demo team and logins of DESIGN §10, shared by `load_demo` and the tests."""

from __future__ import annotations

from django.contrib.auth.models import Group
from django.db import transaction

from accounts.models import (
    Agency,
    Organisation,
    Profession,
    Professional,
    Team,
    TeamMembership,
    User,
    normalise_email,
)
from accounts.roles import Role

DEMO_PASSWORD = "pathway-demo"  # noqa: S105 - documented demo login, refused in production
DEMO_TEAM = "Children with Disabilities Team"

# email, full name, role (None for the superuser), member of the demo team
DEMO_LOGINS: list[tuple[str, str, Role | None, bool]] = [
    ("practitioner@example.org", "Priya Shah", Role.PRACTITIONER, True),
    ("practitioner2@example.org", "Tom Okafor", Role.PRACTITIONER, True),
    ("manager@example.org", "Helen Price", Role.TEAM_MANAGER, True),
    ("parent@example.org", "Sarah Collins", Role.FAMILY, False),
    ("parent2@example.org", "Daniel Hughes", Role.FAMILY, False),
    ("provider@example.org", "Rochester Short Breaks", Role.PROVIDER, False),
    ("commissioner@example.org", "Anita Begum", Role.COMMISSIONER, False),
    ("senco@example.org", "Rachel Turner", Role.PROFESSIONAL, False),
    ("health@example.org", "Dr Imran Malik", Role.PROFESSIONAL, False),
    ("admin@example.org", "System Administrator", None, False),
]


# Organisations whose professionals are in the demo children's teams around the child.
SCHOOL = "Rochester Riverside Primary School"
HEALTH_TRUST = "Medway Community Health NHS Trust"
VOLUNTARY_BODY = "Chatham Family Support"
DEMO_ORGANISATIONS = [
    (SCHOOL, Agency.EDUCATION),
    (HEALTH_TRUST, Agency.HEALTH),
    (VOLUNTARY_BODY, Agency.VOLUNTARY),
]
# The professional logins: Amelia's school SENCO, and a community paediatrician.
DEMO_PROFESSIONALS = {
    "senco@example.org": (SCHOOL, Profession.SENCO),
    "health@example.org": (HEALTH_TRUST, Profession.PAEDIATRICIAN),
}


@transaction.atomic
def load_demo_accounts() -> int:
    """Create what is missing and leave the rest as it is; returns how many logins were new."""
    team, _ = Team.objects.get_or_create(name=DEMO_TEAM)
    created = 0
    for email, full_name, role, in_team in DEMO_LOGINS:
        user = User.objects.filter(email=normalise_email(email)).first()
        if user is None:
            user = User.objects.create_user(
                email,
                DEMO_PASSWORD,
                full_name=full_name,
                is_staff=role is None,
                is_superuser=role is None,
            )
            created += 1
        if role is not None:
            user.groups.add(Group.objects.get_or_create(name=role)[0])
        if in_team:
            TeamMembership.objects.get_or_create(team=team, user=user)
    organisations = {
        name: Organisation.objects.get_or_create(name=name, defaults={"agency": agency})[0]
        for name, agency in DEMO_ORGANISATIONS
    }
    for email, (organisation, profession) in DEMO_PROFESSIONALS.items():
        Professional.objects.get_or_create(
            user=User.objects.get(email=email),
            defaults={"organisation": organisations[organisation], "profession": profession},
        )
    return created


def load() -> str:
    created = load_demo_accounts()
    return f"{created} new logins (password '{DEMO_PASSWORD}')"
