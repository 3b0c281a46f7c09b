"""Consent to share for a referral that came without it (DESIGN §4, §11): anyone on the team
records the family's consent given later, with who gave it and when; a team manager may instead
override it, with the reason; a practitioner on the override page is told a manager decides."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect
from django.urls import path

from accounts.roles import Role
from casework import services
from casework.models import Case
from casework.services.consent import referral_record_consent
from casework.side_steps import (
    MANAGER_DECIDES,
    OVERRIDE_LABEL,
    RECORD_CONSENT_LABEL,
    override_refusal,
    record_consent_refusal,
)
from casework.views import CaseFormView, case_url
from casework.views.exceptions import ManagerWrites
from workflows.acting import acting_user
from workflows.date_input import DatePartsField
from workflows.forms import Form


class RecordConsentForm(Form):
    given_by = forms.CharField(
        label="Who gave consent to share?",
        help_text="Their name and who they are to the child, for example Sarah Collins (mother).",
        max_length=200,
        error_messages={
            "required": "Enter who gave consent.",
            "max_length": "Who gave consent must be 200 characters or fewer.",
        },
    )
    given_on = DatePartsField(label="Date consent was given", past=True)


class RecordConsentView(CaseFormView):
    form_class = RecordConsentForm
    template_name = "casework/case/step_form.html"
    title = RECORD_CONSENT_LABEL
    submit_label = "Record consent"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        return super().get_context_data(
            intro="The referral came without consent to share. Record it here once the family "
            "has given it: the referral can then be accepted.",
            why_not=record_consent_refusal(self.case()),
            date_fields=("given_on",),
            **kwargs,
        )

    def perform(self, form: forms.Form) -> HttpResponse:
        referral_record_consent(
            by=acting_user(self.request),
            case=self.case(),
            given_by=form.cleaned_data["given_by"],
            given_on=form.cleaned_data["given_on"],
        )
        messages.success(
            self.request,
            f"Consent to share recorded, given by {form.cleaned_data['given_by'].strip()}: "
            "the referral can now be accepted.",
        )
        return redirect(case_url(self.case()))


class OverrideForm(Form):
    reason = forms.CharField(
        label="Why can the referral go ahead without consent to share?",
        help_text="For example, a risk of significant harm to the child. The reason is audited.",
        widget=forms.Textarea,
        max_length=5_000,
        error_messages={
            "required": "Enter why the referral can go ahead without consent.",
            "max_length": "The reason must be 5,000 characters or fewer.",
        },
    )


class ConsentOverrideView(ManagerWrites, CaseFormView):
    form_class = OverrideForm
    template_name = "casework/case/step_form.html"
    title = OVERRIDE_LABEL
    submit_label = "Override consent"
    refusal = "Only a team manager can override consent."

    def the_record(self) -> Case:
        return self.case()

    def not_now(self) -> str:
        return override_refusal(self.case())

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        why_not = self.not_now()
        if not why_not and not acting_user(self.request).has_role(Role.TEAM_MANAGER):
            why_not = f"{MANAGER_DECIDES} Only a team manager can override consent to share."
        return super().get_context_data(
            intro="The referral has no recorded consent to share. A team manager may let it be "
            "accepted without consent, for a reason that is recorded in the case's audit trail.",
            why_not=why_not,
            **kwargs,
        )

    def perform(self, form: forms.Form) -> HttpResponse:
        services.case_override_consent(
            by=acting_user(self.request), case=self.case(), reason=form.cleaned_data["reason"]
        )
        messages.success(
            self.request, "Consent to share overridden: the referral can now be accepted."
        )
        return redirect(case_url(self.case()))


urlpatterns = [
    path("cases/<int:pk>/consent/", RecordConsentView.as_view(), name="case-consent-record"),
    path(
        "cases/<int:pk>/consent-override/",
        ConsentOverrideView.as_view(),
        name="case-consent-override",
    ),
]
