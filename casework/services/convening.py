"""Reviews run by the setting (DESIGN §3, SEND Regs 2014 reg 20): the child's review convener,
a professional in the team around the child, records the review meeting and the report sent.
The council's deadlines follow from those dates; its decision (maintain, amend or cease) stays
with its team managers."""

from __future__ import annotations

import datetime as dt

from django.db import transaction

from accounts.models import User
from casework import deadlines as due
from casework.models import EHCPlan, PlanStatus, Review, ReviewStatus
from casework.models.team import is_review_convener
from casework.services import _hold_meeting
from workflows import clock
from workflows.audit import audit
from workflows.deadlines import deadlines_close
from workflows.errors import InvalidParams, NotPermitted, TransitionNotAllowed
from workflows.services import record_created


def _require_convener(by: User, plan: EHCPlan) -> None:
    if not is_review_convener(plan.child_id, by, on=clock.today()):
        raise NotPermitted("Only the child's review convener can record this here.")


def _not_in_future(field: str, day: dt.date) -> None:
    if day > clock.today():
        raise InvalidParams({field: ["The date cannot be in the future."]})


@transaction.atomic
def review_meeting_record(*, by: User, plan: EHCPlan, meeting_on: dt.date) -> Review:
    """The review meeting has been held: the plan goes under review on that day (`start_review`),
    which opens the review report (2 weeks, reg 20(7)) and the decision (4 weeks, reg 20(10))."""
    _require_convener(by, plan)
    _not_in_future("meeting_on", meeting_on)
    locked = EHCPlan.objects.select_for_update().get(pk=plan.pk)
    if locked.status != PlanStatus.FINAL:
        raise TransitionNotAllowed(
            "A review meeting is recorded once the final plan is issued; this plan's stage is "
            f"'{locked.get_status_display()}'."
        )
    review = locked.reviews.current().first()
    if review is not None and review.status == ReviewStatus.HELD:
        raise TransitionNotAllowed("The meeting of this review has already been recorded.")
    if review is None:
        review = Review.objects.create(plan=locked)
        record_created(review, by=by)
    return _hold_meeting(review, by=by, meeting_on=meeting_on)


@transaction.atomic
def review_report_record(*, by: User, plan: EHCPlan, report_sent_on: dt.date) -> Review:
    """The review report has gone to the council and everyone invited (reg 20(7)): it closes the
    `review_report` deadline, met or missed by that day."""
    _require_convener(by, plan)
    _not_in_future("report_sent_on", report_sent_on)
    review = Review.objects.select_for_update().filter(plan=plan).held().first()
    if review is None:
        raise TransitionNotAllowed("Record the review meeting first.")
    if review.report_sent_on is not None:
        # Its deadline closed on that day: a second date would contradict it.
        raise TransitionNotAllowed(
            f"The review report was recorded as sent on {review.report_sent_on:%-d %B %Y}."
        )
    if review.meeting_on and report_sent_on < review.meeting_on:
        raise InvalidParams({"report_sent_on": ["The report cannot be sent before the meeting."]})
    review.report_sent_on = report_sent_on
    review.save(update_fields=["report_sent_on"])
    audit(
        review,
        "report_sent",
        by=by,
        case_id=plan.case_id,
        params={"report_sent_on": report_sent_on.isoformat()},
    )
    deadlines_close(plan, (due.REVIEW_REPORT,), on=report_sent_on, by="report_sent")
    return review
