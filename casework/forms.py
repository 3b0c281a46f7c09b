from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms

from casework.models import (
    SECTIONS,
    AssessmentOutcome,
    PhaseTransfer,
    PrimaryNeed,
    ReferralSource,
    RequestedBy,
    ReviewOutcome,
    validate_nhs_number,
)
from workflows import clock
from workflows.date_input import DatePartsField
from workflows.forms import Form


class ReferralForm(Form):
    """A new referral for a child not yet known to the service: the child, then the referral."""

    given_name = forms.CharField(
        label="Child's first name",
        max_length=100,
        error_messages={"required": "Enter the child's first name."},
    )
    family_name = forms.CharField(
        label="Child's last name",
        max_length=100,
        error_messages={"required": "Enter the child's last name."},
    )
    date_of_birth = DatePartsField(label="Date of birth", help_text="For example, 27 3 2019")
    primary_need = forms.ChoiceField(
        label="Primary need",
        choices=[("", "Choose the primary need"), *PrimaryNeed.choices],
        error_messages={"required": "Choose the primary need."},
    )
    nhs_number = forms.CharField(
        label="NHS number (optional)",
        required=False,
        validators=[validate_nhs_number],
    )
    received_on = DatePartsField(label="Date the referral was received", past=True)
    source = forms.ChoiceField(
        label="Who made the referral",
        choices=ReferralSource.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose who made the referral."},
    )
    reason = forms.CharField(
        label="Reason for the referral",
        widget=forms.Textarea,
        error_messages={"required": "Enter the reason for the referral."},
    )
    consent_to_share = forms.BooleanField(
        label="The family consents to information being shared between education, health and "
        "social care",
        required=False,
    )
    consent_given_by = forms.CharField(
        label="Consent given by (optional)",
        required=False,
        max_length=200,
        help_text="For example, the child's mother.",
    )

    CHILD_FIELDS = (
        "given_name",
        "family_name",
        "date_of_birth",
        "primary_need",
        "nhs_number",
        "confirm_not_duplicate",
    )

    def __init__(self, *args: Any, offer_confirm: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if offer_confirm:
            self.offer_confirm()

    def offer_confirm(self) -> None:
        """Asked only once a child like this one has been found: most children are new."""
        self.fields["confirm_not_duplicate"] = forms.BooleanField(
            label="This is a different child", required=False
        )

    def clean_date_of_birth(self) -> dt.date | None:
        born: dt.date | None = self.cleaned_data.get("date_of_birth")
        if born is not None and born > clock.today():
            raise forms.ValidationError("Date of birth must be in the past.")
        return born

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        born, received = cleaned.get("date_of_birth"), cleaned.get("received_on")
        if born is not None and received is not None and received < born:
            self.add_error("received_on", "The referral date must be after the date of birth.")
        cleaned.setdefault("confirm_not_duplicate", False)
        return cleaned


class AssessmentForm(Form):
    started_on = DatePartsField(label="Date the assessment started", past=True)
    completed_on = DatePartsField(
        label="Date the assessment was completed", required=False, past=True
    )
    outcome = forms.ChoiceField(
        label="Outcome",
        required=False,
        widget=forms.RadioSelect,
        choices=AssessmentOutcome.choices,
    )
    summary_of_needs = forms.CharField(
        label="Summary of needs", required=False, widget=forms.Textarea
    )


class PlanRequestForm(Form):
    requested_on = DatePartsField(
        label="Date of the request for an EHC needs assessment", past=True
    )
    requested_by = forms.ChoiceField(
        label="Who made the request",
        choices=RequestedBy.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose who made the request."},
    )


class PlanSectionsForm(Form):
    placement_name = forms.CharField(label="Placement (school or college)", required=False)
    phase_transfer_on = DatePartsField(
        label="Date of the next move between phases (optional)",
        required=False,
        help_text="For example, the September the child moves to secondary school: 1 9 2027.",
    )
    phase_transfer = forms.ChoiceField(
        label="Kind of move",
        required=False,
        widget=forms.RadioSelect,
        choices=PhaseTransfer.choices,
    )
    phase_transfer_setting = forms.CharField(
        label="School or college after the move, as the plan names it (optional)",
        required=False,
        help_text="The final plan that names it meets the phase-transfer deadline.",
    )

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        for name, letter, title in SECTIONS:
            self.fields[name] = forms.CharField(
                label=f"Section {letter}: {title}", required=False, widget=forms.Textarea
            )
        self.order_fields([name for name, _, _ in SECTIONS])


class ReviewForm(Form):
    due_on = DatePartsField(label="Date the review is due", required=False)
    meeting_on = DatePartsField(
        label="Date of the review meeting",
        required=False,
        past=True,
        help_text="Leave this empty if the meeting has not happened yet. For example, 27 3 2026.",
    )
    notes = forms.CharField(label="Notes", required=False, widget=forms.Textarea)


class ReviewOutcomeForm(Form):
    meeting_on = DatePartsField(label="Date of the review meeting", required=False, past=True)
    report_sent_on = DatePartsField(
        label="Date the review report was sent", required=False, past=True
    )
    outcome = forms.ChoiceField(
        label="Recommended outcome",
        required=False,
        widget=forms.RadioSelect,
        choices=ReviewOutcome.choices,
    )
    notes = forms.CharField(label="Notes", required=False, widget=forms.Textarea)
