"""Refusals of short breaks that clients tell apart by their code (all 409, not possible now)."""

from __future__ import annotations

from workflows.errors import TransitionNotAllowed


class DuplicateBooking(TransitionNotAllowed):
    """The package already has a live session on that date: a double-click, or a repeat."""

    code = "duplicate_booking"


class BudgetOvercommitted(TransitionNotAllowed):
    """Approving would promise more than the budget has, counting what approved packages have
    still to book; a manager may approve it anyway with a reason."""

    code = "budget_overcommitted"


class CorrectionNotCovered(TransitionNotAllowed):
    """Correcting a no-show to delivered would pay more than the budget has available."""

    code = "budget_exceeded"


class ChangeAlreadyWaiting(TransitionNotAllowed):
    """A change to the service is already waiting for approval: one at a time."""

    code = "change_already_waiting"
