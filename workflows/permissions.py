"""The API's one permission beyond signing in: who may write, decided before the body is read.

Its own module because DRF imports its default permission classes while `rest_framework.views`
is still loading, so they cannot live beside the views.
"""

from __future__ import annotations

from typing import Any, cast

from rest_framework import permissions
from rest_framework.request import Request

from accounts.models import User
from workflows.errors import NotPermitted
from workflows.rules import only_roles_reason


class WriteRoles(permissions.BasePermission):
    """A write needs one of the roles its view names for it, before its body is even read.

    A view lists them as `write_roles = {"create": STAFF, ...}`, by action (or by method for a
    plain API view). Steps of a machine are not listed: their own permissions decide, with reasons.
    So somebody who may never do a thing is told 403, not what their request got wrong.
    """

    code = NotPermitted.code

    def has_permission(self, request: Request, view: Any) -> bool:
        if request.method in permissions.SAFE_METHODS:
            return True
        key = getattr(view, "action", None) or (request.method or "").lower()
        roles = getattr(view, "write_roles", {}).get(key)
        if roles is None:
            return True
        self.message = only_roles_reason(roles)
        return any(cast(User, request.user).has_role(role) for role in roles)
