"""Pages for changes to the local offer: a provider's services and proposals, staff's queue and
review, direct edits, and the services not checked for a year."""

from __future__ import annotations

import copy
from typing import Any

from django import forms
from django.conf import settings
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.views.generic import TemplateView

import workflows
from accounts.roles import Role
from casework.views import RoleRequiredMixin
from shortbreaks import selectors, services
from shortbreaks.change_values import (
    ITEM_FORMS,
    LISTS,
    MAX_ITEMS,
    SCALARS,
    ItemForm,
    ServiceValuesForm,
    values_of,
    weekdays_of,
)
from shortbreaks.models import (
    Access,
    ChangeStatus,
    Need,
    Provider,
    Service,
    ServiceChange,
    ServiceType,
    Weekday,
)
from shortbreaks.models.changes import NEW_SERVICE_TERMS
from shortbreaks.services.changes import waiting_refusal
from workflows.acting import acting_user
from workflows.checks import transition_refusals
from workflows.errors import InvalidParams, NotPermitted, WorkflowError
from workflows.forms import Form, input_rules

OFFER_EDITORS = (Role.TEAM_MANAGER, Role.COMMISSIONER)
# Staff and commissioners read proposals; only team managers and commissioners decide them.
OFFER_READERS = (Role.PRACTITIONER, Role.COMMISSIONER)
SPARE_ROWS = 3
LIST_LABELS = {"contacts": "Contact", "cost_options": "Cost", "schedules": "When it runs"}


# The proposal form: the service's fields and a few fieldsets of each list ----------------------


def _slots(current: dict[str, Any], name: str) -> int:
    return min(MAX_ITEMS, max(SPARE_ROWS, len(current.get(name, [])) + 1))


def _joined_days(post: QueryDict, current: dict[str, Any]) -> QueryDict:
    """The page asks for a schedule's days as checkboxes; the values take them as `MO,WE`."""
    data = post.copy()
    for index in range(_slots(current, "schedules")):
        key = f"schedules-{index}-byday"
        data[key] = ",".join(post.getlist(key))
    return data


def _values_from(
    data: QueryDict, current: dict[str, Any]
) -> tuple[dict[str, Any], dict[str, list[int]]]:
    """The proposal's values from the page, leaving out blank fieldsets; and, for each list, the
    fieldset each value came from, so that its errors go back to the right one."""
    values: dict[str, Any] = {key: data.get(key, "") for key in SCALARS}
    values["temporarily_closed"] = data.get("temporarily_closed") == "on"
    values["needs"] = data.getlist("needs")
    slots: dict[str, list[int]] = {}
    for name, form_class in ITEM_FORMS.items():
        values[name], slots[name] = [], []
        for index in range(_slots(current, name)):
            form = form_class(data, prefix=f"{name}-{index}")
            if form.is_blank():
                continue
            item: dict[str, Any] = {
                key: data.get(form.add_prefix(key), "") for key in form_class.base_fields
            }
            item["id"] = int(item["id"]) if str(item["id"]).isdecimal() else None
            values[name].append(item)
            slots[name].append(index)
    return values, slots


def _item_forms(
    current: dict[str, Any], data: QueryDict | None = None
) -> dict[str, list[ItemForm]]:
    """Each list's fieldsets: a filled one bound to what was sent (and so checked), a blank
    one left empty; on first view, the service's rows then spares."""
    found: dict[str, list[ItemForm]] = {}
    for name, form_class in ITEM_FORMS.items():
        rows = current.get(name, [])
        found[name] = []
        for index in range(_slots(current, name)):
            prefix = f"{name}-{index}"
            form = form_class(data, prefix=prefix)
            if data is None or form.is_blank():
                initial = rows[index] if data is None and index < len(rows) else {}
                form = form_class(prefix=prefix, initial=initial)
            else:
                form.is_valid()
            input_rules(form)
            if name == "schedules":
                chosen = (form["byday"].value() or "").split(",")
                form.days = [  # type: ignore[attr-defined]
                    (code, label, code in chosen) for code, label in Weekday.choices
                ]
            found[name].append(form)
    return found


def _main_form(current: dict[str, Any], data: QueryDict | None = None) -> ServiceValuesForm:
    if data is None:
        return input_rules(ServiceValuesForm(initial=current))
    form = input_rules(ServiceValuesForm(data))
    form.is_valid()
    return form


def _summary(
    main: Form,
    lists: dict[str, list[ItemForm]],
    error: InvalidParams | None,
    slots: dict[str, list[int]],
) -> list[dict[str, str]]:
    """The error summary: each field's messages linked to it, then any not about one field."""
    summary = [
        {"text": str(message), "href": f"#{main[key].auto_id}" if key in main.fields else ""}
        for key, problems in main.errors.items()
        for message in problems
    ]
    for forms_ in lists.values():
        for form in forms_:
            if form.is_bound:
                summary += [
                    {"text": str(message), "href": f"#{form[key].auto_id}"}
                    for key, problems in form.errors.items()
                    for message in problems
                ]
    if error is None:
        return summary
    shown = {item["text"] for item in summary}
    for key, problems in error.fields.items():
        name, _, rest = key.partition(".")
        index, _, field = rest.partition(".")
        href = ""
        if name in slots and index.isdecimal() and int(index) < len(slots[name]):
            form = lists[name][slots[name][int(index)]]
            href = f"#{form[field].auto_id}" if field in form.fields else ""
        elif key in main.fields:
            href = f"#{main[key].auto_id}"
        summary += [
            {"text": str(message), "href": href} for message in problems if message not in shown
        ]
    if not error.fields:
        summary.append({"text": error.detail, "href": ""})
    return summary


