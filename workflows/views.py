from __future__ import annotations

import copy
import sys
from typing import Any

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import BadRequest, ImproperlyConfigured, RequestDataTooBig
from django.db import DatabaseError, InterfaceError, OperationalError, connection, models
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase, JsonResponse
from django.shortcuts import redirect, render
from django.template import loader
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET
from django.views.generic import FormView, ListView, TemplateView

from workflows.checks import permission_reasons, transition_label, transition_refusals
from workflows.date_input import DatePartsField
from workflows.errors import InvalidParams, NotPermitted, TransitionNotAllowed, WorkflowError
from workflows.forms import Form, input_rules
from workflows.inbox import notifications_mark_all_read, notifications_of
from workflows.models import Notification
from workflows.registry import registry, step_of
from workflows.services import transition


@never_cache
@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    """200 when the database answers a query, 503 when it does not."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError:
        return JsonResponse({"status": "unavailable", "database": "down"}, status=503)
    return JsonResponse({"status": "ok", "database": "up"})


class LoadTestFloorView(LoginRequiredMixin, TemplateView):
    """The floor of `make loadtest` (DESIGN §12): a signed-in page of the GOV.UK base template
    whose one query is the header's unread count, so every page's time under load is read as a
    ratio to what any page costs at least. In the URLconf only with PATHWAY_LOADTEST_FLOOR on."""

    template_name = "workflows/loadtest_floor.html"


def bad_request(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    # Our own refusals (`BadRequest`) say what to change; Django's other refusals (a forged
    # host, too many fields) are worded for developers, so people get a plain sentence instead.
    if isinstance(exception, RequestDataTooBig):
        limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE // 1024
        reason, code = f"The request is too large: send at most {limit} KB.", "too_large"
    elif isinstance(exception, BadRequest):
        reason, code = str(exception), "bad_request"
    else:
        reason, code = "The request could not be read.", "bad_request"
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": reason, "code": code, "fields": {}}, status=400)
    return render(request, "400.html", {"reason": reason}, status=400)


def page_not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    if request.path.startswith("/api/"):  # an address no API route matches
        body = {"detail": "Not found.", "code": "not_found", "fields": {}}
        return JsonResponse(body, status=404)
    return render(request, "404.html", status=404)


# A database that cannot be reached (down, restarting, connection lost) is not a bug: it is
# "unavailable, try again" (503), which clients and load balancers know to retry.
UNREACHABLE = (OperationalError, InterfaceError)
API_ERRORS = {
    500: ("Something went wrong on our side. Nothing was changed.", "server_error"),
    503: ("The service cannot reach its records just now: try again shortly.", "unavailable"),
}


def server_error(request: HttpRequest) -> HttpResponse:
    """Django calls this inside the `except` of an unhandled error, wherever it was raised."""
    status = 503 if isinstance(sys.exc_info()[1], UNREACHABLE) else 500
    if request.path.startswith("/api/"):
        detail, code = API_ERRORS[status]
        response: HttpResponse = JsonResponse(
            {"detail": detail, "code": code, "fields": {}}, status=status
        )
    else:
        # No request context: the failure may be the database, which the signed-in user needs.
        page = loader.get_template(f"{status}.html").render(
            {
                "service_name": settings.PATHWAY_SERVICE_NAME,
                "council_name": settings.PATHWAY_COUNCIL_NAME,
            }
        )
        response = HttpResponse(page, status=status)
    if status == 503:
        response["Retry-After"] = "30"
    return response


def permission_denied(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "403.html", status=403)


ON_HINT = {
    True: "The legal time limit counts from this date: give the date it really happened. "
    "For example, 27 3 2026.",
    False: "Leave it empty if it happened today. Records are often entered late: give the date "
    "it really happened. For example, 27 3 2026.",
}


class TransitionForm(Form):
    """The date it happened and a note; the transition's own parameters are added per step.

    The date must be given where a statutory clock starts or stops on it (`Step.dated_by_law`):
    taking today for a step entered late would move a legal deadline. Elsewhere an empty date is
    today, as the hint says. A date parameter of the step is asked with the GOV.UK date input too.
    """

    note = forms.CharField(label="Note (optional)", required=False, widget=forms.Textarea)

    def __init__(
        self,
        *args: Any,
        params: dict[str, forms.Field],
        date_required: bool = False,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["on"] = DatePartsField(
            label="Date this happened",
            required=date_required,
            past=True,
            help_text=ON_HINT[date_required],
            required_message="Enter the date this happened.",
        )
        for name, field in params.items():
            self.fields[name] = (
                DatePartsField.like(field, name=name)
                if isinstance(field, forms.DateField)
                else copy.deepcopy(field)
            )
        self.order_fields(["on", *params, "note"])


class TransitionFormView(LoginRequiredMixin, TemplateView):
    """A page for one step of a machine: asks for its date, parameters and note, then applies it.

    Subclasses say which record (`get_record`, scoped by a selector, so another team's record is
    a 404) and where to go afterwards. Refusals are shown as a GOV.UK error summary, with the
    status the API would give: 400 for bad input, 403 not permitted, 409 not possible now.
    """

    template_name = "workflows/transition_form.html"

    def get_record(self) -> models.Model:
        raise ImproperlyConfigured(f"{type(self).__name__} must define get_record()")

    def get_success_url(self, record: models.Model) -> str:
        raise ImproperlyConfigured(f"{type(self).__name__} must define get_success_url()")

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        self.record = self.get_record()
        machine = registry.machine_for(type(self.record))
        fsm_transition = machine.any_transition(kwargs["name"])
        if fsm_transition is None:
            raise Http404("No such step")
        self.fsm_transition = fsm_transition
        return super().dispatch(request, *args, **kwargs)

    def make_form(self, data: Any = None) -> TransitionForm:
        step = step_of(self.fsm_transition)
        return TransitionForm(data, params=dict(step.params), date_required=step.dated_by_law)

    def not_yours(self) -> list[str]:
        """Why this person may not take the step at all: told 403 before any answer is read."""
        machine = registry.machine_for(type(self.record))
        now = machine.transition_from(
            getattr(self.record, machine.field_name), self.kwargs["name"]
        )
        return [] if now is None else permission_reasons(now, self.record, self.request.user)  # type: ignore[arg-type]

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        refused = self.not_yours()
        if refused:
            return self.render(self.make_form(), reasons=refused, status=403)
        reasons = transition_refusals(self.record, self.fsm_transition.name, request.user)  # type: ignore[arg-type]
        return self.render(self.make_form(), reasons=reasons, status=409 if reasons else 200)

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        refused = self.not_yours()
        if refused:
            return self.render(self.make_form(), reasons=refused, status=403)
        form = self.make_form(request.POST)
        if not form.is_valid():
            return self.render(form, status=400)
        params = {
            name: value for name, value in form.cleaned_data.items() if name not in {"on", "note"}
        }
        try:
            updated = transition(
                self.record,
                self.fsm_transition.name,
                by=request.user,  # type: ignore[arg-type]
                on=form.cleaned_data["on"],
                note=form.cleaned_data["note"],
                **params,
            )
        except InvalidParams as error:
            for field, messages_ in error.fields.items():
                for message in messages_:
                    form.add_error(field if field in form.fields else None, message)
            return self.render(form, status=400)
        except (TransitionNotAllowed, NotPermitted) as error:
            status = 403 if isinstance(error, NotPermitted) else 409
            return self.render(form, reasons=error.reasons, status=status)
        messages.success(request, step_of(self.fsm_transition).done_message(updated))
        return redirect(self.get_success_url(updated))

    def render(
        self, form: TransitionForm, *, reasons: list[str] | None = None, status: int
    ) -> HttpResponse:
        step = step_of(self.fsm_transition)
        context = self.get_context_data(
            form=form,
            record=self.record,
            label=transition_label(self.fsm_transition),
            destructive=step.destructive,
            warning=step.warning() if step.destructive else "",
            errors=[{"text": reason} for reason in reasons or []],
            blocked=bool(reasons),
            back_url=self.get_success_url(self.record),
        )
        return self.render_to_response(context, status=status)


class ServiceFormView(LoginRequiredMixin, FormView):  # type: ignore[type-arg]
    """A form page whose valid form calls one service; domain errors become GOV.UK errors.

    Field errors from `InvalidParams` go on their fields; a refusal (403/409) becomes the error
    summary. Nothing is saved in either case: services are atomic.
    """

    template_name = "includes/form_page.html"
    title = ""
    submit_label = "Save"

    def perform(self, form: forms.Form) -> HttpResponse:
        raise ImproperlyConfigured(f"{type(self).__name__} must define perform()")

    def back_url(self) -> str:
        return "/"

    def get_form(self, form_class: Any = None) -> forms.Form:
        form: forms.Form = super().get_form(form_class)
        return input_rules(form)

    def form_valid(self, form: forms.Form) -> HttpResponse:
        try:
            return self.perform(form)
        except InvalidParams as error:
            for field, messages_ in error.fields.items():
                for message in messages_:
                    form.add_error(field if field in form.fields else None, message)
            if not error.fields:
                form.add_error(None, error.detail)
            return self.render_to_response(self.get_context_data(form=form), status=400)
        except WorkflowError as error:
            status = 403 if isinstance(error, NotPermitted) else 409
            context = self.get_context_data(
                form=form, errors=[{"text": reason} for reason in error.reasons]
            )
            return self.render_to_response(context, status=status)

    def form_invalid(self, form: forms.Form) -> HttpResponse:
        return self.render_to_response(self.get_context_data(form=form), status=400)

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        return super().get_context_data(
            title=self.title, submit_label=self.submit_label, back_url=self.back_url(), **kwargs
        )


class NotificationsView(LoginRequiredMixin, ListView):  # type: ignore[type-arg]
    """Everyone's in-app notifications, newest first."""

    template_name = "workflows/notifications.html"
    paginate_by = 25

    def get_queryset(self) -> models.QuerySet[Notification]:
        return notifications_of(self.request.user)  # type: ignore[arg-type]

    def post(self, request: HttpRequest) -> HttpResponse:
        notifications_mark_all_read(by=request.user)  # type: ignore[arg-type]
        messages.success(request, "All your notifications are marked as read.")
        return redirect("notifications")
