"""The GOV.UK pages of online requests for an assessment (SEND Regulations 2014 reg 3): the
public form at /request-an-assessment/, its confirmation, and the staff queue with its accept
form. The API (`casework.api.ehc_requests`) calls the same services."""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect
from django.urls import path, reverse
from django.views.generic import FormView, TemplateView, View

from accounts.models import User, with_roles
from accounts.roles import Role
from casework import selectors, services
from casework.ehc_request_reads import ehc_requests_visible_to, possible_matches
from casework.models import Child, EHCRequest, Relationship
from casework.services.documents import ALLOWED_WORDS
from casework.services.ehc_requests import (
    RequestLimitReached,
    decision_due_on,
    ehc_request_accept,
    ehc_request_for_child,
    ehc_request_receive,
    require_may_request,
)
from casework.views import StaffOnly
from casework.views.advice_professional import MultipleFileField
from workflows.acting import acting_user
from workflows.date_input import DatePartsField
from workflows.errors import InvalidParams, NotPermitted, WorkflowError
from workflows.forms import Form, input_rules

RECEIVED = "ehc_request_received"


def _files_field() -> MultipleFileField:
    limit = settings.PATHWAY_DOCUMENT_MAX_BYTES // (1024 * 1024)
    return MultipleFileField(
        label="Reports or letters (optional)",
        required=False,
        help_text=f"For example a school report. {ALLOWED_WORDS.capitalize()}, up to {limit} MB "
        "each",
    )


