from __future__ import annotations

import datetime as dt
import secrets

from django.conf import settings
from django.contrib.auth import password_validation
from django.contrib.auth.models import Group
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice
from knox.models import AuthToken

from accounts import outbox
from accounts.models import (
    Invitation,
    InvitationState,
    Organisation,
    Professional,
    User,
    normalise_email,
)
from accounts.roles import Role

AUTHENTICATOR_NAME = "Authenticator app"


@transaction.atomic
def token_issue(*, by: User) -> tuple[str, dt.datetime]:
    """A new API token for this sign-in, and when it expires. Only its hash is stored. The
    user's expired tokens are cleared out on the way."""
    AuthToken.objects.filter(user=by, expiry__lt=timezone.now()).delete()
    instance, token = AuthToken.objects.create(user=by)
    return token, instance.expiry


def token_revoke(*, by: User, token: AuthToken) -> None:
    """End the token this request was made with."""
    AuthToken.objects.filter(user=by, digest=token.digest).delete()


def tokens_revoke_all(*, by: User) -> int:
    """End every API token of the user: every client must sign in again."""
    deleted, _ = AuthToken.objects.filter(user=by).delete()
    return int(deleted)


@transaction.atomic
def second_factor_set_up(*, by: User, key: str, code: str) -> TOTPDevice | None:
    """Keep the authenticator app whose secret `key` (hex) produced `code`, in place of any
    earlier one; None if the code is not the app's current one."""
    code = code.strip()
    totp = TOTP(bytes.fromhex(key))
    if not (code.isascii() and code.isdigit() and totp.verify(int(code), tolerance=1)):
        return None
    TOTPDevice.objects.filter(user=by).delete()
    # The code just used may not be used again to sign in (`last_t`).
    return TOTPDevice.objects.create(
        user=by,
        name=AUTHENTICATOR_NAME,
        key=key,
        confirmed=True,
        drift=totp.drift,
        last_t=totp.t(),
    )


@transaction.atomic
def second_factor_check(*, by: User, device: TOTPDevice, code: str) -> bool:
    """Whether `code` is the app's current code. django-otp locks the device row, refuses a
    code used before and slows down repeated wrong ones (its throttling)."""
    locked = TOTPDevice.objects.select_for_update().get(pk=device.pk, user=by)
    return bool(locked.verify_token(code.strip()))


@transaction.atomic
def professional_create(
    *, by: User, email: str, name: str, organisation: Organisation, profession: str
) -> Professional:
    """A new professional's account and profile, with no password yet: nobody can sign in to it
    until the person chooses one from their invitation (`invitation_issue`). The account is
    active from the start because the outbox e-mails active accounts only. The caller has
    checked that `by` may bring this person in (casework's `professional_invite`)."""
    user = User.objects.create_user(normalise_email(email), None, full_name=name.strip())
    user.groups.add(Group.objects.get_or_create(name=Role.PROFESSIONAL)[0])
    return Professional.objects.create(user=user, organisation=organisation, profession=profession)


@transaction.atomic
def invitation_issue(*, by: User, user: User) -> Invitation:
    """E-mail `user` a single-use link to choose their password, through the outbox. The link's
    token is in the e-mail only; the database keeps its hash. Earlier links the person has not
    used keep working until they expire or one of them is used."""
    if user.has_usable_password():
        raise ValueError("An invitation is for an account that has no password yet.")
    token = secrets.token_urlsafe(32)
    now = timezone.now()
    expires_at = now + dt.timedelta(days=settings.PATHWAY_INVITATION_DAYS)
    invitation = Invitation.objects.create(
        user=user,
        invited_by=by,
        token_hash=Invitation.hash_of(token),
        created_at=now,
        expires_at=expires_at,
    )
    local = timezone.localtime(expires_at)
    service, inviter = settings.PATHWAY_SERVICE_NAME, by.get_full_name()
    outbox.send(
        recipient=user,
        kind="invitation",
        subject=f"You are invited to {service}",
        body=(
            f"{inviter} of {settings.PATHWAY_COUNCIL_NAME} has invited you to {service}, where "
            "the council, schools, health services and other agencies work together as the "
            "team around a child.\n\nFollow the link to choose your password and sign in. It "
            f"works once, until {local:%-d %B %Y at %H:%M}. If it has run out, ask {inviter} "
            "for a new one.\n\nIf you were not expecting this, you can ignore this message."
        ),
        link=reverse("accounts:invitation", kwargs={"token": token}),
    )
    return invitation


class InvitationClosed(Exception):
    """The invitation was used, or ran out, before this answer to it."""

    def __init__(self, state: InvitationState) -> None:
        super().__init__(state.label)
        self.state = state


@transaction.atomic
def invitation_accept(*, invitation: Invitation, password: str) -> User:
    """The invited person chooses their password; the link, and every other link they were sent,
    stops working. Nobody is signed in yet, so the invitation stands for who acts. The password
    must pass Django's validators (AUTH_PASSWORD_VALIDATORS), as on every other password page."""
    locked = Invitation.objects.select_for_update().select_related("user").get(pk=invitation.pk)
    if locked.state != InvitationState.OPEN:
        raise InvitationClosed(locked.state)
    user = locked.user
    password_validation.validate_password(password, user)
    user.set_password(password)
    user.save()
    Invitation.objects.filter(user=user, used_at__isnull=True).update(used_at=timezone.now())
    return user
