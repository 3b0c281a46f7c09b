"""Existing deadlines brought under the statutory clock's rules (issue 17, item 11).

Called by the data migration `casework 0012` with the historical models, and by its tests with
the live ones: it reads and writes only fields both have, and names kinds by their stored
values as they were when it was written, since a migration must not follow later declarations.

What it changes, one line each in what it returns:

- a statutory deadline set aside (superseded, or "waived" before issue 16) after its due day —
  by `maintain` re-opening the phase transfer, for one — is missed again: nothing turns a miss
  into anything else;
- a deadline made moot and recorded met is not required: `final_plan` on a refused or
  not-issued plan, `decision_not_to_issue` met by `issue_draft`, `assessment_complete` met by
  signposting or closing the case; one the nightly sweep had marked missed is missed again;
- a phase-transfer deadline re-opened for a transfer that already had one (the amended plan's
  issue opening one with the same past date) never existed in law: not required, even when the
  sweep marked it missed, as that miss was false;
- each running deadline whose kind's rule changed gets the due date of the new rule: annual
  reviews from the last review meeting and ending the day before the anniversary (CFA 2014
  s44(1)), an annual review of a child under 5 split into the statutory 12 months and the
  6-month under-5 target, phase transfers before 15 February / 31 March (reg 18), amended
  finals capped at 12 weeks after the meeting (Devon), the first direct-payment review within
  the first 3 months; a phase transfer whose date was withdrawn is not required. A missed one
  keeps its date and stays missed;
- a maintained plan with no annual review running (its review meeting held, the decision not
  yet made: the old rules opened the next one only at the decision) gets one from the meeting.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from workflows import clock

OPEN, MET, MISSED = "open", "met", "missed"
WAIVED, SUPERSEDED, NOT_REQUIRED = "waived", "superseded", "not_required"
STATUTORY = {
    "referral_decision",
    "assessment_complete",
    "decision_to_assess",
    "decision_not_to_issue",
    "final_plan",
    "annual_review",
    "review_report",
    "review_decision",
    "amended_final",
    "phase_transfer",
    "direct_payment_review",
}
MOOT_WHEN_MET = {
    "final_plan": {"refuse_to_assess", "decide_not_to_issue"},
    "decision_not_to_issue": {"issue_draft"},
    "assessment_complete": {"signpost", "close"},
}
MAINTAINED = {"final", "under_review", "draft"}
BY = "statutory_clock_migration"


@dataclass(frozen=True)
class Models:
    Deadline: Any
    EHCPlan: Any
    Review: Any
    Case: Any
    PersonalBudget: Any
    ContentType: Any
    TransitionLog: Any

    @classmethod
    def from_apps(cls, apps: Any) -> Models:
        return cls(
            Deadline=apps.get_model("workflows", "Deadline"),
            EHCPlan=apps.get_model("casework", "EHCPlan"),
            Review=apps.get_model("casework", "Review"),
            Case=apps.get_model("casework", "Case"),
            PersonalBudget=apps.get_model("budgets", "PersonalBudget"),
            ContentType=apps.get_model("contenttypes", "ContentType"),
            TransitionLog=apps.get_model("workflows", "TransitionLog"),
        )


class _Changes:
    def __init__(self) -> None:
        self.lines: list[str] = []

    def save(self, deadline: Any, before: str) -> None:
        deadline.save()
        self.lines.append(f"deadline {deadline.pk} {deadline.kind}: {before} → {_state(deadline)}")

    def create(self, deadline: Any) -> None:
        deadline.save()
        self.lines.append(f"deadline {deadline.pk} {deadline.kind}: (none) → {_state(deadline)}")


def _state(deadline: Any) -> str:
    closed = f", closed {deadline.closed_on}" if deadline.closed_on else ""
    return f"{deadline.status} due {deadline.due_on}{closed}"


def _age_on(born: dt.date, day: dt.date) -> int:
    return day.year - born.year - ((day.month, day.day) < (born.month, born.day))


def statutory_clock_recompute(models: Models, *, today: dt.date) -> list[str]:
    """Apply the new rules to the stored deadlines; one line per deadline changed or added."""
    changes = _Changes()
    content = models.ContentType.objects
    plan_type = content.filter(app_label="casework", model="ehcplan").first()
    if plan_type is None:
        return []  # a new database: content types come after the migrations, deadlines later
    case_type = content.filter(app_label="casework", model="case").first()
    budget_type = content.filter(app_label="budgets", model="personalbudget").first()
    deadline_type = content.filter(app_label="workflows", model="deadline").first()
    swept = set(
        models.TransitionLog.objects.filter(
            subject_type=deadline_type, transition="mark_missed"
        ).values_list("subject_id", flat=True)
        if deadline_type
        else []
    )
    deadlines = models.Deadline.objects
    plans = {plan.pk: plan for plan in models.EHCPlan.objects.select_related("child", "case")}
    meetings: dict[int, list[dt.date]] = {}
    for plan_id, meeting_on in models.Review.objects.filter(
        plan__isnull=False, meeting_on__isnull=False
    ).values_list("plan_id", "meeting_on"):
        meetings.setdefault(plan_id, []).append(meeting_on)

    def last_meeting(plan_id: int, on_or_before: dt.date) -> dt.date | None:
        held = [day for day in meetings.get(plan_id, []) if day <= on_or_before]
        return max(held) if held else None

    for deadline in deadlines.filter(
        kind__in=STATUTORY, status__in=[WAIVED, SUPERSEDED], closed_on__isnull=False
    ):
        if deadline.due_on < deadline.closed_on:
            before = _state(deadline)
            deadline.status = MISSED
            changes.save(deadline, before)

    for kind, steps in MOOT_WHEN_MET.items():
        for deadline in deadlines.filter(kind=kind, status=MET, closed_by__in=steps):
            before = _state(deadline)
            deadline.status = MISSED if deadline.pk in swept else NOT_REQUIRED
            changes.save(deadline, before)

    seen: set[tuple[int, dt.date]] = set()
    for deadline in deadlines.filter(subject_type=plan_type, kind="phase_transfer").order_by(
        "opened_on", "pk"
    ):
        key = (deadline.subject_id, deadline.due_on)
        if key in seen and deadline.closed_on is None:
            before = _state(deadline)
            deadline.status, deadline.closed_on, deadline.closed_by = NOT_REQUIRED, today, BY
            changes.save(deadline, before)
        seen.add(key)

    running = deadlines.filter(closed_on__isnull=True, status__in=[OPEN, MISSED])
    for deadline in running.filter(subject_type=plan_type, kind="phase_transfer"):
        plan = plans[deadline.subject_id]
        before = _state(deadline)
        if plan.phase_transfer_on is None or not plan.phase_transfer:
            if deadline.status == OPEN:
                deadline.status = NOT_REQUIRED
            deadline.closed_on, deadline.closed_by = today, BY
            changes.save(deadline, before)
        elif deadline.status == OPEN:
            _redate(changes, deadline, _phase_transfer_due(plan))

    for deadline in running.filter(subject_type=plan_type, kind="annual_review"):
        plan = plans[deadline.subject_id]
        start = last_meeting(plan.pk, deadline.opened_on) or plan.first_final_issued_on
        if start is None:
            continue
        if _age_on(plan.child.date_of_birth, start) < 5:
            # The old rule's 6 months under 5 is the Code of Practice's target, not the law: a
            # miss of it stays missed, as an under-5 review, beside the statutory 12 months.
            before = _state(deadline)
            deadline.kind = "under_five_review"
            if deadline.status == OPEN:
                deadline.due_on = clock.last_day_of_months_starting_with(start, 6)
            changes.save(deadline, f"(annual_review) {before}")
            _open_like(changes, deadline, "annual_review", start, models)
        elif deadline.status == OPEN:
            _redate(changes, deadline, clock.last_day_of_months_starting_with(start, 12))

    for deadline in running.filter(status=OPEN, subject_type=case_type, kind="annual_review"):
        _redate(changes, deadline, clock.last_day_of_months_starting_with(deadline.opened_on, 12))

    for deadline in running.filter(status=OPEN, subject_type=plan_type, kind="amended_final"):
        meeting = last_meeting(deadline.subject_id, deadline.opened_on)
        due_on = clock.add_weeks(deadline.opened_on, 8)
        if meeting is not None:
            due_on = min(due_on, clock.add_weeks(meeting, 12))
        _redate(changes, deadline, due_on)

    first_payments = dict(
        models.PersonalBudget.objects.filter(first_payment_on__isnull=False).values_list(
            "pk", "first_payment_on"
        )
    )
    for deadline in running.filter(
        status=OPEN, subject_type=budget_type, kind="direct_payment_review"
    ):
        if first_payments.get(deadline.subject_id) == deadline.opened_on:
            _redate(
                changes, deadline, clock.last_day_of_months_starting_with(deadline.opened_on, 3)
            )

    with_review = set(
        running.filter(subject_type=plan_type, kind="annual_review").values_list(
            "subject_id", flat=True
        )
    )
    for plan in plans.values():
        if plan.pk in with_review or plan.status not in MAINTAINED:
            continue
        if plan.first_final_issued_on is None:
            continue
        start = last_meeting(plan.pk, today) or plan.first_final_issued_on
        template = deadlines.filter(subject_type=plan_type, subject_id=plan.pk).first()
        if template is not None:
            _open_like(changes, template, "annual_review", start, models)
    return changes.lines


def _phase_transfer_due(plan: Any) -> dt.date:
    transfer_on = plan.phase_transfer_on
    if plan.phase_transfer == "post_16_to_post_16":
        return clock.add_months(transfer_on, -5)
    if plan.phase_transfer == "post_16":
        return dt.date(transfer_on.year, 3, 30)
    return dt.date(transfer_on.year, 2, 14)


def _redate(changes: _Changes, deadline: Any, due_on: dt.date) -> None:
    if deadline.due_on == due_on:
        return
    before = _state(deadline)
    deadline.due_on = due_on
    changes.save(deadline, before)


def _open_like(changes: _Changes, like: Any, kind: str, start: dt.date, models: Models) -> None:
    """A new open deadline of `kind` on the subject of `like`, for the 12 months from `start`."""
    changes.create(
        models.Deadline(
            subject_type_id=like.subject_type_id,
            subject_id=like.subject_id,
            case_id=like.case_id,
            team_id=like.team_id,
            owner_id=like.owner_id,
            label=like.label,
            kind=kind,
            due_on=clock.last_day_of_months_starting_with(start, 12),
            opened_on=start,
            status=OPEN,
        )
    )
