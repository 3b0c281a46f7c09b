"""Who is asked for a second factor, and whether this browser session has given it.

Staff (practitioners and team managers), professionals from other agencies and
administrators give a TOTP code after their password: always when
PATHWAY_REQUIRE_SECOND_FACTOR is on (production), and in the demo once they have set an
authenticator app up. Families, providers and commissioners are never asked.
"""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest

from accounts.models import User
from accounts.roles import Role

ROLES = frozenset({Role.PRACTITIONER.value, Role.TEAM_MANAGER.value, Role.PROFESSIONAL.value})

SESSION_KEY = "pathway_second_factor"
VERIFIED = "verified"
NOT_NEEDED = "not_needed"  # not for this person's roles
OPTIONAL = "optional"  # could set one up, has not, and it is not required


def applies_to(user: User) -> bool:
    return bool(user.is_staff or user.is_superuser or user.roles & ROLES)


def required_for(user: User) -> bool:
    return bool(settings.PATHWAY_REQUIRE_SECOND_FACTOR) and applies_to(user)


def needed_for(user: User, *, has_device: bool) -> bool:
    """Whether signing in asks this user for a code: required, or set up by choice."""
    return applies_to(user) and (bool(settings.PATHWAY_REQUIRE_SECOND_FACTOR) or has_device)


def mark_verified(request: HttpRequest) -> None:
    request.session[SESSION_KEY] = VERIFIED
