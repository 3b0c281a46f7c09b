"""Managers record mediation, appeals, Tribunal decisions and concessions from the case page."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect

from accounts.roles import Role
from casework.models import DisputeKind, TribunalOrder
from casework.services.disputes import dispute_record
from casework.views import PlanFormView
from workflows.acting import acting_user
from workflows.date_input import DatePartsField
from workflows.forms import Form


class DisputeForm(Form):
    kind = forms.ChoiceField(
        label="What happened",
        widget=forms.RadioSelect,
        choices=DisputeKind.choices,
        error_messages={"required": "Choose what happened."},
    )
    on = DatePartsField(
        label="When it happened",
        help_text="For a request for mediation, the day the council was told. For example, "
        "27 3 2026.",
        past=True,
        required_message="Enter the date it happened.",
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
