"""Domain errors of the engine, each with a stable code. The API and pages map them once."""

from __future__ import annotations

from typing import Any


class WorkflowError(Exception):
    code = "error"

    def __init__(
        self, detail: str, *, reasons: list[str] | None = None, extra: dict[str, Any] | None = None
    ) -> None:
        super().__init__(detail)
        self.detail = detail
        self.reasons = reasons or [detail]
        self.extra = extra or {}


class TransitionNotAllowed(WorkflowError):
    """Not possible now: wrong state, an unmet condition, or the record changed meanwhile."""

    code = "transition_not_allowed"


class NotPermitted(WorkflowError):
    code = "not_permitted"


class UnknownTransition(WorkflowError):
    code = "unknown_transition"


class InvalidParams(WorkflowError):
    """Bad input for a transition; `fields` maps each field to its messages."""

    code = "invalid"

    def __init__(self, fields: dict[str, list[str]], detail: str = "") -> None:
        super().__init__(detail or "Check the answers you gave and try again.")
        self.fields = fields
