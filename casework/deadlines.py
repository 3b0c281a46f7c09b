"""When each casework deadline falls due (DESIGN §5), from the effective date of the step.

Each function takes the record and the effective date of the step that opens the deadline and
returns the due date, or None when the deadline does not apply.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms

from workflows import clock
from workflows.registry import DeadlineKind, registry

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


KINDS = [
    DeadlineKind("referral_decision", "Decide on the referral", True, "Working Together 2023"),
    DeadlineKind("assessment_complete", "Complete the assessment", True, "Working Together 2023"),
    DeadlineKind("decision_to_assess", "Decide whether to assess", True, "SEND Regs 2014 reg 5"),
    DeadlineKind("decision_not_to_issue", "Decide not to issue", True, "SEND Regs 2014 reg 10(1)"),
    DeadlineKind(
        "family_comments",
        "Family's comments on the draft",
        True,
        "SEND Regs 2014 reg 13(1)",
        council_duty=False,
    ),
    DeadlineKind("final_plan", "Issue the final plan", True, "SEND Regs 2014 reg 13(2)"),
    DeadlineKind("annual_review", "Hold the review meeting", True, "Code of Practice 9.166"),
    DeadlineKind("review_report", "Send the review report", True, "SEND Regs 2014 reg 20"),
    DeadlineKind("review_decision", "Decide after the review", True, "SEND Regs 2014 reg 20"),
    DeadlineKind("amended_final", "Issue the amended plan", True, "SEND Regs 2014 reg 22"),
    DeadlineKind("phase_transfer", "Amend the plan for the move", True, "SEND Regs 2014 reg 18"),
]


def register_kinds() -> None:
    for kind in KINDS:
        registry.register_deadline_kind(kind)
