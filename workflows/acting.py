"""Who is acting: the signed-in person behind a request, and the check that they are staff.

Every app's API passes `acting_user(request)` as the `by=` of its services, and the services that
only staff may use start with `require_staff(by)`: one of each, so the refusal reads the same
whichever app gives it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, cast

from accounts.models import User
from accounts.roles import STAFF_ROLES
from workflows.errors import NotPermitted

if TYPE_CHECKING:
    from django.http import HttpRequest
    from rest_framework.request import Request


def acting_user(request: Request | HttpRequest) -> User:
    """The request's user, typed: authentication has already turned away anybody anonymous."""
    return cast(User, request.user)


def require_staff(by: User) -> None:
    if not any(by.has_role(role) for role in STAFF_ROLES):
        raise NotPermitted("Only a practitioner or a team manager can do this.")
