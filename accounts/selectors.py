from __future__ import annotations

from django.db.models import QuerySet
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.models import Invitation, Organisation, Professional, User
from accounts.roles import STAFF_ROLES, Role


def second_factor_device(*, user: User) -> TOTPDevice | None:
    """The user's authenticator app, once set up (one per person)."""
    return TOTPDevice.objects.filter(user=user, confirmed=True).order_by("-pk").first()


def invitation_of(token: str) -> Invitation | None:
    """The invitation this link's token opens, or None for a token that is not one's, or whose
    account has been closed since: the page says the same for both and names nobody."""
    if not token or len(token) > 100:
        return None
    return (
        Invitation.objects.select_related("user")
        .filter(token_hash=Invitation.hash_of(token), user__is_active=True)
        .first()
    )


def _is_staff_member(user: User) -> bool:
    return bool(user.is_authenticated) and any(user.has_role(role) for role in STAFF_ROLES)


def organisations_visible_to(user: User) -> QuerySet[Organisation]:
    """Every organisation, for staff (who choose one when they invite somebody) and for
    professionals (who see whom the rest of a child's team work for); nobody else."""
    if _is_staff_member(user) or (user.is_authenticated and user.has_role(Role.PROFESSIONAL)):
        return Organisation.objects.order_by("name", "pk")
    return Organisation.objects.none()


def professionals_visible_to(user: User) -> QuerySet[Professional]:
    """Every professional, for staff only: before inviting someone they look up whether the
    person is in Pathway already, and at which organisation."""
    if not _is_staff_member(user):
        return Professional.objects.none()
    return Professional.objects.select_related("user").order_by("user__full_name", "pk")
