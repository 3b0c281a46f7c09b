from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice
from knox.models import AuthToken

from accounts.models import User

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