class PublicRequestForm(Form):
    child_name = forms.CharField(
        label="The child or young person's full name",
        max_length=200,
        error_messages={"required": "Enter the child or young person's full name."},
    )
    date_of_birth = DatePartsField(label="Date of birth", past=True)
    requester_name = forms.CharField(
        label="Your full name",
        max_length=200,
        error_messages={"required": "Enter your full name."},
    )
    requester_email = forms.EmailField(
        label="Your email address",
        max_length=254,
        help_text="We will send the confirmation here.",
        error_messages={
            "required": "Enter your email address.",
            "invalid": "Enter an email address like name@example.com.",
        },
    )
    relationship = forms.ChoiceField(
        label="How do you know them?",
        choices=Relationship.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose how you know them."},
    )
    reasons = forms.CharField(
        label="Why do you think they need an assessment?",
        widget=forms.Textarea,
        max_length=10_000,
        help_text="Say what they find difficult and what help they have had so far.",
        error_messages={"required": "Say why you think they need an assessment."},
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["files"] = _files_field()


class ChildRequestForm(Form):
    child = forms.ModelChoiceField(
        label="Who is the request for?",
        queryset=Child.objects.none(),
        widget=forms.RadioSelect,
        empty_label=None,
        error_messages={"required": "Choose the child or young person."},
    )
    reasons = PublicRequestForm.base_fields["reasons"]

    def __init__(self, *args: Any, children: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["child"].queryset = children  # type: ignore[attr-defined]
        self.fields["files"] = _files_field()


class RequestAssessmentView(FormView):  # type: ignore[type-arg]
    """Anybody may ask: no account needed (reg 3). A signed-in family or school chooses the
    child; council staff, who record requests on the child's case, are told so."""

    template_name = "casework/ehc_requests/form.html"

    def why_not(self) -> str:
        user = self.request.user
        if not user.is_authenticated:
            return ""
        try:
            require_may_request(acting_user(self.request))
        except NotPermitted as refusal:
            return refusal.detail
        return ""

    def get_form_class(self) -> type[forms.Form]:
        if self.request.user.is_authenticated:
            return ChildRequestForm
        return PublicRequestForm

    def get_form_kwargs(self) -> dict[str, Any]:
        kwargs = super().get_form_kwargs()
        if self.request.user.is_authenticated:
            kwargs["children"] = selectors.children_readable_by(acting_user(self.request))
        return kwargs

    def get_form(self, form_class: Any = None) -> forms.Form:
        return input_rules(super().get_form(form_class))

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        limit = settings.PATHWAY_DOCUMENT_MAX_BYTES // (1024 * 1024)
        return super().get_context_data(
            why_not=self.why_not(), service=settings.PATHWAY_SERVICE_NAME, limit=limit, **kwargs
        )

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if self.why_not():
            return self.render_to_response(self.get_context_data(), status=403)
        return super().post(request, *args, **kwargs)

    def form_valid(self, form: forms.Form) -> HttpResponse:
        data = form.cleaned_data
        try:
            if self.request.user.is_authenticated:
                made = ehc_request_for_child(
                    by=acting_user(self.request),
                    child=data["child"],
                    reasons=data["reasons"],
                    uploads=data["files"],
                )
            else:
                made = ehc_request_receive(uploads=data.pop("files"), **data)
        except InvalidParams as error:
            for field, found in error.fields.items():
                for message in found:
                    form.add_error(field if field in form.fields else None, message)
            return self.render_to_response(self.get_context_data(form=form), status=400)
        except RequestLimitReached as limit:
            context = self.get_context_data(form=form, errors=[{"text": limit.detail}])
            return self.render_to_response(context, status=429)
        self.request.session[RECEIVED] = made.pk
        return redirect("casework:request-assessment-received")

    def form_invalid(self, form: forms.Form) -> HttpResponse:
        return self.render_to_response(self.get_context_data(form=form), status=400)


class RequestReceivedView(TemplateView):
    """The confirmation, for the browser that sent the request and nobody else."""

    template_name = "casework/ehc_requests/received.html"

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        made = EHCRequest.objects.filter(pk=request.session.get(RECEIVED)).first()
        if made is None:
            return redirect("casework:request-assessment")
        return self.render_to_response(
            self.get_context_data(
                made=made,
                decision_due_on=decision_due_on(made.received_on),
                email=made.requester_email,
            )
        )


def _team_staff(user: User) -> list[User]:
    team_ids = user.memberships.values("team_id")
    people = with_roles(User.objects.filter(is_active=True, memberships__team_id__in=team_ids))
    return [
        person
        for person in people.distinct().order_by("full_name", "pk")
        if person.has_role(Role.PRACTITIONER)
    ]


class EHCRequestQueueView(StaffOnly, TemplateView):
    template_name = "casework/ehc_requests/queue.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        user = acting_user(self.request)
        rows = list(
            ehc_requests_visible_to(user)
            .filter(plan__isnull=True)
            .select_related("child")
            .prefetch_related("files")
            .order_by("received_on", "pk")
        )
        matches = possible_matches(user, rows)
        reads = [(row.child_id, "ehcrequest", row.pk) for row in rows if row.child_id]
        reads += [(child.pk, "child", child.pk) for found in matches.values() for child in found]
        services.access_record_many(by=user, reads=reads, via="page")
        queue = [
            {"request": row, "matches": matches[row.pk], "due": decision_due_on(row.received_on)}
            for row in rows
        ]
        return super().get_context_data(
            queue=queue,
            staff=_team_staff(user),
            is_manager=user.has_role(Role.TEAM_MANAGER),
            errors=kwargs.pop("errors", None),
            **kwargs,
        )


class EHCRequestAcceptView(StaffOnly, View):
    """Accept a request from the queue: onto the child chosen, or a new child from it."""

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        user = acting_user(request)
        row = get_object_or_404(ehc_requests_visible_to(user), pk=pk)
        chosen = request.POST.get("child", "")
        if chosen == "" and row.child_id is None:
            return self._refused(request, f"Choose which child {row.child_name} is, or add them.")
        child = None
        if chosen not in ("", "new"):
            if chosen.isdigit():
                child = selectors.children_visible_to(user).filter(pk=chosen).first()
            if child is None:
                return self._refused(request, "Choose a child of your team or add a new one.")
        officer_id = request.POST.get("case_officer", "")
        officer = User.objects.filter(pk=officer_id).first() if officer_id.isdigit() else None
        try:
            accepted = ehc_request_accept(by=user, request=row, child=child, case_officer=officer)
        except InvalidParams as error:
            found = [message for messages_ in error.fields.values() for message in messages_]
            return self._refused(request, found[0] if found else error.detail)
        except WorkflowError as error:
            return self._refused(request, error.detail)
        messages.success(
            request,
            f"Request accepted: {accepted.child_name}'s EHC plan request is recorded as received "
            f"on {accepted.received_on:%-d %B %Y}.",
        )
        return HttpResponseRedirect(reverse("casework:ehc-requests"))

    def _refused(self, request: HttpRequest, reason: str) -> HttpResponse:
        view = EHCRequestQueueView()
        view.setup(request)
        context = view.get_context_data(errors=[{"text": reason}])
        return view.render_to_response(context, status=400)


urlpatterns = [
    path("request-an-assessment/", RequestAssessmentView.as_view(), name="request-assessment"),
    path(
        "request-an-assessment/received/",
        RequestReceivedView.as_view(),
        name="request-assessment-received",
    ),
    path("ehc-requests/", EHCRequestQueueView.as_view(), name="ehc-requests"),
    path(
        "ehc-requests/<int:pk>/accept/", EHCRequestAcceptView.as_view(), name="ehc-request-accept"
    ),
]
