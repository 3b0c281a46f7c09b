"""Managers record mediation, appeals, Tribunal decisions and concessions from the case page."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect

from accounts.roles import Role
from casework.models import DisputeKind, TribunalOrder
from casework.services.disputes import dispute_record
from casework.views import PlanFormView
from workflows.acting import acting_user
from workflows.forms import Form


class DayMonthYear(forms.MultiWidget):
    """The GOV.UK date input: day, month and year as three boxes of numbers, drawn by the
    page's template (`casework/plan/dispute_form.html`)."""

    def __init__(self) -> None:
        box = {"inputmode": "numeric"}
        super().__init__([forms.TextInput(box), forms.TextInput(box), forms.TextInput(box)])

    def decompress(self, value: dt.date | None) -> list[int | None]:
        return [value.day, value.month, value.year] if value else [None, None, None]


class DayMonthYearField(forms.MultiValueField):
    widget = DayMonthYear

    def __init__(self, **kwargs: Any) -> None:
        number = {"invalid": "Enter the date as numbers, like 27 3 2026."}
        super().__init__(
            fields=[forms.IntegerField(error_messages=number) for _ in range(3)],
            require_all_fields=True,
            **kwargs,
        )

    def compress(self, data_list: list[int]) -> dt.date | None:
        if not data_list:
            return None
        day, month, year = data_list
        try:
            return dt.date(year, month, day)
        except (TypeError, ValueError, OverflowError):
            raise forms.ValidationError("Enter a real date.") from None


class DisputeForm(Form):
    kind = forms.ChoiceField(
        label="What happened",
        widget=forms.RadioSelect,
        choices=DisputeKind.choices,
        error_messages={"required": "Choose what happened."},
    )
    on = DayMonthYearField(
        label="When it happened",
        help_text="For a request for mediation, the day the council was told. For example, "
        "27 3 2026.",
        error_messages={
            "required": "Enter the date it happened.",
            "incomplete": "Enter a day, month and year.",
        },
    )
    order = forms.ChoiceField(
        label="What the council must do",
        help_text="Only for a Tribunal decision or a concession.",
        widget=forms.RadioSelect,
        choices=TribunalOrder.choices,
        required=False,
    )
    notes = forms.CharField(label="Notes", required=False, widget=forms.Textarea)


class DisputeCreateView(PlanFormView):
    roles = (Role.TEAM_MANAGER,)
    form_class = DisputeForm
    template_name = "casework/plan/dispute_form.html"
    title = "Record mediation or an appeal"
    submit_label = "Record it"

    def perform(self, form: forms.Form) -> HttpResponse:
        dispute_record(
            by=acting_user(self.request),
            plan=self.plan(),
            kind=form.cleaned_data["kind"],
            on=form.cleaned_data["on"],
            order=form.cleaned_data["order"] or None,
            notes=form.cleaned_data["notes"],
        )
        messages.success(self.request, "It has been recorded.")
        return redirect(self.back_url())