class ValuesFormView(RoleRequiredMixin, TemplateView):
    """The service's directory fields, prefilled, with fieldsets for its lists. Subclasses say
    which service (`service`, None for a new one) and what saving does (`save`)."""

    template_name = "shortbreaks/change_form.html"
    title = ""
    submit_label = ""
    intro = ""

    def service(self) -> Service | None:
        return None

    def save(self, values: dict[str, Any]) -> HttpResponse:
        raise NotImplementedError

    def back_url(self) -> str:
        return "/"

    def blocked(self) -> list[str]:
        """Why the form cannot be sent now, shown instead of accepting it."""
        return []

    def page(
        self, current: dict[str, Any], data: QueryDict | None, *, errors: list[Any], status: int
    ) -> HttpResponse:
        main = _main_form(current, data)
        lists = _item_forms(current, data)
        context = self.get_context_data(
            title=self.title,
            intro=self.intro,
            submit_label=self.submit_label,
            back_url=self.back_url(),
            main=main,
            needs=[
                (code, label, code in (main["needs"].value() or []))
                for code, label in Need.choices
            ],
            lists=[(name, LIST_LABELS[name], lists[name]) for name in LISTS],
            errors=errors or _summary(main, lists, None, {}),
            blocked=self.blocked(),
            service_record=self.service(),
        )
        return self.render_to_response(context, status=status)

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        blocked = self.blocked()
        return self.page(
            values_of(self.service()), None, errors=[], status=409 if blocked else 200
        )

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        current = values_of(self.service())
        data = _joined_days(request.POST, current)
        values, slots = _values_from(data, current)
        try:
            return self.save(values)
        except InvalidParams as error:
            main, lists = _main_form(current, data), _item_forms(current, data)
            errors = _summary(main, lists, error, slots)
            return self.page(current, data, errors=errors, status=400)
        except WorkflowError as error:
            status = 403 if isinstance(error, NotPermitted) else 409
            errors = [{"text": reason, "href": ""} for reason in error.reasons]
            return self.page(current, data, errors=errors, status=status)


# The provider's pages ---------------------------------------------------------------------------


class ProviderServicesView(RoleRequiredMixin, TemplateView):
    """A provider login's services, with a way to propose a change to each or a new one, and
    the proposals it has made with their decisions."""

    template_name = "shortbreaks/provider_services.html"
    roles = (Role.PROVIDER,)

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        user = acting_user(self.request)
        changes = list(selectors.service_changes_visible_to(user).order_by("-proposed_at", "-pk"))
        waiting = {change.service_id: change for change in changes if change.status == "proposed"}
        services_ = list(selectors.services_of_provider_login(user).order_by("name", "pk"))
        for service in services_:
            service.waiting = waiting.get(service.pk)  # type: ignore[attr-defined]
        return super().get_context_data(services=services_, changes=changes, **kwargs)


class ProposeChangeView(ValuesFormView):
    roles = (Role.PROVIDER,)
    submit_label = "Send the change for approval"
    intro = (
        "Nothing you change here is published until the council's local offer team approves it. "
        "To remove a contact, a cost or a time, clear its boxes."
    )

    def service(self) -> Service | None:
        if "pk" not in self.kwargs:
            return None
        if not hasattr(self, "_service"):
            # Another provider's service is not found, as if it did not exist.
            self._service = get_object_or_404(
                selectors.services_of_provider_login(acting_user(self.request)),
                pk=self.kwargs["pk"],
            )
        return self._service

    def provider(self) -> Provider:
        service = self.service()
        if service is not None:
            return service.provider
        providers = Provider.objects.filter(users=acting_user(self.request)).order_by("name", "pk")
        chosen = self.request.GET.get("provider", "")
        if chosen.isdecimal():
            providers = providers.filter(pk=chosen)
        provider = providers.first()
        if provider is None:
            raise Http404("No provider")
        return provider

    @property
    def title(self) -> str:  # type: ignore[override]
        service = self.service()
        return f"Propose a change to {service.name}" if service else "Propose a new service"

    def back_url(self) -> str:
        return reverse("shortbreaks:provider-services")

    def blocked(self) -> list[str]:
        service = self.service()
        if service is None or not service.changes.filter(status=ChangeStatus.PROPOSED).exists():
            return []
        return waiting_refusal(service).reasons

    def save(self, values: dict[str, Any]) -> HttpResponse:
        change = services.service_change_propose(
            by=acting_user(self.request),
            provider=self.provider(),
            service=self.service(),
            values=values,
        )
        messages.success(
            self.request, "Change sent: the local offer team will approve it or tell you why not."
        )
        return redirect(reverse("shortbreaks:provider-change", args=[change.pk]))


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

    def __init__(self, *args: Any, new_service: bool, **kwargs: Any) -> None:
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
        return super().get_context_data(changes=list(waiting), **kwargs)


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


class ServiceEditView(ValuesFormView):
    """Staff change a service's directory entry directly: published at once, and audited."""

    roles = OFFER_EDITORS
    submit_label = "Save and publish"
    intro = "What you save here is published at once, and the service is marked as checked today."

    def service(self) -> Service:
        if not hasattr(self, "_service"):
            self._service = get_object_or_404(
                selectors.services_editable_by(acting_user(self.request)).select_related(
                    "provider"
                ),
                pk=self.kwargs["pk"],
            )
        return self._service

    @property
    def title(self) -> str:  # type: ignore[override]
        return f"Edit {self.service().name}"

    def back_url(self) -> str:
        return reverse("shortbreaks:stale-services")

    def save(self, values: dict[str, Any]) -> HttpResponse:
        service = services.service_edit(
            by=acting_user(self.request), service=self.service(), values=values
        )
        messages.success(self.request, f"{service.name} is saved and published.")
        return redirect(self.back_url())
