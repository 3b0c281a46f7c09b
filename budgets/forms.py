"""The budget pages' forms: asking for a budget, its support plan, and the entries staff post."""

from __future__ import annotations

from django import forms

from budgets.models import BudgetReviewOutcome, DirectPaymentFrequency, EntryKind
from workflows.date_input import DatePartsField
from workflows.forms import Form, subject


def money_field(label: str, *, required: bool = True, help_text: str = "") -> forms.DecimalField:
    return forms.DecimalField(
        label=label,
        required=required,
        max_digits=12,
        decimal_places=2,
        min_value=0,
        help_text=help_text,
        widget=forms.TextInput(attrs={"inputmode": "decimal"}),
        error_messages={
            "required": f"Enter {subject(label)}.",
            "invalid": "Enter an amount of money, like 125.50.",
            "max_decimal_places": "Give the amount in pounds and pence: at most 2 decimal places.",
        },
    )


class BudgetRequestForm(Form):
    start_on = DatePartsField(
        label="Date the budget starts",
        help_text="Budgets run to 31 March; a budget starting later in the year is pro rata. "
        "For example, 1 4 2026.",
    )


class PlanForm(Form):
    support_plan = forms.CharField(
        label="Support plan: what the budget will pay for", widget=forms.Textarea
    )
    agreed_amount = money_field("Agreed amount for the budget's dates (£)")
    direct_payment_amount = money_field("Paid as a direct payment (£)")
    notional_amount = money_field("Managed by the council (£)")
    third_party_amount = money_field("Through a third-party arrangement (£)")
    social_care_amount = money_field("Funded by social care (£)")
    education_amount = money_field("Funded by education (SEN) (£)")
    health_amount = money_field("Funded by health (£)")
    direct_payment_frequency = forms.ChoiceField(
        label="Direct payments are paid",
        choices=DirectPaymentFrequency.choices,
        widget=forms.RadioSelect,
    )
    first_payment_on = DatePartsField(label="Date of the first direct payment", required=False)


class EntryForm(Form):
    kind = forms.ChoiceField(
        label="Kind of entry",
        widget=forms.RadioSelect,
        choices=[
            (EntryKind.PAYMENT, "Invoice paid for other support"),
            (EntryKind.ADJUSTMENT_UP, EntryKind.ADJUSTMENT_UP.label),
            (EntryKind.ADJUSTMENT_DOWN, EntryKind.ADJUSTMENT_DOWN.label),
            (EntryKind.RECOVERY, EntryKind.RECOVERY.label),
        ],
    )
    amount = money_field("Amount (£)")
    entry_on = DatePartsField(label="Date of the entry")
    description = forms.CharField(label="What it is for", max_length=300)
    reason = forms.CharField(
        label="Reason (needed for adjustments and recoveries)",
        required=False,
        widget=forms.Textarea,
    )


class ReviewForm(Form):
    reviewed_on = DatePartsField(
        label="Date of the review",
        past=True,
        help_text="The day the review was held: the time limit in law is met on this date. "
        "For example, 27 6 2026.",
        required_message="Enter the date of the review.",
    )
    outcome = forms.ChoiceField(
        label="Outcome of the review",
        choices=BudgetReviewOutcome.choices,
        widget=forms.RadioSelect,
        help_text="Changing the amount is a step of its own, on the next page.",
        error_messages={"required": "Choose whether the payments carry on or the amount changes."},
    )
    notes = forms.CharField(
        label="Notes (optional)",
        required=False,
        widget=forms.Textarea,
        max_length=5_000,
        error_messages={"max_length": "The notes must be 5,000 characters or fewer."},
    )
