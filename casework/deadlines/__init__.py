"""Casework's deadline kinds (DESIGN §5), each declared once, below its due-date rule.

Each rule takes the record and the effective date of the step that opens the deadline and
returns the due date, or None when the deadline does not apply. The kinds are declared to the
engine from `casework.machines` at start-up.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms

from workflows import clock
from workflows.models import StatutoryException
from workflows.registry import DeadlineKind, OwnerRule, registry

UNDER_FIVE_REVIEW_MONTHS = 6
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


def family_comments(plan: Any, on: dt.date) -> dt.date:
    """15 calendar days after the draft plan was sent (reg 13(1))."""
    return clock.add_days(on, 15)


def annual_review(subject: Any, on: dt.date) -> dt.date:
    """12 months after the plan or the last review; 6 months for a child under 5 on that date."""
    months = UNDER_FIVE_REVIEW_MONTHS if subject.child.age_on(on) < 5 else ANNUAL_REVIEW_MONTHS
    return clock.add_months(on, months)


def review_report(plan: Any, on: dt.date) -> dt.date:
    """2 weeks after the review meeting (reg 20)."""
    return clock.add_weeks(on, 2)


def review_decision(plan: Any, on: dt.date) -> dt.date:
    """4 weeks after the review meeting (reg 20)."""
    return clock.add_weeks(on, 4)


def amended_final(plan: Any, on: dt.date) -> dt.date:
    """8 weeks after the amendment notice (reg 22)."""
    return clock.add_weeks(on, 8)


def phase_transfer(plan: Any, on: dt.date) -> dt.date | None:
    """15 February of the transfer year; 31 March for secondary school to post-16 (reg 18)."""
    if plan.phase_transfer_on is None:
        return None
    year = plan.phase_transfer_on.year
    if plan.phase_transfer == "post_16":
        return dt.date(year, 3, 31)
    return dt.date(year, 2, 15)


def reason_field() -> forms.CharField:
    return forms.CharField(
        label="Reason", widget=forms.Textarea, error_messages={"required": "Enter the reason."}
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
    statutory=True,
    basis="Working Together 2023",
    owner=LEAD_PROFESSIONAL,
    exceptions=(),
    for_families="We decide what happens with the referral",
)
ASSESSMENT_COMPLETE = DeadlineKind(
    "assessment_complete",
    "Complete the assessment",
    assessment_complete,
    statutory=True,
    basis="Working Together 2023",
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
)
FAMILY_COMMENTS = DeadlineKind(
    "family_comments",
    "Family's comments on the draft",
    family_comments,
    statutory=True,
    basis="SEND Regs 2014 reg 13(1)",
    owner=LEAD_PROFESSIONAL,
    council_duty=False,
    exceptions=(),
    for_families="Your last day to comment on the draft plan",
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
)
ANNUAL_REVIEW = DeadlineKind(
    "annual_review",
    "Hold the review meeting",
    annual_review,
    statutory=True,
    basis="Code of Practice 9.166",
    owner=LEAD_PROFESSIONAL,
    exceptions=(),
    for_families="The plan's review meeting",
)
REVIEW_REPORT = DeadlineKind(
    "review_report",
    "Send the review report",
    review_report,
    statutory=True,
    basis="SEND Regs 2014 reg 20",
    owner=LEAD_PROFESSIONAL,
    exceptions=(),
    for_families="We send you the review report",
)
REVIEW_DECISION = DeadlineKind(
    "review_decision",
    "Decide after the review",
    review_decision,
    statutory=True,
    basis="SEND Regs 2014 reg 20",
    owner=LEAD_PROFESSIONAL,
    exceptions=(),
    for_families="We tell you our decision after the review",
)
AMENDED_FINAL = DeadlineKind(
    "amended_final",
    "Issue the amended plan",
    amended_final,
    statutory=True,
    basis="SEND Regs 2014 reg 22",
    owner=LEAD_PROFESSIONAL,
    exceptions=(),
    for_families="We issue the amended EHC plan",
)
PHASE_TRANSFER = DeadlineKind(
    "phase_transfer",
    "Amend the plan for the move",
    phase_transfer,
    statutory=True,
    basis="SEND Regs 2014 reg 18",
    owner=LEAD_PROFESSIONAL,
    exceptions=(),
    for_families="We update the plan for the move to a new school or college",
)

KINDS = (
    REFERRAL_DECISION,
    ASSESSMENT_COMPLETE,
    DECISION_TO_ASSESS,
    DECISION_NOT_TO_ISSUE,
    FAMILY_COMMENTS,
    FINAL_PLAN,
    ANNUAL_REVIEW,
    REVIEW_REPORT,
    REVIEW_DECISION,
    AMENDED_FINAL,
    PHASE_TRANSFER,
)
