"""Pages with the service's directory form: a provider's services and its proposal form, and
staff's direct edit. The same fields and messages as the API (`shortbreaks.change_values`)."""

from __future__ import annotations

from abc import ABC, abstractmethod
from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.views.generic import TemplateView

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
)
from shortbreaks.models import (
    ChangeStatus,
    Need,
    Provider,
    Service,
    Weekday,
)
from shortbreaks.services.changes import waiting_refusal
from workflows.acting import acting_user
from workflows.errors import InvalidParams, NotPermitted, WorkflowError
from workflows.forms import Form, input_rules

OFFER_EDITORS = (Role.TEAM_MANAGER, Role.COMMISSIONER)
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


class ValuesFormView(RoleRequiredMixin, TemplateView, ABC):
    """The service's directory fields, prefilled, with fieldsets for its lists. Subclasses say
    which service (`service`, None for a new one) and what saving does (`save`)."""

    template_name = "shortbreaks/change_form.html"
    title = ""
    submit_label = ""
    intro = ""

    def service(self) -> Service | None:
        return None

    @abstractmethod
    def save(self, values: dict[str, Any]) -> HttpResponse:
        """Propose the values (a provider) or apply them (staff), and answer the request."""

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
