"""Pages for a team manager to record and withdraw exceptions to the EHC time limits (SEND
Regulations 2014 reg 5(4), 10(4), 13(3)) and to name the plan's case officer (DESIGN §5, §11)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, cast

from django import forms
from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse

from accounts.models import User
from accounts.roles import STAFF_ROLES, Role
from casework import selectors, services
from casework.services.exceptions import exception_record, exception_withdraw
from casework.services.owners import plan_change_case_officer
from casework.views import PlanFormView, StaffOnly, plan_return_url
from workflows.acting import acting_user
from workflows.date_input import DatePartsField
from workflows.exceptions import Facts
from workflows.forms import Form
from workflows.models import Deadline, DeadlineException, StatutoryException
from workflows.registry import registry
from workflows.views import ServiceFormView

MANAGERS_ONLY = "Only a team manager can record or withdraw an exception."


class ManagerWrites:
    """Anyone on the team reads the page; only a team manager sends it: a practitioner's post is
    a 403 with the reason, before the form is read (a record of another team is still a 404)."""

    refusal = MANAGERS_ONLY
    # Each view finds its record (a 404 for another team's) with a method of this name.
    the_record: Callable[[], Any]

    def not_now(self) -> str:
        """Why a manager cannot send it for this record now (a 409), or empty."""
        return ""

    # Set when a post is refused before its answers are read: the form is shown empty, so the
    # refusal is the only error and no field is judged.
    refused_unread = False

    def get_form_kwargs(self) -> dict[str, Any]:
        kwargs: dict[str, Any] = super().get_form_kwargs()  # type: ignore[misc]
        if self.refused_unread:
            kwargs.pop("data", None)
            kwargs.pop("files", None)
        return kwargs

    def post(self, request: Any, *args: Any, **kwargs: Any) -> HttpResponse:
        self.the_record()
        view = cast(ServiceFormView, self)
        if not acting_user(request).has_role(Role.TEAM_MANAGER):
            self.refused_unread = True
            context = view.get_context_data(errors=[{"text": self.refusal}])
            return view.render_to_response(context, status=403)
        if self.not_now():
            context = view.get_context_data(errors=[{"text": self.not_now()}])
            return view.render_to_response(context, status=409)
        return super().post(request, *args, **kwargs)  # type: ignore[misc, no-any-return]


class ExceptionForm(Form):
    exception = forms.ChoiceField(
        label="Ground in regulation 10(4)",
        choices=StatutoryException.choices,
        widget=forms.RadioSelect,
        help_text="Late advice from anyone is not a ground.",
        error_messages={"required": "Choose the ground for the exception."},
    )
    reason = forms.CharField(
        label="What happened",
        widget=forms.Textarea,
        max_length=5_000,
        error_messages={"required": "Enter what happened."},
    )
    advice_requested_on = DatePartsField(
        label="Date the advice was asked for",
        required=False,
        help_text="For a closure: the date advice was asked of the school, college or early "
        "years provider. For example, 27 3 2026",
    )
    closed_from = DatePartsField(label="First day the setting was closed", required=False)
    closed_to = DatePartsField(label="Last day the setting was closed", required=False)
    away_from = DatePartsField(label="First day away from the area", required=False)
    away_to = DatePartsField(label="Last day away from the area", required=False)

    def facts(self) -> Facts:
        return Facts(**{name: self.cleaned_data.get(name) for name in Facts.__dataclass_fields__})


DATE_FIELDS = tuple(Facts.__dataclass_fields__)


class DeadlineExceptionsView(StaffOnly, ManagerWrites, ServiceFormView):
    """One deadline: its exceptions' history, and the form to record one where the regulations
    allow it; where they do not, or the user may not, the page says why."""

    form_class = ExceptionForm
    template_name = "casework/deadline_exceptions.html"
    submit_label = "Record the exception"

    def deadline(self) -> Deadline:
        if not hasattr(self, "_deadline"):
            user = acting_user(self.request)
            self._deadline = cast(
                Deadline,
                get_object_or_404(
                    selectors.with_child(selectors.deadlines_visible_to(user)).select_related(
                        "owner"
                    ),
                    pk=self.kwargs["pk"],
                ),
            )
            services.access_record(
                by=user, child_id=self._deadline.child_pk, record=self._deadline, via="page"
            )
        return self._deadline

    def back_url(self) -> str:
        deadline = self.deadline()
        if deadline.case_id:
            return reverse("casework:case", args=[deadline.case_id])
        return reverse("casework:caseload")

    def why_not(self) -> str:
        deadline = self.deadline()
        declared = registry.deadline_kinds.get(deadline.kind)
        if declared is not None and not declared.statutory:
            return (
                "This is a council target, not a time limit in law, so it has no exceptions: "
                "a team manager can waive it instead."
            )
        if declared is None or not declared.exceptions:
            basis = f" ({declared.basis})" if declared and declared.basis else ""
            return f"The regulations allow no exception to this time limit{basis}."
        if deadline.status in Deadline.SET_ASIDE:
            return "This deadline is no longer counted, so no exception can be recorded."
        if not acting_user(self.request).has_role(Role.TEAM_MANAGER):
            return MANAGERS_ONLY
        return ""

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        deadline = self.deadline()
        return super().get_context_data(
            heading=registry.label_of(deadline.kind),
            deadline=deadline,
            history=deadline.exceptions.select_related("added_by", "withdrawn_by"),
            why_not=self.why_not(),
            is_manager=acting_user(self.request).has_role(Role.TEAM_MANAGER),
            date_fields=DATE_FIELDS,
            **kwargs,
        )

    def the_record(self) -> Deadline:
        return self.deadline()

    def not_now(self) -> str:
        return self.why_not()

    def perform(self, form: forms.Form) -> HttpResponse:
        exception_form = cast(ExceptionForm, form)
        exception_record(
            by=acting_user(self.request),
            deadline=self.deadline(),
            ground=form.cleaned_data["exception"],
            reason=form.cleaned_data["reason"],
            facts=exception_form.facts(),
        )
        messages.success(self.request, "The exception has been recorded.")
        return redirect(reverse("casework:deadline-exceptions", args=[self.deadline().pk]))


class WithdrawForm(Form):
    reason = forms.CharField(
        label="Why is the exception withdrawn?",
        widget=forms.Textarea,
        max_length=5_000,
        error_messages={"required": "Enter why the exception is withdrawn."},
    )


class WithdrawExceptionView(StaffOnly, ManagerWrites, ServiceFormView):
    form_class = WithdrawForm
    title = "Withdraw the exception"
    submit_label = "Withdraw the exception"

    def exception(self) -> DeadlineException:
        if not hasattr(self, "_exception"):
            visible = selectors.deadlines_visible_to(acting_user(self.request))
            self._exception = get_object_or_404(
                DeadlineException.objects.filter(deadline__in=visible).select_related("deadline"),
                pk=self.kwargs["pk"],
            )
        return self._exception

    def the_record(self) -> DeadlineException:
        return self.exception()

    def back_url(self) -> str:
        return reverse("casework:deadline-exceptions", args=[self.exception().deadline_id])

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        exception = self.exception()
        return super().get_context_data(
            caption=registry.label_of(exception.deadline.kind),
            intro=f"{exception.get_ground_display()}: {exception.reason}",
            **kwargs,
        )

    def perform(self, form: forms.Form) -> HttpResponse:
        exception_withdraw(
            by=acting_user(self.request),
            exception=self.exception(),
            reason=form.cleaned_data["reason"],
        )
        messages.success(
            self.request, "The exception has been withdrawn. It stays in the history."
        )
        return redirect(self.back_url())


class CaseOfficerForm(Form):
    case_officer = forms.ModelChoiceField(
        label="Case officer",
        queryset=User.objects.none(),
        error_messages={"required": "Choose the case officer."},
    )


class CaseOfficerView(ManagerWrites, PlanFormView):
    form_class = CaseOfficerForm
    title = "Change the case officer"
    submit_label = "Change the case officer"
    refusal = "Only a team manager can change the case officer."

    def the_record(self) -> Any:
        return self.plan()

    def get_form(self, form_class: Any = None) -> forms.Form:
        form = super().get_form(form_class)
        field = cast(forms.ModelChoiceField, form.fields["case_officer"])
        field.queryset = (
            User.objects.filter(
                is_active=True,
                memberships__team_id=self.plan().child.team_id,
                groups__name__in=STAFF_ROLES,
            )
            .distinct()
            .order_by("full_name", "pk")
        )
        return form

    def get_initial(self) -> dict[str, Any]:
        return {"case_officer": self.plan().case_officer_id}

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        intro = (
            "The case officer is reminded of the plan's deadlines when no case is open."
            if acting_user(self.request).has_role(Role.TEAM_MANAGER)
            else "Only a team manager can change the case officer."
        )
        return super().get_context_data(intro=intro, **kwargs)

    def perform(self, form: forms.Form) -> HttpResponse:
        plan_change_case_officer(
            by=acting_user(self.request),
            plan=self.plan(),
            case_officer=form.cleaned_data["case_officer"],
        )
        messages.success(self.request, "The case officer has been changed.")
        return redirect(plan_return_url(self.plan()))
