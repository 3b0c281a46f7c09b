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
from casework.sen2_codes import ETHNICITY, SEX_CHOICES
from workflows import clock
from workflows.date_input import DatePartsField
from workflows.forms import Form


def validate_phone(value: str) -> None:
    """Digits, with the spaces, brackets, dashes and leading + people write them with."""
    digits = [character for character in value if character.isdigit()]
    if value and (
        len(digits) < 10
        or any(not (c.isdigit() or c in " +()-") for c in value)
        or "+" in value[1:]
    ):
        raise forms.ValidationError("Enter a phone number, like 01632 960 001 or 07700 900 982.")


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
    sex = forms.ChoiceField(
        label="Sex (optional)",
        choices=SEX_CHOICES,
        required=False,
        widget=forms.RadioSelect,
    )
    ethnicity = forms.ChoiceField(
        label="Ethnicity (optional)",
        choices=[("", "Not recorded yet"), *ETHNICITY.items()],
        required=False,
        help_text="As the family describes it.",
    )
    school = forms.CharField(
        label="School, college or nursery (optional)",
        required=False,
        max_length=200,
        help_text="The setting the child attends now, if any.",
    )
    postcode = forms.CharField(label="Child's postcode (optional)", required=False, max_length=10)
    parent_name = forms.CharField(
        label="Parent or carer's full name (optional)", required=False, max_length=200
    )
    parent_relationship = forms.CharField(
        label="Their relationship to the child",
        required=False,
        max_length=60,
        help_text="For example, mother, father, grandparent or foster carer.",
    )
    parent_has_parental_responsibility = forms.BooleanField(
        label="They have parental responsibility", required=False
    )
    parent_phone = forms.CharField(
        label="Their phone number (optional)",
        required=False,
        max_length=30,
        validators=[validate_phone],
    )
    parent_email = forms.EmailField(label="Their email address (optional)", required=False)
    parent_address = forms.CharField(
        label="Their address (optional)", required=False, widget=forms.Textarea
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
        "ethnicity",
        "school",
        "postcode",
        "confirm_not_duplicate",
    )
    FAMILY_FIELDS = (
        "name",
        "relationship",
        "has_parental_responsibility",
        "phone",
        "email",
        "address",
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
        if str(cleaned.get("consent_given_by") or "").strip() and not cleaned.get(
            "consent_to_share"
        ):
            self.add_error(
                "consent_to_share",
                "Select that the family consents, or leave who gave consent empty.",
            )
        cleaned.setdefault("confirm_not_duplicate", False)
        given = [cleaned.get(f"parent_{name}") for name in self.FAMILY_FIELDS]
        if any(given) and not cleaned.get("parent_name") and "parent_name" not in self.errors:
            self.add_error("parent_name", "Enter the parent or carer's full name.")
        if (
            cleaned.get("parent_name")
            and not cleaned.get("parent_relationship")
            and "parent_relationship" not in self.errors
        ):
            self.add_error(
                "parent_relationship", "Enter the parent or carer's relationship to the child."
            )
        return cleaned

    def child_details(self) -> dict[str, Any]:
        data = {name: self.cleaned_data[name] for name in self.CHILD_FIELDS}
        return data | {"gender": self.cleaned_data["sex"]}

    def family_details(self) -> dict[str, Any] | None:
        """The parent or carer to record with the child, if the form names one."""
        if not self.cleaned_data.get("parent_name"):
            return None
        return {name: self.cleaned_data[f"parent_{name}"] for name in self.FAMILY_FIELDS}

    def referral_details(self) -> dict[str, Any]:
        return {
            name: self.cleaned_data[name]
            for name in ("received_on", "source", "reason", "consent_to_share", "consent_given_by")
        }


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


class FamilyMemberForm(Form):
    """A parent or carer of the child, added or corrected from the case page."""

    name = forms.CharField(
        label="Full name",
        max_length=200,
        error_messages={"required": "Enter the parent or carer's full name."},
    )
    relationship = forms.CharField(
        label="Relationship to the child",
        max_length=60,
        help_text="For example, mother, father, grandparent or foster carer.",
        error_messages={"required": "Enter the parent or carer's relationship to the child."},
    )
    has_parental_responsibility = forms.BooleanField(
        label="They have parental responsibility", required=False
    )
    phone = forms.CharField(
        label="Phone number (optional)", required=False, max_length=30, validators=[validate_phone]
    )
    email = forms.EmailField(label="Email address (optional)", required=False)
    address = forms.CharField(label="Address (optional)", required=False, widget=forms.Textarea)
