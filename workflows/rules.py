"""Conditions and permissions for transitions, each carrying the reason it gives when it fails.

They plug into django-fsm-2: a `Condition` is called with the record, a `Permission` with the
record and the acting user. The reason is what a user is told, so it is written in plain words.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from accounts.roles import Role


class Condition:
    def __init__(self, check: Callable[[Any], bool], reason: str) -> None:
        self.check = check
        self.reason = reason
        self.__name__ = getattr(check, "__name__", "condition")

    def __call__(self, instance: Any) -> bool:
        return bool(self.check(instance))


def condition(reason: str) -> Callable[[Callable[[Any], bool]], Condition]:
    """Decorate a predicate on the record: `@condition("Consent to share is not recorded")`."""

    def wrap(check: Callable[[Any], bool]) -> Condition:
        return Condition(check, reason)

    return wrap


class Permission:
    """Who may act; permissions combine with `&`, and every failing part gives its reason."""

    def __init__(
        self, check: Callable[[Any, Any], bool], reason: str, roles: frozenset[str] = frozenset()
    ) -> None:
        self.parts = [(check, reason)]
        # The roles one of which it asks for (from `requires_role`); empty when it names none.
        self.roles = roles

    def __call__(self, instance: Any, user: Any) -> bool:
        return not self.failing(instance, user)

    def __and__(self, other: Permission) -> Permission:
        combined = Permission(other.parts[0][0], other.parts[0][1])
        combined.parts = self.parts + other.parts
        combined.roles = self.roles | other.roles
        return combined

    @property
    def managers_only(self) -> bool:
        """Only a team manager may act: a practitioner is told the manager decides."""
        return self.roles == {Role.TEAM_MANAGER}

    def failing(self, instance: Any, user: Any) -> list[str]:
        if user is None or not user.is_authenticated:
            return ["Sign in first."]
        return [reason for check, reason in self.parts if not check(instance, user)]


_ROLE_PHRASES = {
    Role.PRACTITIONER: "a practitioner",
    Role.TEAM_MANAGER: "a team manager",
    Role.FAMILY: "the child's family",
    Role.PROVIDER: "the provider",
    Role.COMMISSIONER: "a commissioner",
    Role.PROFESSIONAL: "a professional in the child's team around the child",
}


def only_roles_reason(roles: Iterable[str]) -> str:
    """The refusal naming who may: "Only a practitioner or a team manager can do this." """
    phrases = " or ".join(_ROLE_PHRASES.get(Role(role), role) for role in roles)
    return f"Only {phrases} can do this."


def requires_role(*roles: str) -> Permission:
    """Any one of `roles` may act. A team manager also holds the practitioner role."""
    return Permission(
        lambda instance, user: any(user.has_role(role) for role in roles),
        only_roles_reason(roles),
        frozenset(roles),
    )


def permission(reason: str) -> Callable[[Callable[[Any, Any], bool]], Permission]:
    """Decorate a predicate on (record, user), such as "not the person who submitted it"."""

    def wrap(check: Callable[[Any, Any], bool]) -> Permission:
        return Permission(check, reason)

    return wrap
