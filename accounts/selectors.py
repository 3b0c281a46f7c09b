from __future__ import annotations

from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.models import User


def second_factor_device(*, user: User) -> TOTPDevice | None:
    """The user's authenticator app, once set up (one per person)."""
    return TOTPDevice.objects.filter(user=user, confirmed=True).order_by("-pk").first()
