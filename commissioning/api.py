"""Commissioning API: the plan, targets, actions, metrics, feedback and the uptake report."""

from __future__ import annotations

from decimal import Decimal
from typing import Any, cast

from django.db.models import Prefetch, QuerySet
from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from django.urls import path
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.negotiation import DefaultContentNegotiation
from rest_framework.renderers import BaseRenderer, JSONRenderer
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.routers import DefaultRouter
from rest_framework.views import APIView

from accounts.models import User
from accounts.roles import Role
from casework.selectors import children_visible_to
from commissioning import exports, selectors, services
from commissioning.metrics.catalogue import METRICS, Breakdown
from commissioning.models import (
    Action,
    ActionStatus,
    ActionStep,
    Direction,
    ImplementationPlan,
    Measure,
    Outcome,
    Target,
    Theme,
)
from commissioning.reports import report_data, report_params
from workflows.acting import acting_user
from workflows.api import BoundedDateField, ModelSerializer, StrictCharField
from workflows.errors import NotPermitted
from workflows.exports import attach


def require_reader(user: User) -> None:
    if not selectors.can_read_plans(user):
        raise NotPermitted("The plan and its reports are for commissioners and council staff.")


COMMISSIONER = (Role.COMMISSIONER,)


class MeasureSerializer(ModelSerializer[Measure]):
    class Meta:
        model = Measure
        fields = ["id", "position", "text", "metric"]


class OutcomeSerializer(ModelSerializer[Outcome]):
    measures = MeasureSerializer(many=True, read_only=True)

    class Meta:
        model = Outcome
        fields = ["id", "position", "text", "measures"]


class StepSerializer(ModelSerializer[ActionStep]):
    class Meta:
        model = ActionStep
        fields = ["letter", "text", "due_text", "evidence"]


class ActionSerializer(ModelSerializer[Action]):
    steps = StepSerializer(many=True, read_only=True)
    theme_title = serializers.CharField(source="theme.title", read_only=True)
    status_label = serializers.CharField(source="get_status_display", read_only=True)

    class Meta:
        model = Action
        fields = [
            "id",
            "number",
            "theme",
            "theme_title",
            "text",
            "lead",
            "due_text",
            "due_on",
            "evidence",
            "status",
            "status_label",
            "status_changed_on",
            "steps",
        ]
        read_only_fields = fields


class ThemeSerializer(ModelSerializer[Theme]):
    outcomes = OutcomeSerializer(many=True, read_only=True)
    actions = ActionSerializer(many=True, read_only=True)

    class Meta:
        model = Theme
        fields = ["id", "position", "title", "outcomes", "actions"]


class PlanSerializer(ModelSerializer[ImplementationPlan]):
    class Meta:
        model = ImplementationPlan
        fields = ["id", "slug", "title", "owner", "start_on", "end_on", "source"]


class PlanDetailSerializer(PlanSerializer):
    themes = ThemeSerializer(many=True, read_only=True)

    class Meta(PlanSerializer.Meta):
        fields = [*PlanSerializer.Meta.fields, "themes"]


class PlanViewSet(viewsets.ReadOnlyModelViewSet[ImplementationPlan]):
    """The implementation plan: themes, outcomes, measures and actions, as written."""

    queryset = ImplementationPlan.objects.none()

    def get_serializer_class(self) -> type[serializers.BaseSerializer[ImplementationPlan]]:
        return PlanDetailSerializer if self.action == "retrieve" else PlanSerializer

    def get_queryset(self) -> QuerySet[ImplementationPlan]:
        require_reader(acting_user(self.request))
        plans = selectors.plans_visible_to(acting_user(self.request)).order_by("pk")
        if self.action == "retrieve":
            plans = plans.prefetch_related(
                "themes__outcomes__measures",
                Prefetch("themes__actions", queryset=Action.objects.select_related("theme")),
                "themes__actions__steps",
            )
        return plans


class TargetSerializer(ModelSerializer[Target]):
    value = serializers.DecimalField(max_digits=12, decimal_places=2, min_value=Decimal(0))
    baseline = serializers.DecimalField(
        max_digits=12, decimal_places=2, min_value=Decimal(0), required=False, allow_null=True
    )
    direction = serializers.ChoiceField(choices=Direction.choices, default=Direction.AT_LEAST)
    measure = serializers.PrimaryKeyRelatedField(queryset=Measure.objects.all())

    class Meta:
        model = Target
        fields = ["id", "measure", "period", "value", "direction", "baseline", "illustrative"]
        read_only_fields = ["id", "illustrative"]
        validators: list[Any] = []  # one per measure and period: setting it again replaces it


class TargetViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet[Target],
):
    """Targets per measure and financial year. Commissioners set them; staff read them."""

    serializer_class = TargetSerializer
    write_roles = {"create": COMMISSIONER, "partial_update": COMMISSIONER}
    queryset = Target.objects.none()
    filterset_fields = ["measure", "period", "measure__outcome__theme__plan"]
    http_method_names = ["get", "post", "patch", "head", "options"]

    def get_queryset(self) -> QuerySet[Target]:
        require_reader(acting_user(self.request))
        return selectors.targets_visible_to(acting_user(self.request)).order_by("pk")

    def perform_create(self, serializer: serializers.BaseSerializer[Target]) -> None:
        data = serializer.validated_data  # type: ignore[attr-defined]
        serializer.instance = services.target_set(
            by=acting_user(self.request),
            measure=data["measure"],
            period=data["period"],
            value=data["value"],
            direction=data.get("direction", Direction.AT_LEAST),
            baseline=data.get("baseline"),
        )

    def perform_update(self, serializer: serializers.BaseSerializer[Target]) -> None:
        data = serializer.validated_data  # type: ignore[attr-defined]
        current = cast(Target, serializer.instance)
        serializer.instance = services.target_set(
            by=acting_user(self.request),
            measure=current.measure,
            period=current.period,
            value=data.get("value", current.value),
            direction=data.get("direction", current.direction),
            baseline=data.get("baseline", current.baseline),
        )


class ProgressSerializer(serializers.Serializer[Any]):
    status = serializers.ChoiceField(choices=ActionStatus.choices)
    note = StrictCharField(max_length=5000)
    on = BoundedDateField(required=False)


class ActionViewSet(viewsets.ReadOnlyModelViewSet[Action]):
    """The action tracker. Commissioners record progress with `POST actions/{id}/progress/`."""

    serializer_class = ActionSerializer
    write_roles = {"progress": COMMISSIONER}
    queryset = Action.objects.none()
    filterset_fields = ["status", "theme__plan"]

    def get_queryset(self) -> QuerySet[Action]:
        require_reader(acting_user(self.request))
        return (
            selectors.actions_visible_to(acting_user(self.request))
            .select_related("theme")
            .prefetch_related("steps")
            .order_by("number", "pk")
        )

    @extend_schema(request=ProgressSerializer, responses={200: ActionSerializer})
    @action(detail=True, methods=["post"])
    def progress(self, request: Request, pk: str | None = None) -> Response:
        tracked = self.get_object()
        form = ProgressSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        services.action_update(
            by=acting_user(request),
            action=tracked,
            status=form.validated_data["status"],
            note=form.validated_data["note"],
            on=form.validated_data.get("on"),
        )
        return Response(ActionSerializer(self.get_queryset().get(pk=tracked.pk)).data)


class FeedbackSerializer(serializers.Serializer[Any]):
    child = serializers.IntegerField()
    rating = serializers.IntegerField(min_value=1, max_value=5)
    comment = StrictCharField(max_length=5000, required=False, allow_blank=True)


class FeedbackView(APIView):
    """A family's rating of their child's support, 1 to 5: it feeds family_satisfaction_pct."""

    write_roles = {"post": (Role.FAMILY,)}

    @extend_schema(request=FeedbackSerializer, responses={201: FeedbackSerializer})
    def post(self, request: Request) -> Response:
        form = FeedbackSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        child = get_object_or_404(
            children_visible_to(acting_user(request)), pk=form.validated_data["child"]
        )
        services.feedback_give(
            by=acting_user(request),
            child=child,
            rating=form.validated_data["rating"],
            comment=form.validated_data.get("comment", ""),
        )
        return Response(form.validated_data, status=status.HTTP_201_CREATED)


