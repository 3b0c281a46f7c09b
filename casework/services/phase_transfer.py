"""The phase-transfer deadline follows the plan's transfer date (SEND Regulations 2014 reg 18).

reg 18 applies to a child or young person "within 12 months of a transfer": the deadline opens
as soon as a maintained plan (a first final issued, not ceased) has a transfer date less than 12
months ahead, whether the date is recorded by editing the plan (`plan_update`), the plan takes
a step (hooked in `casework.machines`), or the date comes within 12 months (the daily
`casework.tasks.open_phase_transfer_deadlines`). One deadline per transfer, known by its due
date: a transfer that already had one never gets another, whatever became of it, so issuing
the amended plan cannot open a second with the same past date. A running one is not required
once the transfer date is withdrawn or changed to one with another due date (a missed one stays
missed, `workflows.deadlines`). It is met only by a final plan that names the new setting.
"""

from __future__ import annotations

import datetime as dt

from casework import deadlines as due
from casework.models import EHCPlan, PlanStatus
from workflows import clock
from workflows.models import Deadline
from workflows.services import deadlines_close, deadlines_not_required, deadlines_open

MAINTAINED_STATES = [PlanStatus.FINAL, PlanStatus.UNDER_REVIEW, PlanStatus.DRAFT]
WITHIN_MONTHS = 12


def _within_reach(plan: EHCPlan, on: dt.date) -> bool:
    transfer_on = plan.phase_transfer_on
    return (
        transfer_on is not None
        and plan.first_final_issued_on is not None
        and plan.status in MAINTAINED_STATES
        and clock.add_months(transfer_on, -WITHIN_MONTHS) <= on <= transfer_on
    )


def phase_transfer_sync(plan: EHCPlan, *, on: dt.date, by: object = None) -> int:
    """Bring the plan's phase-transfer deadline in line with its transfer date as of `on`;
    1 when a deadline was opened. An effect (`by` is the actor, unused) and a service alike."""
    due_on = due.phase_transfer(plan, on)
    deadlines = Deadline.objects.for_subject(plan).of_kind(due.PHASE_TRANSFER)
    stale = deadlines.running() if due_on is None else deadlines.running().exclude(due_on=due_on)
    if stale.exists():
        deadlines_not_required(plan, (due.PHASE_TRANSFER,), on=on, by="phase_transfer_changed")
    if due_on is None or not _within_reach(plan, on) or deadlines.filter(due_on=due_on).exists():
        return 0
    deadlines_open(plan, (due.PHASE_TRANSFER,), on=on, by="phase_transfer")
    return 1


def phase_transfer_met_by_naming(plan: EHCPlan, *, by: object, on: dt.date) -> None:
    """The effect of `issue_final`: a final plan that names the setting after the transfer
    closes the phase-transfer deadline, met or missed by the issue's effective date (reg 18(1):
    "so that it names the school ... which the child ... will attend following that transfer")."""
    if plan.phase_transfer_setting.strip():
        deadlines_close(plan, (due.PHASE_TRANSFER,), on=on, by="issue_final")


def phase_transfer_sweep(*, today: dt.date | None = None) -> list[EHCPlan]:
    """The plans whose transfer has come within 12 months and may need their deadline opened."""
    today = today or clock.today()
    return list(
        EHCPlan.objects.filter(
            status__in=MAINTAINED_STATES,
            first_final_issued_on__isnull=False,
            phase_transfer_on__gte=today,
            phase_transfer_on__lte=clock.add_months(today, WITHIN_MONTHS),
        )
        .exclude(phase_transfer="")
        .select_related("child", "case")
    )


def phase_transfer_check(plan_id: int, *, on: dt.date) -> int:
    """The daily sweep's item: the plan read again under its lock, then brought in line."""
    return phase_transfer_sync(EHCPlan.objects.select_for_update().get(pk=plan_id), on=on)
