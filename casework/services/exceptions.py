"""Exceptions to the EHC time limits (SEND Regulations 2014 reg 5(4), 10(4), 13(3), 27(3)) as a
history, and the plan's `exception_reason` derived from it (DESIGN §5 Exceptions)."""

from __future__ import annotations

from django.contrib.contenttypes.models import ContentType
from django.db import transaction

from accounts.models import User
from casework import deadlines as due
from casework.models import EHCPlan
from workflows.exceptions import Facts
from workflows.models import Deadline, DeadlineException
from workflows.services import deadline_exception_add, deadline_exception_withdraw


@transaction.atomic
def exception_record(
    *, by: User, deadline: Deadline, ground: str, reason: str, facts: Facts
) -> DeadlineException:
    """A team manager records an exception on a deadline that admits one, with its dates."""
    added = deadline_exception_add(deadline, by=by, ground=ground, reason=reason, facts=facts)
    _derive_plan_exception(added.deadline)
    return added


@transaction.atomic
def exception_withdraw(
    *, by: User, exception: DeadlineException, reason: str
) -> DeadlineException:
    """A team manager withdraws an exception; its row stays in the history."""
    withdrawn = deadline_exception_withdraw(exception, by=by, reason=reason)
    _derive_plan_exception(withdrawn.deadline)
    return withdrawn


def plan_exception_reason(plan: EHCPlan) -> str:
    """The plan's exception to the 20 weeks (reg 13(3)) as SEN2 reports it: the ground and the
    reason of the latest live exception on its final plan deadline, or empty."""
    latest = (
        DeadlineException.objects.filter(
            deadline__subject_type=ContentType.objects.get_for_model(EHCPlan),
            deadline__subject_id=plan.pk,
            deadline__kind=due.FINAL_PLAN.value,
            withdrawn_at__isnull=True,
        )
        .order_by("-added_at", "-pk")
        .first()
    )
    return f"{latest.get_ground_display()}: {latest.reason}" if latest else ""


def _derive_plan_exception(deadline: Deadline) -> None:
    if deadline.subject_type_id != ContentType.objects.get_for_model(EHCPlan).pk:
        return
    plan = EHCPlan.objects.select_for_update().get(pk=deadline.subject_id)
    reason = plan_exception_reason(plan)
    if plan.exception_reason != reason:
        plan.exception_reason = reason
        plan.save(update_fields=["exception_reason"])
