"""Pages for a plan's advice requests, transfers and re-assessments (DESIGN §11): staff ask for
advice and record it; managers record transfers and re-assessments and decide them. Every step
is a page of the record's machine, which shows why a step cannot be taken now."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.db import models
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import path

from accounts.roles import Role
from casework import selectors
from casework.models import EHCPlan
from casework.models.advice import AdviceKind, TransferDirection
from casework.services import advice as services
from casework.views import RoleRequiredMixin, StaffOnly, plan_return_url
from workflows.acting import acting_user
from workflows.date_input import DatePartsField
from workflows.forms import Form
from workflows.views import ServiceFormView, TransitionFormView


class AdviceRequestForm(Form):
    kind = forms.ChoiceField(
        label="Whose advice",
        choices=AdviceKind.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose whose advice this is."},
    )
    adviser_email = forms.EmailField(
        label="Adviser's e-mail address",
        error_messages={"required": "Enter the adviser's e-mail address."},
    )
    requested_on = DatePartsField(label="Date the advice was asked for", past=True)


class TransferForm(Form):
    direction = forms.ChoiceField(
        label="Which way is the plan moving",
        choices=TransferDirection.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose in or out."},
    )
    other_council = forms.CharField(
        label="The other council", max_length=200, error_messages={"required": "Enter it."}
    )
    moved_on = DatePartsField(label="Date of the move")
    notice_received_on = DatePartsField(
        label="Date we learnt of the move",
        past=True,
        help_text="For a plan coming in: the day it arrived. For example, 27 3 2026.",
    )


class ReassessmentForm(Form):
    requested_on = DatePartsField(label="Date the request to re-assess was received", past=True)


class PlanRecordFormView(ServiceFormView):
    def plan(self) -> EHCPlan:
        if not hasattr(self, "_plan"):
            visible = selectors.staff_plans_visible_to(acting_user(self.request))
            self._plan = get_object_or_404(
                visible.select_related("child", "case"), pk=self.kwargs["pk"]
            )
        return self._plan

    def back_url(self) -> str:
        return plan_return_url(self.plan())

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        return super().get_context_data(caption=self.plan().child.full_name, **kwargs)

    def done(self, message: str) -> HttpResponse:
        messages.success(self.request, message)
        return redirect(self.back_url())


class AdviceRequestView(StaffOnly, PlanRecordFormView):
    form_class = AdviceRequestForm
    title = "Request advice"
    submit_label = "Record the request"

    def perform(self, form: forms.Form) -> HttpResponse:
        services.advice_request(
            by=acting_user(self.request), plan=self.plan(), **form.cleaned_data
        )
        return self.done("The request for advice has been recorded.")


class TransferView(RoleRequiredMixin, PlanRecordFormView):
    roles = (Role.TEAM_MANAGER,)
    form_class = TransferForm
    title = "Record a transfer to or from another council"
    submit_label = "Record the transfer"

    def perform(self, form: forms.Form) -> HttpResponse:
        services.transfer_record(
            by=acting_user(self.request), plan=self.plan(), **form.cleaned_data
        )
        return self.done("The transfer has been recorded.")


class ReassessmentView(RoleRequiredMixin, PlanRecordFormView):
    roles = (Role.TEAM_MANAGER,)
    form_class = ReassessmentForm
    title = "Record a request to re-assess"
    submit_label = "Record the request"

    def perform(self, form: forms.Form) -> HttpResponse:
        services.reassessment_request(
            by=acting_user(self.request), plan=self.plan(), **form.cleaned_data
        )
        return self.done("The request to re-assess has been recorded.")


class RecordStepView(StaffOnly, TransitionFormView):
    """A step of an advice request, a transfer or a re-assessment."""

    visible_to: Any = None

    def get_record(self) -> models.Model:
        records = type(self).visible_to(acting_user(self.request))
        return get_object_or_404(records, pk=self.kwargs["pk"])  # type: ignore[no-any-return]

    def get_success_url(self, record: models.Model) -> str:
        return plan_return_url(record.plan)  # type: ignore[attr-defined]


class AdviceStepView(RecordStepView):
    visible_to = staticmethod(selectors.advice_requests_visible_to)


class TransferStepView(RecordStepView):
    visible_to = staticmethod(selectors.transfers_visible_to)


class ReassessmentStepView(RecordStepView):
    visible_to = staticmethod(selectors.reassessments_visible_to)


urlpatterns = [
    path("plans/<int:pk>/advice/new/", AdviceRequestView.as_view(), name="advice-new"),
    path("plans/<int:pk>/transfers/new/", TransferView.as_view(), name="transfer-new"),
    path("plans/<int:pk>/reassessments/new/", ReassessmentView.as_view(), name="reassessment-new"),
    path("advice/<int:pk>/steps/<slug:name>/", AdviceStepView.as_view(), name="advice-step"),
    path(
        "transfers/<int:pk>/steps/<slug:name>/", TransferStepView.as_view(), name="transfer-step"
    ),
    path(
        "reassessments/<int:pk>/steps/<slug:name>/",
        ReassessmentStepView.as_view(),
        name="reassessment-step",
    ),
]
