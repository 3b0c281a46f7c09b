"""What django-axes counts failed sign-ins against (`AXES_USERNAME_CALLABLE`)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from accounts.models import normalise_email


def username(request: HttpRequest, credentials: dict[str, Any] | None) -> str | None:
    """The normalised address, from the credentials given to `authenticate()` or, when axes has
    only the request, from the sign-in form: five wrong passwords are five however the address
    was spelt."""
    if credentials:
        given = credentials.get("username")
    else:
        given = getattr(request, "data", request.POST).get("username")
    return normalise_email(given) if isinstance(given, str) else None
