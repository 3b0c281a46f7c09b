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


# Who answers for a casework deadline: the case's lead professional, as each machine finds them.
LEAD_PROFESSIONAL = OwnerRule(
    "The case's lead professional",
    lambda record: registry.machine_for(type(record)).owner_of(record),
)
REG_10_4 = tuple(StatutoryException.values)

REFERRAL_DECISION = DeadlineKind(
    "referral_decision",
    "Decide on the referral",
    referral_decision,
    statutory=True,
    basis="Working Together 2023",
    owner=LEAD_PROFESSIONAL,
    exceptions=REG_10_4,
    for_families="We decide what happens with the referral",
)
ASSESSMENT_COMPLETE = DeadlineKind(
    "assessment_complete",
    "Complete the assessment",
    assessment_complete,
    statutory=True,
    basis="Working Together 2023",
    owner=LEAD_PROFESSIONAL,
    exceptions=REG_10_4,
    for_families="We finish the assessment",
)
DECISION_TO_ASSESS = DeadlineKind(
    "decision_to_assess",
    "Decide whether to assess",
    decision_to_assess,
    statutory=True,
    basis="SEND Regs 2014 reg 5",
    owner=LEAD_PROFESSIONAL,
    exceptions=REG_10_4,
    for_families="We tell you whether we will carry out an EHC needs assessment",
)
DECISION_NOT_TO_ISSUE = DeadlineKind(
    "decision_not_to_issue",
    "Decide not to issue",
    decision_not_to_issue,
    statutory=True,
    basis="SEND Regs 2014 reg 10(1)",
    owner=LEAD_PROFESSIONAL,
    exceptions=REG_10_4,
    for_families="If we decide not to issue a plan, we tell you by",
)
FAMILY_COMMENTS = DeadlineKind(
    "family_comments",
    "Family's comments on the draft",
    family_comments,
    statutory=True,
    basis="SEND Regs 2014 reg 13(1)(a); served by post: Interpretation Act 1978 s7",
    owner=LEAD_PROFESSIONAL,
    council_duty=False,
    exceptions=REG_10_4,
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
    exceptions=REG_10_4,
    for_families="We issue the final EHC plan",
)
ANNUAL_REVIEW = DeadlineKind(
    "annual_review",
    "Hold the review meeting",
    annual_review,
    statutory=True,
    basis="Code of Practice 9.166",
    owner=LEAD_PROFESSIONAL,
    exceptions=REG_10_4,
    for_families="The plan's review meeting",
)
REVIEW_REPORT = DeadlineKind(
    "review_report",
    "Send the review report",
    review_report,
    statutory=True,
    basis="SEND Regs 2014 reg 20",
    owner=LEAD_PROFESSIONAL,
    exceptions=REG_10_4,
    for_families="We send you the review report",
)
REVIEW_DECISION = DeadlineKind(
    "review_decision",
    "Decide after the review",
    review_decision,
    statutory=True,
    basis="SEND Regs 2014 reg 20",
    owner=LEAD_PROFESSIONAL,
    exceptions=REG_10_4,
    for_families="We tell you our decision after the review",
)
AMENDED_FINAL = DeadlineKind(
    "amended_final",
    "Issue the amended plan",
    amended_final,
    statutory=True,
    basis="SEND Regs 2014 reg 22",
    owner=LEAD_PROFESSIONAL,
    exceptions=REG_10_4,
    for_families="We issue the amended EHC plan",
)
PHASE_TRANSFER = DeadlineKind(
    "phase_transfer",
    "Amend the plan for the move",
    phase_transfer,
    statutory=True,
    basis="SEND Regs 2014 reg 18",
    owner=LEAD_PROFESSIONAL,
    exceptions=REG_10_4,
    for_families="We update the plan for the move to a new school or college",
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
    REVIEW_REPORT,
    REVIEW_DECISION,
    AMENDED_FINAL,
    PHASE_TRANSFER,
)
