"""A plan's disputes (mediation, appeals, the Tribunal's decisions and the council's
concessions), and the steps an order requires: `ehc-plans/{id}/disputes/`,
`tribunal-order-steps/{id}/done/`."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from accounts.roles import Role
from casework import selectors
from casework.api.access import nested_read
from casework.deadlines.disputes import TRIBUNAL_ORDER
from casework.dispute_reads import step_deadlines
from casework.models import Dispute, DisputeKind, EHCPlan, TribunalOrder, TribunalOrderStep
from casework.services.disputes import dispute_record, order_step_done
from workflows.acting import acting_user
from workflows.api import BoundedDateField, ModelSerializer, StrictCharField
from workflows.models import Deadline


class OrderStepSerializer(ModelSerializer[TribunalOrderStep]):
    kind = serializers.SerializerMethodField()
    due_on = serializers.SerializerMethodField()
    deadline_status = serializers.SerializerMethodField()

    class Meta:
        model = TribunalOrderStep
        fields = ["id", "step", "label", "weeks", "kind", "due_on", "deadline_status"]

    def _deadline(self, step: TribunalOrderStep) -> Deadline | None:
        found: dict[int, Deadline] = self.context.get("deadlines", {})
        return found.get(step.pk)

    def get_kind(self, step: TribunalOrderStep) -> str:
        return TRIBUNAL_ORDER.value

    def get_due_on(self, step: TribunalOrderStep) -> str | None:
        deadline = self._deadline(step)
        return deadline.due_on.isoformat() if deadline else None

    def get_deadline_status(self, step: TribunalOrderStep) -> str | None:
        deadline = self._deadline(step)
        return deadline.status if deadline else None


class DisputeSerializer(ModelSerializer[Dispute]):
    order = serializers.ChoiceField(choices=TribunalOrder.choices, allow_null=True)
    steps = OrderStepSerializer(many=True, read_only=True)

    class Meta:
        model = Dispute
        fields = ["id", "plan", "kind", "on", "order", "about", "notes", "recorded_by"]
        fields += ["created_at", "steps"]
        read_only_fields = fields

    def to_representation(self, instance: Dispute) -> dict[str, Any]:
        data = super().to_representation(instance)
        data["order"] = instance.order or None
        return data


class DisputeRequestSerializer(serializers.Serializer[Any]):
    kind = serializers.ChoiceField(choices=DisputeKind.choices)
    on = BoundedDateField()
    order = serializers.ChoiceField(
        choices=TribunalOrder.choices, allow_null=True, allow_blank=True, required=False
    )
    notes = StrictCharField(required=False, allow_blank=True, max_length=20_000)


class PlanDisputeViewSet(
    mixins.ListModelMixin, mixins.CreateModelMixin, viewsets.GenericViewSet[Dispute]
):
    serializer_class = DisputeSerializer
    write_roles = {"create": (Role.TEAM_MANAGER,)}
    queryset = Dispute.objects.none()
    pagination_class = None

    def plan(self) -> EHCPlan:
        return get_object_or_404(
            selectors.plans_visible_to(acting_user(self.request)), pk=self.kwargs["pk"]
        )

    def get_queryset(self) -> QuerySet[Dispute]:
        return self.plan().disputes.prefetch_related("steps").order_by("on", "pk")

    def get_serializer_context(self) -> dict[str, Any]:
        context = super().get_serializer_context()
        if getattr(self, "kwargs", {}).get("pk") is not None:
            steps = list(TribunalOrderStep.objects.filter(dispute__plan_id=self.kwargs["pk"]))
            context["deadlines"] = step_deadlines(steps)
        return context

    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        plan = self.plan()
        nested_read(request, plan)
        return super().list(request, *args, **kwargs)

    @extend_schema(request=DisputeRequestSerializer, responses={201: DisputeSerializer})
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        plan = self.plan()
        given = DisputeRequestSerializer(data=request.data)
        given.is_valid(raise_exception=True)
        data = given.validated_data
        dispute = dispute_record(
            by=acting_user(request),
            plan=plan,
            kind=data["kind"],
            on=data["on"],
            order=data.get("order"),
            notes=data.get("notes", ""),
        )
        body = DisputeSerializer(dispute, context=self.get_serializer_context()).data
        return Response(body, status=status.HTTP_201_CREATED)


class StepDoneSerializer(serializers.Serializer[Any]):
    on = BoundedDateField()


class TribunalOrderStepViewSet(viewsets.GenericViewSet[TribunalOrderStep]):
    serializer_class = OrderStepSerializer
    write_roles = {"done": (Role.TEAM_MANAGER,)}
    queryset = TribunalOrderStep.objects.none()

    def get_queryset(self) -> QuerySet[TribunalOrderStep]:
        plans = selectors.plans_visible_to(acting_user(self.request))
        return TribunalOrderStep.objects.filter(dispute__plan__in=plans).select_related(
            "dispute__plan"
        )

    @extend_schema(request=StepDoneSerializer, responses=OrderStepSerializer)
    @action(detail=True, methods=["post"])
    def done(self, request: Request, pk: str | None = None) -> Response:
        step = self.get_object()
        given = StepDoneSerializer(data=request.data)
        given.is_valid(raise_exception=True)
        order_step_done(by=acting_user(request), step=step, on=given.validated_data["on"])
        context = {"deadlines": step_deadlines([step])}
        return Response(OrderStepSerializer(step, context=context).data)