class MetricsView(APIView):
    """The metrics Pathway computes from its records, with their definitions (DESIGN §7)."""

    @extend_schema(
        responses=inline_serializer(
            "Metric",
            {
                "key": serializers.CharField(),
                "label": serializers.CharField(),
                "unit": serializers.CharField(),
                "definition": serializers.CharField(),
                "breakdowns": serializers.ListField(child=serializers.CharField()),
            },
            many=True,
        )
    )
    def get(self, request: Request) -> Response:
        require_reader(acting_user(request))
        return Response(
            [
                {
                    "key": found.key,
                    "label": found.label,
                    "unit": found.unit.value,
                    "definition": found.definition,
                    "breakdowns": [b.value for b in found.breakdowns],
                }
                for found in METRICS.values()
            ]
        )


# --- the uptake report ---------------------------------------------------------------------------


class PassThroughRenderer(BaseRenderer):
    """Lets `?format=csv|xlsx` through content negotiation; the view writes the file itself."""

    def render(
        self, data: Any, accepted_media_type: Any = None, renderer_context: Any = None
    ) -> Any:
        return data


class CSVRenderer(PassThroughRenderer):
    media_type = "text/csv"
    format = "csv"


class XLSXRenderer(PassThroughRenderer):
    media_type = exports.XLSX_TYPE
    format = "xlsx"
    charset = None


class ReportNegotiation(DefaultContentNegotiation):
    """An unknown `format` is a bad parameter (400), not a missing page (404)."""

    def select_renderer(self, request: Request, renderers: Any, format_suffix: Any = None) -> Any:
        wanted = request.query_params.get("format")
        if wanted and wanted not in ("json", "csv", "xlsx"):
            renderers = [renderer for renderer in renderers if renderer.format == "json"]
            return renderers[0], renderers[0].media_type
        return super().select_renderer(request, renderers, format_suffix)


REPORT_PARAMETERS = [
    OpenApiParameter("plan", OpenApiTypes.INT, required=True, description="The plan's id"),
    OpenApiParameter("period", OpenApiTypes.STR, required=True, description="Like 2026-27"),
    OpenApiParameter("granularity", OpenApiTypes.STR, enum=list(selectors.GRANULARITIES)),
    OpenApiParameter("breakdown", OpenApiTypes.STR, enum=[b.value for b in Breakdown]),
    OpenApiParameter("format", OpenApiTypes.STR, enum=["json", "csv", "xlsx"]),
]


class UptakeReportView(APIView):
    """Per measure of the plan: actual, target, variance, RAG, trend and national figure; and
    the action tracker. Commissioners get every team with small numbers suppressed; staff get
    their own teams' figures as they are."""

    renderer_classes = [JSONRenderer, CSVRenderer, XLSXRenderer]
    content_negotiation_class = ReportNegotiation

    @extend_schema(
        parameters=REPORT_PARAMETERS,
        responses={
            (200, "application/json"): OpenApiTypes.OBJECT,
            (200, "text/csv"): OpenApiTypes.STR,
            (200, exports.XLSX_TYPE): OpenApiTypes.BINARY,
        },
    )
    def get(self, request: Request) -> Response | HttpResponse:
        user = acting_user(request)
        require_reader(user)
        params = report_params(request.query_params, user)
        report = selectors.uptake_report(user, **params)
        data = report_data(report)
        wanted = request.query_params.get("format", "json")
        if wanted == "csv":
            return download(exports.to_csv(data), "text/csv; charset=utf-8", report, "csv")
        if wanted == "xlsx":
            return download(exports.to_xlsx(data), exports.XLSX_TYPE, report, "xlsx")
        return Response(data)


def download(body: str | bytes, content_type: str, report: Any, extension: str) -> HttpResponse:
    name = f"uptake-{report.plan.slug}-{report.period}-{report.granularity}.{extension}"
    return attach(HttpResponse(body, content_type=content_type), name)


router = DefaultRouter()
router.register("commissioning/plans", PlanViewSet, basename="plan")
router.register("commissioning/targets", TargetViewSet, basename="target")
router.register("commissioning/actions", ActionViewSet, basename="action")

urls = [
    *router.urls,
    path("commissioning/reports/uptake/", UptakeReportView.as_view(), name="uptake-report"),
    path("commissioning/metrics/", MetricsView.as_view(), name="metrics"),
    path("commissioning/feedback/", FeedbackView.as_view(), name="feedback"),
]
