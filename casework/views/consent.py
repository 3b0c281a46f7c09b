"""A team manager's override of consent to share, with the reason, so that a referral without
consent can be accepted (DESIGN §4, §11). Anyone on the team reads the page; a practitioner is
told that a team manager decides this."""

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
from casework.side_steps import MANAGER_DECIDES, OVERRIDE_LABEL, override_refusal
from casework.views import CaseFormView, case_url
from casework.views.exceptions import ManagerWrites
from workflows.acting import acting_user
from workflows.forms import Form


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
    path(
        "cases/<int:pk>/consent-override/",
        ConsentOverrideView.as_view(),
        name="case-consent-override",
    ),
]
