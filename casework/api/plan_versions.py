"""A plan's versions, each frozen when it was issued: `ehc-plans/{id}/versions/`, one version
with its sections, its PDF, and a comparison of two section by section.

Staff of the child's team, the family and the professionals who may read the plan see them;
to anyone else the plan does not exist. Staff and professionals' reads are in the access log."""

from __future__ import annotations

from typing import Any

from django.http import Http404, HttpResponse
from django.urls import path, reverse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_field,
    inline_serializer,
)
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from casework import plan_versions as versions
from casework import services
from casework.models import EHCPlan, PlanVersion
from workflows.acting import acting_user
from workflows.errors import InvalidParams
from workflows.exports import attach


class PlanVersionSerializer(serializers.ModelSerializer[PlanVersion]):
    pdf = serializers.SerializerMethodField(help_text="Where to download the version's PDF.")

    class Meta:
        model = PlanVersion
        fields = ["number", "kind", "issued_on", "issued_by", "pdf"]
        read_only_fields = fields

    def get_pdf(self, version: PlanVersion) -> str:
        url = reverse("plan-version-pdf", args=[version.plan_id, version.number])
        return str(self.context["request"].build_absolute_uri(url))


class SectionSerializer(serializers.Serializer[Any]):
    section = serializers.CharField(help_text="A to K, or `placement`.")
    title = serializers.CharField()
    text = serializers.CharField()


class PlanVersionDetailSerializer(PlanVersionSerializer):
    sections = serializers.SerializerMethodField()

    class Meta(PlanVersionSerializer.Meta):
        fields = [
            "number",
            "kind",
            "issued_on",
            "issued_by",
            "pdf",
            "requested_on",
            "draft_issued_on",
            "final_issued_on",
            "placement_name",
            "phase_transfer_on",
            "phase_transfer_setting",
            "sections",
            "created_at",
        ]
        read_only_fields = fields

    @extend_schema_field(SectionSerializer(many=True))
    def get_sections(self, version: PlanVersion) -> list[dict[str, str]]:
        return [vars(section) for section in versions.sections_of(version)]


COMPARISON = inline_serializer(
    "PlanVersionComparison",
    {
        "a": serializers.IntegerField(),
        "b": serializers.IntegerField(),
        "sections": inline_serializer(
            "PlanVersionDifference",
            {
                "section": serializers.CharField(),
                "title": serializers.CharField(),
                "a": serializers.CharField(),
                "b": serializers.CharField(),
                "changed": serializers.BooleanField(),
            },
            many=True,
        ),
    },
)


class PlanVersionsBase(APIView):
    def plan(self, request: Request, pk: int) -> EHCPlan:
        plan = versions.plan_readable(acting_user(request), pk)
        if plan is None:
            raise Http404
        return plan

    def version(self, plan: EHCPlan, number: int) -> PlanVersion:
        found = versions.versions_of(plan).filter(number=number).first()
        if found is None:
            raise Http404
        return found

    def log(self, request: Request, plan: EHCPlan, shown: list[PlanVersion]) -> None:
        services.access_record_many(
            by=acting_user(request),
            reads=[(plan.child_id, "planversion", version.pk) for version in shown]
            or [(plan.child_id, "ehcplan", plan.pk)],
            via="api",
        )


class PlanVersionListView(PlanVersionsBase):
    """Every version of the plan, oldest first: one for each draft and final issued."""

    @extend_schema(responses=PlanVersionSerializer(many=True))
    def get(self, request: Request, pk: int) -> Response:
        plan = self.plan(request, pk)
        shown = list(versions.versions_of(plan))
        self.log(request, plan, shown)
        context = {"request": request}
        return Response(PlanVersionSerializer(shown, many=True, context=context).data)


class PlanVersionDetailView(PlanVersionsBase):
    """One version as it was issued, with every section A–K and the placement."""

    @extend_schema(responses=PlanVersionDetailSerializer)
    def get(self, request: Request, pk: int, number: int) -> Response:
        plan = self.plan(request, pk)
        version = self.version(plan, number)
        self.log(request, plan, [version])
        return Response(PlanVersionDetailSerializer(version, context={"request": request}).data)


class PlanVersionPdfView(PlanVersionsBase):
    """The version as a tagged, accessible PDF (PDF/UA-1), as an attachment."""

    @extend_schema(
        operation_id="v1_ehc_plans_versions_pdf_retrieve",
        responses={(200, "application/pdf"): OpenApiResponse(OpenApiTypes.BINARY)},
    )
    def get(self, request: Request, pk: int, number: int) -> HttpResponse:
        plan = self.plan(request, pk)
        version = self.version(plan, number)
        self.log(request, plan, [version])
        return pdf_response(version)


def pdf_response(version: PlanVersion) -> HttpResponse:
    response = HttpResponse(versions.pdf_of(version), content_type="application/pdf")
    response["X-Content-Type-Options"] = "nosniff"
    return attach(response, versions.filename_of(version))


class PlanVersionCompareView(PlanVersionsBase):
    """Two versions section by section: every section A–K and the placement, each with both
    texts and whether it changed."""

    @extend_schema(
        parameters=[
            OpenApiParameter("a", OpenApiTypes.INT, required=True),
            OpenApiParameter("b", OpenApiTypes.INT, required=True),
        ],
        responses=COMPARISON,
    )
    def get(self, request: Request, pk: int) -> Response:
        plan = self.plan(request, pk)
        numbers = version_numbers(request.query_params)
        a, b = (self.version(plan, number) for number in numbers)
        self.log(request, plan, [a, b])
        return Response(
            {
                "a": a.number,
                "b": b.number,
                "sections": [
                    {
                        "section": difference.section,
                        "title": difference.title,
                        "a": difference.a,
                        "b": difference.b,
                        "changed": difference.changed,
                    }
                    for difference in versions.compare(a, b)
                ],
            }
        )


def version_numbers(params: Any) -> tuple[int, int]:
    problems: dict[str, list[str]] = {}
    numbers: dict[str, int] = {}
    for name in ("a", "b"):
        given = str(params.get(name, "")).strip()
        if not given:
            problems[name] = ["Say which version to compare."]
        elif not given.isdecimal() or not 1 <= int(given) <= 1_000_000:
            problems[name] = ["A version is a whole number from 1."]
        else:
            numbers[name] = int(given)
    if problems:
        raise InvalidParams(problems)
    return numbers["a"], numbers["b"]


urlpatterns = [
    path(
        "ehc-plans/<int:pk>/versions/",
        PlanVersionListView.as_view(),
        name="plan-version-list",
    ),
    path(
        "ehc-plans/<int:pk>/versions/compare/",
        PlanVersionCompareView.as_view(),
        name="plan-version-compare",
    ),
    path(
        "ehc-plans/<int:pk>/versions/<int:number>/",
        PlanVersionDetailView.as_view(),
        name="plan-version-detail",
    ),
    path(
        "ehc-plans/<int:pk>/versions/<int:number>.pdf",
        PlanVersionPdfView.as_view(),
        name="plan-version-pdf",
    ),
]
