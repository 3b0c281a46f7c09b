"""Pages for proposed changes to the local offer: staff's queue, one proposal beside the service
(staff decide it; its provider withdraws it), and the services not checked for a year."""

from __future__ import annotations

import copy
from typing import Any

from django import forms
from django.conf import settings
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.views.generic import TemplateView

import workflows
from accounts.roles import Role
from casework.views import RoleRequiredMixin
from shortbreaks import selectors, services
from shortbreaks.change_values import (
    LISTS,
    SCALARS,
    ServiceValuesForm,
    values_of,
    weekdays_of,
)
from shortbreaks.models import (
    Access,
    ChangeStatus,
    Need,
    ServiceChange,
    ServiceType,
)
from shortbreaks.models.changes import NEW_SERVICE_TERMS
from workflows.acting import acting_user
from workflows.checks import transition_refusals
from workflows.errors import InvalidParams, NotPermitted, WorkflowError
from workflows.forms import Form, input_rules

OFFER_EDITORS = (Role.TEAM_MANAGER, Role.COMMISSIONER)
# Staff and commissioners read proposals; only team managers and commissioners decide them.
OFFER_READERS = (Role.PRACTITIONER, Role.COMMISSIONER)


# One proposal beside the service as it is -------------------------------------------------------

LABELS: dict[str, str] = {
    **{key: str(ServiceValuesForm.base_fields[key].label) for key in (*SCALARS, "needs")},
    "contacts": "Contacts",
    "cost_options": "Costs to families",
    "schedules": "When it runs",
}
CHOICE_WORDS = {"type": dict(ServiceType.choices), "access": dict(Access.choices)}


def _item_text(name: str, item: dict[str, Any]) -> str:
    if name == "cost_options":
        parts = [f"{item['option']}: £{item['amount']}", item.get("amount_description") or ""]
    elif name == "schedules":
        times = "–".join(time for time in (item.get("opens_at"), item.get("closes_at")) if time)
        parts = [", ".join(weekdays_of(item["byday"])), times, item.get("description") or ""]
    else:
        parts = [item.get(key) or "" for key in ("name", "title", "email", "phone")]
    return ", ".join(part for part in parts if part)


def _text(key: str, values: dict[str, Any]) -> str:
    """A value as the review page shows it; empty when the service has no such value."""
    if key not in values:
        return ""
    value = values[key]
    if key in LISTS:
        return "\n".join(_item_text(key, item) for item in value)
    if key == "needs":
        return ", ".join(str(dict(Need.choices).get(need, need)) for need in value)
    if key == "temporarily_closed":
        return "Yes" if value else "No"
    if key in CHOICE_WORDS:
        return str(CHOICE_WORDS[key].get(value, value))
    return "" if value is None else str(value)


def comparison(change: ServiceChange) -> list[dict[str, Any]]:
    """Each field: the service's value (now, while the change waits; when proposed, once it is
    decided), the proposed one, whether they differ, and whether the service has changed since
    the proposal was made."""
    waiting = change.status == ChangeStatus.PROPOSED
    now = values_of(change.service) if waiting and change.service else change.current
    rows = []
    for key in (*SCALARS, "needs", *LISTS):
        current, proposed = _text(key, now), _text(key, change.values)
        rows.append(
            {
                "label": LABELS[key],
                "current": current,
                "proposed": proposed,
                "changed": current != proposed,
                "moved": waiting and current != _text(key, change.current),
            }
        )
    return rows


class RejectForm(Form):
    reason = forms.CharField(
        label="Reason for rejecting the change",
        help_text="The provider sees this, so say what they would need to change.",
        widget=forms.Textarea,
        max_length=5_000,
    )


