"""The short-break pages' forms: the public statement's filter, asking for a package, booking."""

from __future__ import annotations

from django import forms

from shortbreaks.models import Access, Package, Service


class StatementFilter(forms.Form):
    age = forms.IntegerField(
        label="Age of the child or young person", required=False, min_value=0, max_value=25
    )
    access = forms.ChoiceField(
        label="How to get it", required=False, choices=[("", "Any"), *Access.choices]
    )


class PackageRequestForm(forms.Form):
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
    start_on = forms.DateField(
        label="Starts",
        widget=forms.DateInput,
        error_messages={"required": "Enter the date.", "invalid": "Enter a real date."},
    )
    end_on = forms.DateField(
        label="Ends",
        widget=forms.DateInput,
        error_messages={"required": "Enter the date.", "invalid": "Enter a real date."},
    )
    budget = forms.ModelChoiceField(
        label="Paid from",
        queryset=Package.objects.none(),
        required=False,
        empty_label="A commissioned block contract (not the personal budget)",
    )


class BookingForm(forms.Form):
    date = forms.DateField(
        label="One date",
        required=False,
        widget=forms.DateInput,
        error_messages={"invalid": "Enter a real date."},
    )
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
    start_on = forms.DateField(
        label="Weekly from",
        required=False,
        widget=forms.DateInput,
        error_messages={"invalid": "Enter a real date."},
    )
    end_on = forms.DateField(
        label="Weekly until",
        required=False,
        widget=forms.DateInput,
        error_messages={"invalid": "Enter a real date."},
    )
    units = forms.DecimalField(
        label="Units each time",
        min_value=0,
        max_digits=6,
        decimal_places=2,
        initial=1,
        error_messages={"required": "Enter the number of units."},
    )
