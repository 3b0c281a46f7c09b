"""Staff record a representation the family sent on paper or by e-mail, with its date."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect

from casework import services
from casework.views import PlanFormView
from casework.views.periods import RecordedRepresentationForm
from workflows.acting import acting_user


class RecordRepresentationView(PlanFormView):
    form_class = RecordedRepresentationForm
    title = "Record what the family said"
    submit_label = "Record it"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        period = self.plan().family_period
        intro = (
            f"The family's period ends on {period.ends_on:%A %-d %B %Y}. Record here what they "
            "sent by post or e-mail, dated the day they made it."
            if period
            else ""
        )
        return super().get_context_data(intro=intro, **kwargs)

    def perform(self, form: forms.Form) -> HttpResponse:
        services.representation_add(
            by=acting_user(self.request), plan=self.plan(), **form.cleaned_data
        )
        messages.success(self.request, "What the family said has been recorded.")
        return redirect(self.back_url())