class ApproveForm(Form):
    """Approving a change to a service asks nothing; a new service needs what the council pays
    for it, which only staff decide."""

    def __init__(self, *args: Any, new_service: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if new_service:
            for key, field in NEW_SERVICE_TERMS.items():
                copied = copy.deepcopy(field)
                copied.required = True
                copied.label = str(field.label).replace(" (only for a new service)", "")
                self.fields[key] = copied


class ChangeReviewView(RoleRequiredMixin, TemplateView):
    """Staff see a proposed change beside the service and approve or reject it."""

    template_name = "shortbreaks/change.html"
    roles = OFFER_READERS

    def change(self) -> ServiceChange:
        return get_object_or_404(
            selectors.service_changes_visible_to(acting_user(self.request)),
            pk=self.kwargs["pk"],
        )

    def page(
        self,
        change: ServiceChange,
        *,
        approve: Form | None = None,
        reject: Form | None = None,
        errors: list[dict[str, str]] | None = None,
        status: int = 200,
    ) -> HttpResponse:
        user = acting_user(self.request)
        steps = {name: transition_refusals(change, name, user) for name in ("approve", "reject")}
        approve = approve or input_rules(ApproveForm(new_service=change.is_new_service))
        reject = reject or input_rules(RejectForm())
        summary = list(errors or [])
        for form in (approve, reject):
            if form.is_bound:
                summary += [
                    {"text": str(message), "href": f"#{form[key].auto_id}"}
                    for key, problems in form.errors.items()
                    for message in problems
                ]
        context = self.get_context_data(
            change=change,
            rows=comparison(change),
            staff=True,
            steps=steps,
            approve=approve,
            reject=reject,
            errors=summary,
            can_edit=change.service is not None and selectors.is_offer_editor(user),
        )
        return self.render_to_response(context, status=status)

    def decision_page(self, change: ServiceChange, decision: str, form: Form) -> HttpResponse:
        if decision == "approve":
            return self.page(change, approve=form, status=400)
        return self.page(change, reject=form, status=400)

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        return self.page(self.change())

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        change = self.change()
        decision = request.POST.get("decision")
        if decision == "approve":
            form: Form = input_rules(ApproveForm(request.POST, new_service=change.is_new_service))
        elif decision == "reject":
            form = input_rules(RejectForm(request.POST))
        else:
            return self.page(
                change, errors=[{"text": "Choose approve or reject.", "href": ""}], status=400
            )
        if not form.is_valid():
            return self.decision_page(change, decision, form)
        try:
            services.service_change_decide(
                by=acting_user(request),
                change=change,
                decision=decision,
                **form.cleaned_data,
            )
        except InvalidParams as error:
            for key, problems in error.fields.items():
                for problem in problems:
                    form.add_error(key if key in form.fields else None, problem)
            return self.decision_page(change, decision, form)
        except WorkflowError as error:
            status = 403 if isinstance(error, NotPermitted) else 409
            errors = [{"text": reason, "href": ""} for reason in error.reasons]
            return self.page(change, errors=errors, status=status)
        done = (
            "Change approved: it is now in the local offer"
            if decision == "approve"
            else ("Change rejected: the provider will see your reason")
        )
        messages.success(request, done)
        return redirect(reverse("shortbreaks:changes"))


class ProviderChangeView(RoleRequiredMixin, TemplateView):
    """A provider's own proposal: what it changes, its decision and reason, and withdrawing it."""

    template_name = "shortbreaks/change.html"
    roles = (Role.PROVIDER,)

    def change(self) -> ServiceChange:
        return get_object_or_404(
            selectors.service_changes_visible_to(acting_user(self.request)),
            pk=self.kwargs["pk"],
        )

    def page(self, change: ServiceChange, *, errors: list[Any], status: int) -> HttpResponse:
        context = self.get_context_data(
            change=change,
            rows=comparison(change),
            staff=False,
            withdraw_refusals=transition_refusals(change, "withdraw", acting_user(self.request)),
            errors=errors,
        )
        return self.render_to_response(context, status=status)

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        return self.page(self.change(), errors=[], status=200)

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        change = self.change()
        try:
            workflows.transition(change, "withdraw", by=acting_user(request))
        except WorkflowError as error:
            status = 403 if isinstance(error, NotPermitted) else 409
            return self.page(
                change, errors=[{"text": reason} for reason in error.reasons], status=status
            )
        messages.success(request, "Change withdrawn: nothing in the local offer changed.")
        return redirect(reverse("shortbreaks:provider-services"))


# Staff's lists and direct edits -----------------------------------------------------------------


class ChangesQueueView(RoleRequiredMixin, TemplateView):
    template_name = "shortbreaks/changes.html"
    roles = OFFER_READERS

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        waiting = selectors.service_changes_waiting(acting_user(self.request)).order_by(
            "proposed_at", "pk"
        )
        return super().get_context_data(
            changes=list(waiting),
            can_check=selectors.is_offer_editor(acting_user(self.request)),
            **kwargs,
        )


class ServicesNotCheckedView(RoleRequiredMixin, TemplateView):
    template_name = "shortbreaks/services_not_checked.html"
    roles = OFFER_EDITORS

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        return super().get_context_data(
            services=list(selectors.services_not_checked(acting_user(self.request))),
            months=settings.PATHWAY_SERVICE_CHECK_MONTHS,
            **kwargs,
        )

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        chosen = request.POST.get("service", "")
        service = (
            selectors.services_editable_by(acting_user(request)).filter(pk=chosen).first()
            if chosen.isdecimal()
            else None
        )
        if service is None:
            errors = [{"text": "Choose a service to mark as checked."}]
            return self.render_to_response(self.get_context_data(errors=errors), status=400)
        services.service_mark_checked(by=acting_user(request), service=service)
        messages.success(request, f"{service.name} is marked as checked today.")
        return redirect(reverse("shortbreaks:stale-services"))
