"""The deadlines of advice, transfers between councils and re-assessment (DESIGN §5), each
declared once below its due-date rule and checked against the SEND Regulations 2014
(SI 2014/1530) as on legislation.gov.uk.

Their records are the advice request, the transfer and the re-assessment, one deadline each, so
two advisers asked on one plan have a deadline each. Every one is owned as the plan's other
kinds are (`LEAD_PROFESSIONAL`): their machines find the owner through the plan.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.apps import apps
from django.db.models import OuterRef, Subquery

from casework.deadlines import EXCEPTIONS_REG_10_4, LEAD_PROFESSIONAL
from workflows import clock
from workflows.models import StatutoryException
from workflows.registry import AlsoReminded, DeadlineKind

ADVICE_WEEKS = 6
TRANSFER_NOTICE_WORKING_DAYS = 15
TRANSFER_IN_NOTICE_WEEKS = 6
TRANSFER_IN_REVIEW_MONTHS = 3
REASSESSMENT_DECISION_DAYS = 15
REASSESSMENT_FINAL_WEEKS = 14


def advice(request: Any, on: dt.date) -> dt.date:
    """Within 6 weeks of the request for advice (reg 8(1): the body asked "must comply with such
    a request within 6 weeks of the date on which they receive it"); calendar weeks."""
    return clock.add_weeks(request.requested_on, ADVICE_WEEKS)


def transferred_on(transfer: Any) -> dt.date:
    """The date of the transfer (reg 15(2)): the day of the move, or the day the plan came when
    the old council learnt of the move too late to send it by then."""
    moved_on: dt.date = transfer.moved_on
    notice: dt.date = transfer.notice_received_on
    return max(moved_on, notice)


def transfer_in_notice(transfer: Any, on: dt.date) -> dt.date | None:
    """Within 6 weeks of the date of the transfer the new council tells the family the plan has
    been transferred, whether it will assess, and when it will review the plan (reg 15(4))."""
    if transfer.direction != "in":
        return None
    return clock.add_weeks(transferred_on(transfer), TRANSFER_IN_NOTICE_WEEKS)


def transfer_out_sent(transfer: Any, on: dt.date) -> dt.date | None:
    """The old council transfers the plan on the day of the move or, where it did not learn of
    the move at least 15 working days before it, "within 15 working days beginning with the day
    on which it did become aware" (reg 15(2)): that day is the first of the 15."""
    if transfer.direction != "out":
        return None
    notice: dt.date = transfer.notice_received_on
    moved_on: dt.date = transfer.moved_on
    if clock.add_working_days(notice, TRANSFER_NOTICE_WORKING_DAYS) <= moved_on:
        return moved_on
    return clock.working_days_beginning_with(notice, TRANSFER_NOTICE_WORKING_DAYS)


def review_after_transfer_in(transfer: Any) -> dt.date:
    """The new council reviews the plan before the later of its own 12 months and the end of the
    3 months beginning with the date of the transfer (reg 15(5)(b)); this is the second date."""
    return clock.last_day_of_months_starting_with(
        transferred_on(transfer), TRANSFER_IN_REVIEW_MONTHS
    )


def reassessment_decision(reassessment: Any, on: dt.date) -> dt.date:
    """The family is told whether the plan will be re-assessed within 15 days of the request
    (reg 25(1)): calendar days, the 15th after the request."""
    return clock.add_days(reassessment.requested_on, REASSESSMENT_DECISION_DAYS)


def reassessment_final(reassessment: Any, on: dt.date) -> dt.date:
    """The finalised plan within 14 weeks of the notice of the decision to re-assess
    (reg 27(2)), counted from the decision's date."""
    return clock.add_weeks(on, REASSESSMENT_FINAL_WEEKS)


# Reg 8(2) lets the body asked miss the 6 weeks for (a) exceptional circumstances of the child or
# family and (b) their absence from the area for 4 weeks or more (and (c) a missed appointment,
# which is no ground Pathway records yet).
REG_8_2 = (
    StatutoryException.EXCEPTIONAL_CIRCUMSTANCES.value,
    StatutoryException.AWAY_FROM_AREA.value,
)


def _adviser_user() -> Any:
    """The adviser's user id for an `advice` deadline's row: its subject is the request. The
    model is looked up by name: it imports this module for its deadlines."""
    AdviceRequest = apps.get_model("casework", "AdviceRequest")
    adviser = AdviceRequest.objects.filter(pk=OuterRef("subject_id"), adviser__is_active=True)
    return Subquery(adviser.values("adviser_id")[:1])


# The adviser answers for their advice in time (reg 8(1)), so they are reminded too; the case
# officer still owns the deadline, the council's duty to secure the assessment.
ADVISER = AlsoReminded("the adviser asked", _adviser_user)

ADVICE = DeadlineKind(
    "advice",
    "Receive the advice",
    advice,
    statutory=True,
    basis="SEND Regs 2014 reg 8(1) (advice sought under reg 6(1))",
    owner=LEAD_PROFESSIONAL,
    also_reminded=ADVISER,
    exceptions=REG_8_2,
    for_families="The advice we asked for is due",
)
TRANSFER_IN_NOTICE = DeadlineKind(
    "transfer_in_notice",
    "Tell the family about the transferred plan",
    transfer_in_notice,
    statutory=True,
    basis="SEND Regs 2014 reg 15(4)",
    owner=LEAD_PROFESSIONAL,
    for_families="We tell you whether we will re-assess and when we will review the plan",
)
TRANSFER_OUT_SENT = DeadlineKind(
    "transfer_out_sent",
    "Send the plan to the new council",
    transfer_out_sent,
    statutory=True,
    basis="SEND Regs 2014 reg 15(2)",
    owner=LEAD_PROFESSIONAL,
    for_families="We send the plan to your new council",
)
REASSESSMENT_DECISION = DeadlineKind(
    "reassessment_decision",
    "Decide whether to re-assess",
    reassessment_decision,
    statutory=True,
    basis="SEND Regs 2014 reg 25(1)",
    owner=LEAD_PROFESSIONAL,
    for_families="We tell you whether we will re-assess",
)
REASSESSMENT_FINAL = DeadlineKind(
    "reassessment_final",
    "Issue the plan after the re-assessment",
    reassessment_final,
    statutory=True,
    basis="SEND Regs 2014 reg 27(2); exceptions reg 27(3)",
    owner=LEAD_PROFESSIONAL,
    exceptions=EXCEPTIONS_REG_10_4,
    for_families="We issue the plan after the re-assessment",
)

KINDS = (ADVICE, TRANSFER_IN_NOTICE, TRANSFER_OUT_SENT, REASSESSMENT_DECISION, REASSESSMENT_FINAL)
