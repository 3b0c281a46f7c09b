"""A team manager waives a council-policy deadline, with the reason (DESIGN §5, §11). A time limit
in law is never waived: the page says so and leads to its exceptions instead."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import path, reverse

from accounts.roles import Role
from casework import selectors, services
from casework.views import StaffOnly
from casework.views.exceptions import ManagerWrites
from workflows.acting import acting_user
from workflows.forms import Form
from workflows.models import Deadline
from workflows.registry import registry
from workflows.services import deadline_waive
from workflows.views import ServiceFormView

IN_LAW = "This is a time limit in law: it cannot be waived; record an exception instead."
MANAGERS_WAIVE = "Only a team manager can waive a deadline."


class WaiveForm(Form):
    reason = forms.CharField(
        label="Why is this deadline waived?",
        help_text="For example, the family asked to wait for a new assessment. It is audited.",
        widget=forms.Textarea,
        max_length=5_000,
        error_messages={
            "required": "Enter why the deadline is waived.",
            "max_length": "The reason must be 5,000 characters or fewer.",
        },
    )


class DeadlineWaiveView(StaffOnly, ManagerWrites, ServiceFormView):
    form_class = WaiveForm
    template_name = "casework/case/step_form.html"
    title = "Waive the deadline"
    submit_label = "Waive the deadline"
    refusal = MANAGERS_WAIVE

    def deadline(self) -> Deadline:
        if not hasattr(self, "_deadline"):
            user = acting_user(self.request)
            # `with_child` annotates the child's pk, for the access log.
            found: Any = get_object_or_404(
                selectors.with_child(selectors.deadlines_visible_to(user)), pk=self.kwargs["pk"]
            )
            services.access_record(by=user, child_id=found.child_pk, record=found, via="page")
            self._deadline: Deadline = found
        return self._deadline

    def the_record(self) -> Deadline:
        return self.deadline()

    def statutory(self) -> bool:
        declared = registry.deadline_kinds.get(self.deadline().kind)
        return declared is None or declared.statutory

    def not_now(self) -> str:
        deadline = self.deadline()
        if self.statutory():
            return IN_LAW
        if deadline.status in Deadline.SET_ASIDE or deadline.closed_on is not None:
            return "This deadline has already been closed."
        return ""

    def back_url(self) -> str:
        deadline = self.deadline()
        if deadline.case_id:
            return reverse("casework:case", args=[deadline.case_id])
        return reverse("casework:caseload")

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        deadline = self.deadline()
        why_not = self.not_now()
        if not why_not and not acting_user(self.request).has_role(Role.TEAM_MANAGER):
            why_not = MANAGERS_WAIVE
        declared = registry.deadline_kinds.get(deadline.kind)
        link = (
            {
                "url": reverse("casework:deadline-exceptions", args=[deadline.pk]),
                "text": "Record an exception",
            }
            if self.statutory()
            else None
        )
        return super().get_context_data(
            caption=f"{registry.label_of(deadline.kind)}, due {deadline.due_on:%-d %B %Y}",
            intro=(
                f"A local target ({declared.basis}), not a time limit in law: a team manager may "
                "set it aside, for a reason that is audited."
                if declared and not declared.statutory
                else ""
            ),
            why_not=why_not,
            why_not_link=link,
            **kwargs,
        )

    def perform(self, form: forms.Form) -> HttpResponse:
        deadline_waive(
            self.deadline(), by=acting_user(self.request), reason=form.cleaned_data["reason"]
        )
        messages.success(
            self.request, f"Deadline waived: {registry.label_of(self.deadline().kind)}."
        )
        return redirect(self.back_url())


urlpatterns = [
    path("deadlines/<int:pk>/waive/", DeadlineWaiveView.as_view(), name="deadline-waive"),
]
