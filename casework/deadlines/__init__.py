"""Casework's deadline kinds (DESIGN §5), each declared once, below its due-date rule.

Each rule takes the record and the effective date of the step that opens the deadline and
returns the due date, or None when the deadline does not apply. The kinds are declared to the
engine from `casework.machines` at start-up.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.conf import settings

from casework.models.choices import PhaseTransfer, PlanStatus
from workflows import clock
from workflows.models import StatutoryException
from workflows.registry import DeadlineKind, OwnerRule, registry

ANNUAL_REVIEW_MONTHS = 12


def referral_decision(case: Any, on: dt.date) -> dt.date:
    """1 working day after the referral was received (Working Together 2023)."""
    return clock.add_working_days(on, 1)


def assessment_complete(case: Any, on: dt.date) -> dt.date:
    """45 working days after the referral was received (Working Together 2023)."""
    return clock.add_working_days(on, 45)


def decision_to_assess(plan: Any, on: dt.date) -> dt.date:
    """6 weeks after the request (SEND Regulations 2014 reg 5)."""
    return clock.add_weeks(plan.requested_on, 6)


def decision_not_to_issue(plan: Any, on: dt.date) -> dt.date:
    """16 weeks after the request (reg 10(1)), whenever the decision to assess was made."""
    return clock.add_weeks(plan.requested_on, 16)


def final_plan(plan: Any, on: dt.date) -> dt.date:
    """20 weeks after the request (reg 13(2)); calendar weeks, so bank holidays do not move it."""
    return clock.add_weeks(plan.requested_on, 20)


FAMILY_PERIOD_DAYS = 15


def family_comments(plan: Any, on: dt.date) -> dt.date:
    """The last of the 15 days beginning with the day the draft plan was served (SEND Regs
    2014 reg 13(1)(a): "at least 15 days, beginning with the day on which the draft plan was
    served")."""
    return clock.days_beginning_with(plan.notice_served_on, FAMILY_PERIOD_DAYS)


def amendment_representations(plan: Any, on: dt.date) -> dt.date:
    """The last of the 15 days beginning with the day the amendment notice was served (SEND Regs
    2014 reg 22(2)(c): "at least 15 days, beginning with the day on which the draft plan was
    served")."""
    return clock.days_beginning_with(plan.notice_served_on, FAMILY_PERIOD_DAYS)


def review_period_start(subject: Any, on: dt.date) -> dt.date | None:
    """The day the next review period starts with, for the step taking effect on `on`.

    For an EHC plan (CFA 2014 s44(1)): the first final plan's issue, or the review meeting
    (`start_review`, which takes effect on the meeting's date); None for any other step, so
    `maintain`, `amend` and the amended plan's issue never restart the count. For a case's support
    plan, each step that opens a review.
    """
    if not hasattr(subject, "first_final_issued_on"):
        return on
    if subject.status == PlanStatus.UNDER_REVIEW:
        return on
    first_issue = subject.first_final_issued_on == on == subject.last_final_issued_on
    return on if subject.status == PlanStatus.FINAL and first_issue else None


def annual_review(subject: Any, on: dt.date) -> dt.date | None:
    """The last day of the 12 months starting with the first final plan, then with the last
    review meeting (Children and Families Act 2014 s44(1)(a), (b)): a plan issued on 1 September
    2025 is reviewed by 31 August 2026."""
    start = review_period_start(subject, on)
    if start is None:
        return None
    return clock.last_day_of_months_starting_with(start, ANNUAL_REVIEW_MONTHS)


def under_five_review(subject: Any, on: dt.date) -> dt.date | None:
    """The last day of the months of the local target (PATHWAY_UNDER_FIVE_REVIEW_MONTHS, 6)
    starting with the first final plan or the last review meeting, for a child under 5 on that
    day (SEND Code of Practice 2015 para 9.178: guidance, not the law; the statutory 12 months
    still run beside it)."""
    start = review_period_start(subject, on)
    if start is None or subject.child.age_on(start) >= 5:
        return None
    return clock.last_day_of_months_starting_with(start, settings.PATHWAY_UNDER_FIVE_REVIEW_MONTHS)


def review_report(plan: Any, on: dt.date) -> dt.date:
    """Within 2 weeks of the review meeting (SEND Regulations 2014 reg 20(7) where the child
    attends a school or other institution, reg 21(7) where not); `on` is the meeting's date."""
    return clock.add_weeks(on, 2)


def review_decision(plan: Any, on: dt.date) -> dt.date:
    """Within 4 weeks of the review meeting, the decision to maintain, amend or cease notified
    (SEND Regulations 2014 reg 20(10), reg 21(8)); `on` is the meeting's date."""
    return clock.add_weeks(on, 4)


def amended_final(plan: Any, on: dt.date) -> dt.date:
    """The earlier of 8 weeks after the amendment notice (SEND Regulations 2014 reg 22(3): within
    8 weeks of sending the plan and notice under reg 22(2)(a)) and 12 weeks after the review
    meeting it followed (R (L) v Devon CC [2022] EWHC 493 (Admin): the notice is due within the
    4 weeks of reg 20(10), so the 8 weeks end at most 12 weeks after the meeting).

    The notice's date is the day `amend` records it was sent (by post, not the day it is served),
    else the step's effective date.
    """
    notice_deadline = clock.add_weeks(plan.notice_sent_on or on, 8)
    meeting = plan.reviews.exclude(meeting_on=None).order_by("-meeting_on").first()
    if meeting is None:
        return notice_deadline
    return min(notice_deadline, clock.add_weeks(meeting.meeting_on, 12))


def phase_transfer(plan: Any, on: dt.date) -> dt.date | None:
    """The last day the plan can be reviewed and amended for the transfer (SEND Regulations 2014
    reg 18, as amended by the 2015 Amendment Regulations).

    reg 18(1)(b): before 15 February of the calendar year of transfer → 14 February;
    reg 18(1)(a): secondary school to post-16 institution, before 31 March → 30 March;
    reg 18(2): post-16 institution to another at any other time, at least 5 months before the
    transfer → the transfer date less 5 calendar months (rolling back at a month end, so a
    move on 31 July is due by 28 or 29 February, never less than 5 months before).
    """
    transfer_on = plan.phase_transfer_on
    if transfer_on is None or not plan.phase_transfer:
        return None
    if plan.phase_transfer == PhaseTransfer.POST_16_TO_POST_16:
        return clock.add_months(transfer_on, -5)
    if plan.phase_transfer == PhaseTransfer.POST_16:
        return dt.date(transfer_on.year, 3, 30)
    return dt.date(transfer_on.year, 2, 14)


def reason_field() -> forms.CharField:
    return forms.CharField(
        label="Reason",
        widget=forms.Textarea,
        max_length=5_000,
        error_messages={
            "required": "Enter the reason.",
            "max_length": "The reason must be 5,000 characters or fewer.",
        },
    )


def date_field(required_message: str) -> forms.DateField:
    return forms.DateField(
        error_messages={"required": required_message, "invalid": "Enter a real date."}
    )


def lead_professional_or_case_officer(record: Any) -> int | None:
    """Who answers for a casework deadline (DESIGN §5 Owners): the case's lead professional, as
    the record's machine finds them; for an EHC process without a social-care case (or whose
    case has no lead professional), the plan's case officer — the record's own, or that of the
    plan it belongs to (an advice request, a review). None when neither is known: the reminders
    then go to the team's managers."""
    lead = registry.machine_for(type(record)).owner_of(record)
    if lead is not None:
        return int(lead)
    if hasattr(record, "case_officer_id"):
        return int(record.case_officer_id) if record.case_officer_id is not None else None
    plan = getattr(record, "plan", None)
    if plan is not None and type(plan) in registry.machines:
        return lead_professional_or_case_officer(plan)
    return None


LEAD_PROFESSIONAL = OwnerRule(
    "The case's lead professional; without a case, the plan's case officer",
    lead_professional_or_case_officer,
)
# The grounds of reg 10(4)(a) to (d), which reg 5(4) (the 6 weeks), reg 10(4) itself (the 16
# weeks), reg 13(3) (the 20 weeks) and reg 27(3) (a re-assessment's 14 weeks) apply. No other time
# limit in the regulations has an exception: every other kind declares `exceptions=()`.
EXCEPTIONS_REG_10_4 = tuple(StatutoryException.values)

REFERRAL_DECISION = DeadlineKind(
    "referral_decision",
    "Decide on the referral",
    referral_decision,
    # Statutory guidance, not a time limit in law (DESIGN §5): a manager may waive it.
    statutory=False,
    basis="Working Together to Safeguard Children 2023 (statutory guidance)",
    owner=LEAD_PROFESSIONAL,
    exceptions=(),
    for_families="We decide what happens with the referral",
)
ASSESSMENT_COMPLETE = DeadlineKind(
    "assessment_complete",
    "Complete the assessment",
    assessment_complete,
    # Statutory guidance, not a time limit in law (DESIGN §5): a manager may waive it.
    statutory=False,
    basis="Working Together to Safeguard Children 2023 (statutory guidance)",
    owner=LEAD_PROFESSIONAL,
    exceptions=(),
    for_families="We finish the assessment",
)
DECISION_TO_ASSESS = DeadlineKind(
    "decision_to_assess",
    "Decide whether to assess",
    decision_to_assess,
    statutory=True,
    basis="SEND Regs 2014 reg 5",
    owner=LEAD_PROFESSIONAL,
    exceptions=EXCEPTIONS_REG_10_4,
    for_families="We tell you whether we will carry out an EHC needs assessment",
    plain_basis=(
        "The law (SEND Regulations 2014, regulation 5) says we must tell you within 6 weeks of "
        "the request whether we will carry out an EHC needs assessment"
    ),
)
DECISION_NOT_TO_ISSUE = DeadlineKind(
    "decision_not_to_issue",
    "Decide not to issue",
    decision_not_to_issue,
    statutory=True,
    basis="SEND Regs 2014 reg 10(1)",
    owner=LEAD_PROFESSIONAL,
    exceptions=EXCEPTIONS_REG_10_4,
    for_families="If we decide not to issue a plan, we tell you by",
    plain_basis=(
        "The law (SEND Regulations 2014, regulation 10) says that if we decide not to issue a "
        "plan after the assessment, we must tell you within 16 weeks of the request"
    ),
)
FAMILY_COMMENTS = DeadlineKind(
    "family_comments",
    "Family's comments on the draft",
    family_comments,
    statutory=True,
    basis="SEND Regs 2014 reg 13(1)(a); served by post: Interpretation Act 1978 s7",
    owner=LEAD_PROFESSIONAL,
    council_duty=False,
    exceptions=(),
    for_families="Your last day to comment on the draft plan",
)
AMENDMENT_REPRESENTATIONS = DeadlineKind(
    "amendment_representations",
    "Family's representations on the proposed amendments",
    amendment_representations,
    statutory=True,
    basis="SEND Regs 2014 reg 22(2)(c); served by post: Interpretation Act 1978 s7",
    owner=LEAD_PROFESSIONAL,
    council_duty=False,
    for_families="Your last day to comment on the changes we propose to the plan",
)
FINAL_PLAN = DeadlineKind(
    "final_plan",
    "Issue the final plan",
    final_plan,
    statutory=True,
    basis="SEND Regs 2014 reg 13(2)",
    owner=LEAD_PROFESSIONAL,
    exceptions=EXCEPTIONS_REG_10_4,
    for_families="We issue the final EHC plan",
    plain_basis=(
        "The law (SEND Regulations 2014, regulation 13) says the final plan must be issued "
        "within 20 weeks of the request"
    ),
)
ANNUAL_REVIEW = DeadlineKind(
    "annual_review",
    "Hold the review meeting",
    annual_review,
    statutory=True,
    basis="Children and Families Act 2014 s44(1)",
    owner=LEAD_PROFESSIONAL,
    exceptions=(),
    for_families="The plan's review meeting",
    plain_basis=(
        "The law (Children and Families Act 2014, section 44) says the plan must be reviewed "
        "within 12 months of the plan being made, then within 12 months of each review"
    ),
)
UNDER_FIVE_REVIEW = DeadlineKind(
    "under_five_review",
    "Hold the under-5 review meeting",
    under_five_review,
    statutory=False,
    basis="SEND Code of Practice 2015 para 9.178 (guidance); council target",
    owner=LEAD_PROFESSIONAL,
    for_families="The plan's review meeting for a child under 5",
    plain_basis=(
        "Government guidance (SEND Code of Practice, paragraph 9.178) asks councils to review "
        "the plan of a child under 5 more often: we aim to within 6 months. The legal limit "
        "stays 12 months"
    ),
)
REVIEW_REPORT = DeadlineKind(
    "review_report",
    "Send the review report",
    review_report,
    statutory=True,
    basis="SEND Regs 2014 reg 20(7), reg 21(7)",
    owner=LEAD_PROFESSIONAL,
    exceptions=(),
    for_families="We send you the review report",
    plain_basis=(
        "The law (SEND Regulations 2014, regulations 20 and 21) says the review report must be "
        "sent within 2 weeks of the review meeting"
    ),
)
REVIEW_DECISION = DeadlineKind(
    "review_decision",
    "Decide after the review",
    review_decision,
    statutory=True,
    basis="SEND Regs 2014 reg 20(10), reg 21(8)",
    owner=LEAD_PROFESSIONAL,
    exceptions=(),
    for_families="We tell you our decision after the review",
    plain_basis=(
        "The law (SEND Regulations 2014, regulations 20 and 21) says we must tell you within 4 "
        "weeks of the review meeting whether we will keep, change or end the plan"
    ),
)
AMENDED_FINAL = DeadlineKind(
    "amended_final",
    "Issue the amended plan",
    amended_final,
    statutory=True,
    basis="SEND Regs 2014 reg 22(3); R (L) v Devon CC [2022] EWHC 493 (Admin)",
    owner=LEAD_PROFESSIONAL,
    exceptions=(),
    for_families="We issue the amended EHC plan",
    plain_basis=(
        "The law (SEND Regulations 2014, regulation 22, and the High Court in R (L) v Devon) "
        "says the amended plan must be issued within 8 weeks of the proposed changes being sent "
        "to you, and no later than 12 weeks after the review meeting"
    ),
)
PHASE_TRANSFER = DeadlineKind(
    "phase_transfer",
    "Amend the plan for the move",
    phase_transfer,
    statutory=True,
    basis="SEND Regs 2014 reg 18(1), 18(2) (as amended 2015)",
    owner=LEAD_PROFESSIONAL,
    exceptions=(),
    for_families="We update the plan for the move to a new school or college",
    plain_basis=(
        "The law (SEND Regulations 2014, regulation 18) says the plan must be reviewed and name "
        "the new school or college before 15 February of the year of the move (before 31 March "
        "for a move from secondary school to post-16, and at least 5 months before a move "
        "between post-16 colleges)"
    ),
)

KINDS = (
    REFERRAL_DECISION,
    ASSESSMENT_COMPLETE,
    DECISION_TO_ASSESS,
    DECISION_NOT_TO_ISSUE,
    FAMILY_COMMENTS,
    AMENDMENT_REPRESENTATIONS,
    FINAL_PLAN,
    ANNUAL_REVIEW,
    UNDER_FIVE_REVIEW,
    REVIEW_REPORT,
    REVIEW_DECISION,
    AMENDED_FINAL,
    PHASE_TRANSFER,
)
