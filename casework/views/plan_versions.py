"""A plan's versions as pages (DESIGN §11): the list of every draft and final issued, each PDF,
and two versions side by side, for staff of the child's team, the family and the professionals
who may read the plan. Anyone else is told the plan does not exist."""

from __future__ import annotations

from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from django.urls import path, reverse
from django.views import View
from django.views.generic import TemplateView

from accounts.roles import Role
from casework import plan_versions as versions
from casework import selectors, services
from casework.models import EHCPlan, PlanVersion
from casework.views import RoleRequiredMixin
from workflows.acting import acting_user
from workflows.exports import attach

READERS = (Role.PRACTITIONER, Role.FAMILY, Role.PROFESSIONAL)


class PlanVersionsMixin(RoleRequiredMixin):
    roles = READERS
    request: HttpRequest
    kwargs: dict[str, Any]

    def plan(self) -> EHCPlan:
        if not hasattr(self, "_plan"):
            found = versions.plan_readable(acting_user(self.request), self.kwargs["pk"])
            if found is None:
                raise Http404
            self._plan = found
        return self._plan

    def log(self, shown: list[PlanVersion]) -> None:
        plan = self.plan()
        services.access_record_many(
            by=acting_user(self.request),
            reads=[(plan.child_id, "planversion", version.pk) for version in shown]
            or [(plan.child_id, "ehcplan", plan.pk)],
            via="page",
        )

    def compare_fields(self, shown: list[PlanVersion], a: int | None, b: int | None) -> Any:
        """The two choices of the comparison form, set to the pair shown (the last two at
        first)."""
        last_two = [version.number for version in shown[-2:]]
        first, second = last_two if len(last_two) == 2 else (None, None)
        return [
            ("a", "First version", a if a is not None else first),
            ("b", "Second version", b if b is not None else second),
        ]

    def back_url(self) -> str:
        """Back to where the reader came from: the case page, My child, or the professional's
        page of the child."""
        user = acting_user(self.request)
        plan = self.plan()
        if selectors.is_staff_member(user):
            case = plan.case or (
                selectors.cases_visible_to(user)
                .filter(child=plan.child_id)
                .order_by("-pk")
                .first()
            )
            return (
                reverse("casework:case", args=[case.pk]) if case else reverse("casework:caseload")
            )
        if user.has_role(Role.FAMILY):
            return reverse("casework:my-child")
        return reverse("casework:professional-child", args=[plan.child_id])


class PlanVersionsView(PlanVersionsMixin, TemplateView):
    template_name = "casework/plan/versions.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        shown = list(versions.versions_of(self.plan()))
        self.log(shown)
        return super().get_context_data(
            plan=self.plan(),
            child=self.plan().child,
            versions=shown,
            compare_fields=self.compare_fields(shown, None, None),
            field_errors={},
            back_url=self.back_url(),
            **kwargs,
        )


class PlanVersionCompareView(PlanVersionsMixin, TemplateView):
    """Two versions side by side, section by section; without a choice, the last two. Each
    half stacks below the other on a narrow screen."""

    template_name = "casework/plan/versions_compare.html"

    def chosen(self, shown: list[PlanVersion]) -> tuple[dict[str, str], list[int]]:
        numbers = {version.number for version in shown}
        given = {name: self.request.GET.get(name, "").strip() for name in ("a", "b")}
        if not any(given.values()):
            return {}, [version.number for version in shown[-2:]]
        errors: dict[str, str] = {}
        chosen: list[int] = []
        for name, label in (("a", "first"), ("b", "second")):
            value = given[name]
            if not value.isdecimal() or int(value) not in numbers:
                errors[name] = f"Choose the {label} version to compare."
            else:
                chosen.append(int(value))
        return errors, chosen

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        shown = list(versions.versions_of(self.plan()))
        errors, chosen = self.chosen(shown)
        by_number = {version.number: version for version in shown}
        pair = [by_number[number] for number in chosen] if not errors else []
        if len(pair) != 2:
            pair = []
        self.log(pair)
        context = self.get_context_data(
            plan=self.plan(),
            child=self.plan().child,
            versions=shown,
            errors=[{"text": text, "href": f"#{name}"} for name, text in errors.items()],
            field_errors=errors,
            a=pair[0] if pair else None,
            b=pair[1] if pair else None,
            differences=versions.compare(*pair) if pair else [],
            compare_fields=self.compare_fields(
                shown, pair[0].number if pair else None, pair[1].number if pair else None
            ),
            back_url=reverse("casework:plan-versions", args=[self.plan().pk]),
        )
        return self.render_to_response(context, status=400 if errors else 200)


class PlanVersionPdfView(PlanVersionsMixin, View):
    """The version's PDF, as an attachment (never shown in the page)."""

    def get(self, request: HttpRequest, pk: int, number: int) -> HttpResponse:
        version = versions.versions_of(self.plan()).filter(number=number).first()
        if version is None:
            raise Http404
        self.log([version])
        response = HttpResponse(versions.pdf_of(version), content_type="application/pdf")
        response["X-Content-Type-Options"] = "nosniff"
        return attach(response, versions.filename_of(version))


urlpatterns = [
    path("plans/<int:pk>/versions/", PlanVersionsView.as_view(), name="plan-versions"),
    path(
        "plans/<int:pk>/versions/compare/",
        PlanVersionCompareView.as_view(),
        name="plan-versions-compare",
    ),
    path(
        "plans/<int:pk>/versions/<int:number>.pdf",
        PlanVersionPdfView.as_view(),
        name="plan-version-pdf",
    ),
]
