"""Budget pages: the budget tab, scoring and planning, the panel queue, the family statement."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.db import models
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.views.generic import TemplateView

from accounts.roles import Role
from budgets import selectors, services
from budgets.forms import BudgetRequestForm, EntryForm, PlanForm, ReviewForm
from budgets.models import (
    BUDGET_REVIEW,
    DIRECT_PAYMENT_REVIEW,
    AllocationScheme,
    BudgetReviewOutcome,
    EntryKind,
    LedgerEntry,
    PersonalBudget,
    amount_and_dates,
)
from budgets.panels import BUDGET_PANELS
from casework.selectors import cases_visible_to
from casework.services import access_record, access_record_many
from casework.views import RoleRequiredMixin, StaffOnly
from workflows.acting import acting_user
from workflows.errors import InvalidParams, TransitionNotAllowed
from workflows.registry import DeadlineKind
from workflows.selectors import StepNow
from workflows.templatetags.govuk import money
from workflows.views import ServiceFormView, TransitionFormView


def budget_url(budget: PersonalBudget) -> str:
    return reverse("budgets:budget", args=[budget.pk])


def entry_done(budget: PersonalBudget, entry: LedgerEntry) -> str:
    """The banner after an entry: what moved, and the figure it changed, from the one source."""
    balances = selectors.balances_of(budget)
    amount = money(entry.amount)
    if entry.kind == EntryKind.ADJUSTMENT_UP:
        return f"Budget increased by {amount} — now {amount_and_dates(budget, balances.agreed)}"
    if entry.kind == EntryKind.ADJUSTMENT_DOWN:
        return f"Budget reduced by {amount} — now {amount_and_dates(budget, balances.agreed)}"
    if entry.kind == EntryKind.RECOVERY:
        return (
            f"{amount} of direct payment recovered — {money(balances.available)} is left to spend"
        )
    return f"Invoice of {amount} paid — {money(balances.available)} is left to spend"


class BudgetMixin:
    request: HttpRequest
    kwargs: dict[str, Any]

    def budget(self) -> PersonalBudget:
        if not hasattr(self, "_budget"):
            self._budget = get_object_or_404(
                selectors.budgets_visible_to(acting_user(self.request)).select_related(
                    "child", "case", "scheme"
                ),
                pk=self.kwargs["pk"],
            )
        return self._budget


class BudgetPageView(StaffOnly, BudgetMixin, TemplateView):
    template_name = "budgets/budget.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        budget = self.budget()
        working = None
        if budget.scheme is not None:
            working = services.scheme_score(
                scheme=budget.scheme, answers=budget.answers, start_on=budget.start_on
            )
        user = acting_user(self.request)
        access_record(by=user, child_id=budget.child_id, record=budget, via="page")
        return super().get_context_data(
            budget=budget,
            child=budget.child,
            working=working,
            balances=selectors.balances_of(budget),
            entries=budget.entries.order_by("-entry_on", "-pk")[:50],
            schedule=services.direct_payment_schedule(budget),
            can_plan=budget.status in services.OPEN_FOR_PLANNING,
            can_post=budget.status in {"active", "suspended"},
            more_steps=review_steps(budget),
            panels=BUDGET_PANELS,
            **kwargs,
        )


REVIEW_LABELS = {
    DIRECT_PAYMENT_REVIEW.value: "Record the review of the direct payments",
    BUDGET_REVIEW.value: "Record the review of the personal budget",
}


def review_steps(budget: PersonalBudget) -> list[dict[str, Any]]:
    """The review that is due, as a step beside the budget's machine: without it an overdue
    direct-payment review could be ended only by ending the budget."""
    kind = services.review_kind_due(budget)
    if kind is None:
        return []
    step = StepNow(
        name="review",
        label=REVIEW_LABELS[kind.value],
        allowed=True,
        reasons=[],
        destructive=False,
        decision=False,
    )
    return [{"step": step, "url": reverse("budgets:review", args=[budget.pk])}]


class BudgetTransitionView(StaffOnly, TransitionFormView):
    def get_record(self) -> PersonalBudget:
        return get_object_or_404(
            selectors.budgets_visible_to(acting_user(self.request)), pk=self.kwargs["pk"]
        )

    def get_success_url(self, record: models.Model) -> str:
        return budget_url(cast(PersonalBudget, record))


class BudgetRequestView(StaffOnly, ServiceFormView):
    form_class = BudgetRequestForm
    title = "Start a personal budget"
    submit_label = "Start the budget"

    def case(self) -> Any:
        return get_object_or_404(cases_visible_to(acting_user(self.request)), pk=self.kwargs["pk"])

    def get_form(self, form_class: Any = None) -> forms.Form:
        self.case()  # another team's case, or none, is a 404 before any form is shown
        return super().get_form(form_class)

    def back_url(self) -> str:
        return reverse("casework:case", args=[self.kwargs["pk"]])

    def perform(self, form: forms.Form) -> HttpResponse:
        budget = services.budget_request(
            by=acting_user(self.request), child=self.case().child, **form.cleaned_data
        )
        messages.success(
            self.request,
            f"Personal budget {budget.period_label} started — from {budget.start_on:%-d %B %Y} "
            f"to {budget.end_on:%-d %B %Y}. Next, score it with the resource allocation system.",
        )
        return redirect(budget_url(budget))


class ScoreView(StaffOnly, BudgetMixin, ServiceFormView):
    title = "Score with the resource allocation system"
    submit_label = "Work out the indicative budget"

    def scheme(self) -> AllocationScheme | None:
        """The version the budget was scored with, or else the current one."""
        current = AllocationScheme.objects.filter(is_current=True).order_by("-version").first()
        return self.budget().scheme or current

    def get_form(self, form_class: Any = None) -> forms.Form:
        form = forms.Form(**self.get_form_kwargs())
        scheme = self.scheme()
        for domain in scheme.domains.all() if scheme else []:
            form.fields[domain.key] = forms.TypedChoiceField(
                label=domain.label,
                coerce=int,
                widget=forms.RadioSelect,
                choices=[(score, str(score)) for score in range(domain.max_score + 1)],
                initial=self.budget().answers.get(domain.key),
                error_messages={"required": f"Choose a score for {domain.label.lower()}."},
            )
        return form

    def back_url(self) -> str:
        return budget_url(self.budget())

    def perform(self, form: forms.Form) -> HttpResponse:
        scheme = self.scheme()
        if scheme is None:
            raise InvalidParams({}, "There is no resource allocation scheme yet: ask a manager.")
        budget = services.budget_score(
            by=acting_user(self.request),
            budget=self.budget(),
            scheme=scheme,
            answers=form.cleaned_data,
        )
        messages.success(
            self.request,
            "Indicative budget worked out — " + amount_and_dates(budget, budget.indicative_amount),
        )
        return redirect(self.back_url())


class PlanView(StaffOnly, BudgetMixin, ServiceFormView):
    form_class = PlanForm
    title = "Support plan and agreed amount"
    submit_label = "Save"

    def get_initial(self) -> dict[str, Any]:
        budget = self.budget()
        return {name: getattr(budget, name) for name in services.PLAN_FIELDS}

    def back_url(self) -> str:
        return budget_url(self.budget())

    def perform(self, form: forms.Form) -> HttpResponse:
        values = cast(
            services.BudgetPlanChanges,
            {
                key: str(value) if key.endswith("_amount") else value
                for key, value in form.cleaned_data.items()
            },
        )
        budget = services.budget_plan(by=acting_user(self.request), budget=self.budget(), **values)
        if budget.agreed_amount is None:
            messages.success(self.request, "Support plan saved — no agreed amount yet")
        else:
            messages.success(
                self.request,
                "Support plan and agreed amount saved — "
                + amount_and_dates(budget, budget.agreed_amount),
            )
        return redirect(self.back_url())


class EntryView(StaffOnly, BudgetMixin, ServiceFormView):
    """One form for the entries a person makes on the budget page, each through its own service:
    an invoice paid, a manager's adjustment, a manager's recovery of direct payment."""

    form_class = EntryForm
    title = "Add an entry to the ledger"
    submit_label = "Add the entry"

    def back_url(self) -> str:
        return budget_url(self.budget())

    def perform(self, form: forms.Form) -> HttpResponse:
        data = dict(form.cleaned_data)
        data["amount"] = str(data["amount"])
        kind = data.pop("kind")
        by, budget = acting_user(self.request), self.budget()
        if kind == EntryKind.PAYMENT:
            data.pop("reason")
            entry = services.invoice_pay(by=by, budget=budget, **data)
        elif kind == EntryKind.RECOVERY:
            entry = services.recovery_post(by=by, budget=budget, **data)
        else:
            entry = services.entry_post(by=by, budget=budget, kind=kind, **data)
        messages.success(self.request, entry_done(budget, entry))
        return redirect(self.back_url())


class ReviewView(StaffOnly, BudgetMixin, ServiceFormView):
    """Record the review that is due: the direct payments' (SEN (Personal Budgets) Regulations
    2014 reg 11) or the council's own yearly review. A change of amount follows as its own
    step, a ledger adjustment."""

    form_class = ReviewForm
    template_name = "casework/case/step_form.html"
    submit_label = "Record the review"

    def kind(self) -> DeadlineKind | None:
        return services.review_kind_due(self.budget())

    def back_url(self) -> str:
        return budget_url(self.budget())

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        budget, kind = self.budget(), self.kind()
        if kind == DIRECT_PAYMENT_REVIEW:
            intro = (
                "The law (SEN (Personal Budgets) Regulations 2014, regulation 11) says we must "
                "review how the direct payments are made and used within 3 months of the first "
                "one, then at each review of the EHC plan."
            )
        else:
            intro = "Our own policy is to review each personal budget within 12 months."
        self.title = REVIEW_LABELS[kind.value] if kind else "Record a review"
        return super().get_context_data(
            caption=budget.child.full_name,
            intro=intro if kind else "",
            why_not="" if kind else "No review is due on this budget.",
            date_fields=("reviewed_on",),
            **kwargs,
        )

    def perform(self, form: forms.Form) -> HttpResponse:
        budget, kind = self.budget(), self.kind()
        if kind is None:
            raise TransitionNotAllowed("No review is due on this budget.")
        data = form.cleaned_data
        services.budget_review_record(
            by=acting_user(self.request),
            budget=budget,
            reviewed_on=data["reviewed_on"],
            direct_payments=kind == DIRECT_PAYMENT_REVIEW,
            outcome=data["outcome"],
            notes=data["notes"],
        )
        done = f"Review recorded on {data['reviewed_on']:%-d %B %Y}."
        next_review = (
            services.direct_payment_next_review(budget) if kind == DIRECT_PAYMENT_REVIEW else None
        )
        if next_review:
            done += (
                f" The direct payments are next reviewed with the EHC plan's review, due by "
                f"{next_review:%-d %B %Y}."
            )
        if data["outcome"] == BudgetReviewOutcome.CHANGE_AMOUNT:
            messages.success(self.request, f"{done} Now record the change of amount.")
            return redirect(reverse("budgets:entry", args=[budget.pk]))
        messages.success(self.request, done)
        return redirect(self.back_url())


class PanelQueueView(RoleRequiredMixin, TemplateView):
    template_name = "budgets/panel.html"
    roles = (Role.TEAM_MANAGER,)

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        queue = list(selectors.approval_queue(acting_user(self.request)))
        access_record_many(
            by=acting_user(self.request),
            reads=[(budget.child_id, "personalbudget", budget.pk) for budget in queue],
            via="page",
        )
        balances = selectors.balances_for(queue)
        return super().get_context_data(
            queue=[(budget, balances[budget.pk]) for budget in queue], **kwargs
        )


class StatementPageView(LoginRequiredMixin, BudgetMixin, TemplateView):
    """The budget statement, in plain English, for the family and the staff alike."""

    template_name = "budgets/statement.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        budget = self.budget()
        # Staff reads are logged; a family reading its own statement is not (see access_record).
        access_record(
            by=acting_user(self.request), child_id=budget.child_id, record=budget, via="page"
        )
        return super().get_context_data(statement=selectors.statement(budget), **kwargs)
