"""Commissioning pages: the uptake report, the plan and its action tracker, targets, feedback."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.views.generic import TemplateView

from accounts.models import User
from accounts.roles import Role
from budgets import periods
from casework.selectors import children_visible_to
from commissioning import charts, selectors, services
from commissioning.forms import ActionForm, FeedbackForm, TargetForm
from commissioning.metrics.catalogue import BREAKDOWN_LABELS, Breakdown
from commissioning.models import Action, Direction, ImplementationPlan, Measure
from commissioning.reports import report_data, report_params
from workflows import clock
from workflows.acting import acting_user
from workflows.errors import InvalidParams
from workflows.views import ServiceFormView


class PlanReaderMixin(LoginRequiredMixin):
    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if request.user.is_authenticated and not selectors.can_read_plans(acting_user(request)):
            raise PermissionDenied("The plan and its reports are for commissioners and staff.")
        return super().dispatch(request, *args, **kwargs)  # type: ignore[misc, no-any-return]


class CommissionerMixin(LoginRequiredMixin):
    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if request.user.is_authenticated and not selectors.can_edit_plans(acting_user(request)):
            raise PermissionDenied("Only commissioners can change the plan.")
        return super().dispatch(request, *args, **kwargs)  # type: ignore[misc, no-any-return]


def default_plan(user: User) -> ImplementationPlan | None:
    return selectors.plans_visible_to(user).order_by("-start_on", "pk").first()


class ReportView(PlanReaderMixin, TemplateView):
    """The uptake report: headline figures, a table and chart per measure, the action tracker."""

    template_name = "commissioning/report.html"

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        user = acting_user(request)
        plan = default_plan(user)
        if plan is None:
            return self.render_to_response({"plan": None})
        query = request.GET.copy()
        query.setdefault("plan", str(plan.pk))
        query.setdefault("period", periods.label(periods.start_of(clock.today())))
        query.setdefault("granularity", "quarter")
        try:
            params = report_params(query, user)
        except InvalidParams as error:
            context = {
                "plan": plan,
                "errors": [
                    {"text": message, "href": f"#{field}"}
                    for field, texts in error.fields.items()
                    for message in texts
                ],
                "query": query,
                **self.choices(),
            }
            return self.render_to_response(context, status=400)
        report = selectors.uptake_report(user, **params)
        data = report_data(report)
        measures = []
        for section in data["themes"]:
            for measure in section["measures"]:
                target = measure["target"]
                points = [(p["period"], _chart_value(p["value"])) for p in measure["trend"]]
                if measure["metric"]:
                    title, scale = charts.axis(measure["metric"])
                    measure["chart"] = charts.trend_chart(
                        points,
                        axis_title=title,
                        scale=scale,
                        target=Decimal(target["value"]) if target else None,
                    )
                    measure["axis_title"] = title
                measures.append(measure)
        export_query = query.copy()
        context = {
            "plan": plan,
            "report": data,
            "headlines": _headlines(data),
            "query": query,
            "csv_query": _with(export_query, "csv"),
            "xlsx_query": _with(export_query, "xlsx"),
            "can_edit": selectors.can_edit_plans(user),
            "chart_width": charts.WIDTH_PX,
            "chart_height": charts.HEIGHT_PX,
            "breakdown_label": BREAKDOWN_LABELS[report.breakdown] if report.breakdown else "",
            **self.choices(),
        }
        return self.render_to_response(context)

    def choices(self) -> dict[str, Any]:
        this_year = periods.start_of(clock.today())
        years = [periods.label(this_year.replace(year=this_year.year - back)) for back in range(5)]
        return {
            "period_choices": years,
            "granularity_choices": [("quarter", "Quarter"), ("month", "Month"), ("year", "Year")],
            "breakdown_choices": [
                ("", "None"),
                *((b.value, BREAKDOWN_LABELS[b]) for b in Breakdown),
            ],
        }


def _chart_value(value: Any) -> Any:
    if isinstance(value, str) and value != "c":
        return Decimal(value)
    return value


def _with(query: Any, fmt: str) -> str:
    query = query.copy()
    query["format"] = fmt
    return str(query.urlencode())


def _headlines(data: dict[str, Any]) -> list[dict[str, Any]]:
    """One tile per computed figure of the plan, each once."""
    seen: set[str] = set()
    tiles = []
    for section in data["themes"]:
        for measure in section["measures"]:
            if measure["metric"] and measure["metric"] not in seen:
                seen.add(measure["metric"])
                tiles.append(measure)
    return tiles


class PlanView(PlanReaderMixin, TemplateView):
    """The plan as written, with the action tracker: overdue actions first."""

    template_name = "commissioning/plan.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        user = acting_user(self.request)
        plan = get_object_or_404(selectors.plans_visible_to(user), pk=self.kwargs["pk"])
        period = periods.label(periods.start_of(clock.today()))
        themes = plan.themes.prefetch_related("outcomes__measures__targets").order_by("position")
        return super().get_context_data(
            plan=plan,
            themes=themes,
            period=period,
            tracker=selectors.action_tracker(plan),
            can_edit=selectors.can_edit_plans(user),
            **kwargs,
        )


class ActionUpdateView(CommissionerMixin, ServiceFormView):
    form_class = ActionForm
    submit_label = "Save progress"

    def action(self) -> Action:
        return get_object_or_404(
            selectors.actions_visible_to(acting_user(self.request)).select_related("theme"),
            pk=self.kwargs["pk"],
        )

    @property
    def title(self) -> str:  # type: ignore[override]
        return f"Update action {self.action().number}"

    def get_initial(self) -> dict[str, Any]:
        return {"status": self.action().status}

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        return super().get_context_data(
            caption=self.action().theme.title, intro=self.action().text, **kwargs
        )

    def back_url(self) -> str:
        return reverse("commissioning:plan", args=[self.action().theme.plan_id])

    def perform(self, form: forms.Form) -> HttpResponse:
        action = self.action()
        services.action_update(
            by=acting_user(self.request),
            action=action,
            status=form.cleaned_data["status"],
            note=form.cleaned_data["note"],
            on=form.cleaned_data["on"],
        )
        messages.success(self.request, f"Action {action.number} updated.")
        return redirect(self.back_url())


class TargetView(CommissionerMixin, ServiceFormView):
    form_class = TargetForm
    submit_label = "Save the target"

    def measure(self) -> Measure:
        return get_object_or_404(
            Measure.objects.filter(
                outcome__theme__plan__in=selectors.plans_visible_to(acting_user(self.request))
            ).select_related("outcome__theme"),
            pk=self.kwargs["pk"],
            metric__gt="",
        )

    def period(self) -> str:
        period = str(self.kwargs["period"])
        try:
            periods.parse(period)
        except ValueError:
            raise PermissionDenied("Not a financial year.") from None
        return period

    @property
    def title(self) -> str:  # type: ignore[override]
        return f"Target for {self.period()}"

    def get_initial(self) -> dict[str, Any]:
        target = self.measure().targets.filter(period=self.period()).first()
        if target is None:
            return {"direction": Direction.AT_LEAST}
        return {"value": target.value, "direction": target.direction, "baseline": target.baseline}

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        return super().get_context_data(
            caption=self.measure().outcome.theme.title, intro=self.measure().text, **kwargs
        )

    def back_url(self) -> str:
        return reverse("commissioning:plan", args=[self.measure().outcome.theme.plan_id])

    def perform(self, form: forms.Form) -> HttpResponse:
        services.target_set(
            by=acting_user(self.request),
            measure=self.measure(),
            period=self.period(),
            value=form.cleaned_data["value"],
            direction=form.cleaned_data["direction"],
            baseline=form.cleaned_data["baseline"],
        )
        messages.success(self.request, f"Target for {self.period()} saved.")
        return redirect(self.back_url())


class FeedbackView(ServiceFormView):
    form_class = FeedbackForm
    title = "Tell us how we are doing"
    submit_label = "Send feedback"

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if request.user.is_authenticated and not acting_user(request).has_role(Role.FAMILY):
            raise PermissionDenied("Feedback is for families.")
        return super().dispatch(request, *args, **kwargs)

    def children(self) -> list[tuple[int, str]]:
        visible = children_visible_to(acting_user(self.request)).order_by("given_name")
        return [(child.pk, child.full_name) for child in visible]

    def get_form_kwargs(self) -> dict[str, Any]:
        return {**super().get_form_kwargs(), "children": self.children()}

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        return super().get_context_data(
            intro="Your answer helps the council see whether its support is working. "
            "It is counted with everyone else's; staff working with your family see your "
            "comments.",
            **kwargs,
        )

    def back_url(self) -> str:
        return reverse("casework:my-child")

    def perform(self, form: forms.Form) -> HttpResponse:
        child = get_object_or_404(
            children_visible_to(acting_user(self.request)), pk=form.cleaned_data["child"]
        )
        services.feedback_give(
            by=acting_user(self.request),
            child=child,
            rating=form.cleaned_data["rating"],
            comment=form.cleaned_data["comment"],
        )
        messages.success(self.request, "Thank you: your feedback has been sent.")
        return redirect(self.back_url())
