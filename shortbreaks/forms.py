"""The short-break pages' forms: asking for a package, booking, a child's care notes."""

from __future__ import annotations

from django import forms

from shortbreaks.models import Package, Service
from workflows.date_input import DatePartsField
from workflows.forms import Form


class PackageRequestForm(Form):
    service = forms.ModelChoiceField(
        label="Service",
        queryset=Service.objects.filter(active=True).select_related("provider"),
        error_messages={"required": "Choose the service."},
    )
    units = forms.IntegerField(
        label="Units agreed for the period",
        min_value=1,
        error_messages={"required": "Enter the number of units."},
    )
    start_on = DatePartsField(
        label="Starts", required_message="Enter the date the package starts."
    )
    end_on = DatePartsField(label="Ends", required_message="Enter the date the package ends.")
    budget = forms.ModelChoiceField(
        label="Paid from",
        queryset=Package.objects.none(),
        required=False,
        empty_label="A commissioned block contract (not the personal budget)",
    )


class BookingForm(Form):
    date = DatePartsField(label="One date", required=False)
    weekday = forms.TypedChoiceField(
        label="Or every week on",
        required=False,
        coerce=int,
        empty_value=None,
        choices=[
            ("", "Not weekly"),
            *[
                (index, day)
                for index, day in enumerate(
                    ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]
                )
            ],
        ],
    )
    start_on = DatePartsField(label="Weekly from", required=False)
    end_on = DatePartsField(label="Weekly until", required=False)
    units = forms.DecimalField(
        label="Units each time",
        min_value=0,
        max_digits=6,
        decimal_places=2,
        initial=1,
        error_messages={"required": "Enter the number of units."},
    )


class CareNotesForm(Form):
    care_needs = forms.CharField(
        label="Care needs",
        help_text=(
            "What carers should know to look after the child well: health, medicines, eating, "
            "communication, what helps when they are upset."
        ),
        widget=forms.Textarea,
        required=False,
        max_length=4000,
    )
    emergency_contact_name = forms.CharField(
        label="Emergency contact's name", required=False, max_length=200
    )
    emergency_contact_phone = forms.CharField(
        label="Emergency contact's phone number", required=False, max_length=30
    )
    shared_with_providers = forms.BooleanField(
        label="Share these notes with the short-break providers who have a booking for the child",
        required=False,
    )
