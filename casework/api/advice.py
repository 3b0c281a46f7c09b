"""Advice requests, transfers between councils and re-assessments of a plan: staff records.

Each is listed and created under its plan (`ehc-plans/{id}/advice-requests/`, `.../transfers/`,
`.../reassessments/`) and read, and taken on a step, on its own (`advice-requests/{id}/submit/`,
`transfers/{id}/notice-given/` and `/sent/`, `reassessments/{id}/decide/` and `/final-issued/`).

The adviser answers their own request with the same `submit`: a JSON body for text alone, or
multipart/form-data with the files as repeated `documents` parts, in one request, so the advice
and its documents are kept together or not at all. Each request lists its documents with the
link that downloads them.
"""

from __future__ import annotations

from typing import Any, ClassVar

from django.db.models import Q, QuerySet
from django.shortcuts import get_object_or_404
from django.urls import reverse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import mixins, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.parsers import MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response

from accounts.models import User
from accounts.roles import STAFF_ROLES, Role
from casework import selectors
from casework.api.access import (
    AccessLoggedListMixin,
    AccessLoggedRetrieveMixin,
    ScopedRelationsMixin,
)
from casework.models import Document, EHCPlan
from casework.models.advice import AdviceRequest, Reassessment, Transfer
from casework.services import advice as services
from workflows.acting import acting_user
from workflows.api import BoundedDateField, ModelSerializer, StrictCharField
from workflows.parsers import StrictJSONParser


def _advisers(user: User) -> QuerySet[User]:
    """Whom staff may ask: their team colleagues and any professional (`advice_request`)."""
    if not user.is_authenticated:
        return User.objects.none()
    colleague = Q(teams__in=user.teams.all())
    professional = Q(groups__name=Role.PROFESSIONAL, is_active=True)
    return User.objects.filter(colleague | professional).distinct()


class DocumentSerializer(ModelSerializer[Document]):
    download = serializers.SerializerMethodField()

    class Meta:
        model = Document
        fields = ["id", "title", "kind", "content_type", "size", "created_at", "download"]
        read_only_fields = fields

    def get_download(self, document: Document) -> str:
        return reverse("casework:advice-document", args=[document.pk])


class AdviceRequestSerializer(ScopedRelationsMixin, ModelSerializer[AdviceRequest]):
    scoped_relations = {"adviser": _advisers}
    adviser = serializers.PrimaryKeyRelatedField(
        queryset=User.objects.none(), allow_null=True, required=False
    )
    due_on = serializers.DateField(read_only=True)
    agency = serializers.CharField(read_only=True)
    documents = DocumentSerializer(many=True, read_only=True)

    class Meta:
        model = AdviceRequest
        fields = [
            "id",
            "plan",
            "status",
            "kind",
            "agency",
            "adviser",
            "adviser_email",
            "requested_on",
            "due_on",
            "advice",
            "received_on",
            "late_reason",
            "documents",
            "recorded_by",
            "created_at",
        ]
        read_only_fields = [
            "id",
            "plan",
            "status",
            "advice",
            "received_on",
            "late_reason",
            "recorded_by",
        ]


class TransferSerializer(ModelSerializer[Transfer]):
    transferred_on = serializers.DateField(read_only=True)
    due_on = serializers.DateField(read_only=True, allow_null=True)

    class Meta:
        model = Transfer
        fields = [
            "id",
            "plan",
            "status",
            "direction",
            "other_council",
            "moved_on",
            "notice_received_on",
            "transferred_on",
            "due_on",
            "notice_given_on",
            "sent_on",
            "recorded_by",
            "created_at",
        ]
        read_only_fields = ["id", "plan", "status", "notice_given_on", "sent_on", "recorded_by"]


class ReassessmentSerializer(ModelSerializer[Reassessment]):
    class Meta:
        model = Reassessment
        fields = [
            "id",
            "plan",
            "status",
            "requested_on",
            "decided_on",
            "reason",
            "final_issued_on",
            "recorded_by",
            "created_at",
        ]
        read_only_fields = [
            "id",
            "plan",
            "status",
            "decided_on",
            "reason",
            "final_issued_on",
            "recorded_by",
        ]


class SubmitSerializer(serializers.Serializer[Any]):
    """JSON with the advice alone, or multipart/form-data with `documents` (files, repeated)."""

    advice = StrictCharField(max_length=50_000)
    received_on = BoundedDateField(required=False)
    late_reason = StrictCharField(max_length=5_000, required=False, allow_blank=True, default="")
    documents = serializers.ListField(
        child=serializers.FileField(allow_empty_file=True), required=False, default=list
    )


class NoticeGivenSerializer(serializers.Serializer[Any]):
    given_on = BoundedDateField()


class SentSerializer(serializers.Serializer[Any]):
    sent_on = BoundedDateField()


class DecideSerializer(serializers.Serializer[Any]):
    decision = serializers.ChoiceField(choices=["reassess", "refuse"])
    decided_on = BoundedDateField()
    reason = StrictCharField(max_length=20_000, required=False, allow_blank=True, default="")


class FinalIssuedSerializer(serializers.Serializer[Any]):
    issued_on = BoundedDateField()


def _body(serializer_class: type[serializers.Serializer[Any]], request: Request) -> Any:
    serializer = serializer_class(data=request.data)
    serializer.is_valid(raise_exception=True)
    return serializer.validated_data


PLAN_ID = OpenApiParameter("pk", OpenApiTypes.INT, OpenApiParameter.PATH, description="The plan")


class UnderAPlan(AccessLoggedListMixin, mixins.ListModelMixin, mixins.CreateModelMixin):
    """A plan's records of one kind, listed and added under the plan; a plan the user may not
    see is a 404."""

    visible_to: ClassVar[Any]

    def plan(self) -> EHCPlan:
        user = acting_user(self.request)  # type: ignore[attr-defined]
        pk = self.kwargs["pk"]  # type: ignore[attr-defined]
        return get_object_or_404(selectors.staff_plans_visible_to(user), pk=pk)

    def get_queryset(self) -> QuerySet[Any]:
        user = acting_user(self.request)  # type: ignore[attr-defined]
        return type(self).visible_to(user).filter(plan=self.plan()).order_by("pk")

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        # Another team's plan is "not found" before its body is even read.
        self.plan()
        return super().create(request, *args, **kwargs)  # type: ignore[misc, no-any-return]


@extend_schema_view(
    list=extend_schema(parameters=[PLAN_ID]), create=extend_schema(parameters=[PLAN_ID])
)
class PlanAdviceRequestViewSet(UnderAPlan, viewsets.GenericViewSet[AdviceRequest]):
    serializer_class = AdviceRequestSerializer
    queryset = AdviceRequest.objects.none()
    write_roles = {"create": STAFF_ROLES}
    visible_to = staticmethod(selectors.advice_requests_visible_to)

    def get_queryset(self) -> QuerySet[AdviceRequest]:
        return super().get_queryset().prefetch_related("documents")

    def perform_create(self, serializer: serializers.BaseSerializer[AdviceRequest]) -> None:
        data = serializer.validated_data
        serializer.instance = services.advice_request(
            by=acting_user(self.request),
            plan=self.plan(),
            kind=data["kind"],
            requested_on=data["requested_on"],
            adviser=data.get("adviser"),
            adviser_email=data.get("adviser_email", ""),
        )


@extend_schema_view(
    list=extend_schema(parameters=[PLAN_ID]), create=extend_schema(parameters=[PLAN_ID])
)
class PlanTransferViewSet(UnderAPlan, viewsets.GenericViewSet[Transfer]):
    serializer_class = TransferSerializer
    queryset = Transfer.objects.none()
    write_roles = {"create": (Role.TEAM_MANAGER,)}
    visible_to = staticmethod(selectors.transfers_visible_to)

    def perform_create(self, serializer: serializers.BaseSerializer[Transfer]) -> None:
        data = serializer.validated_data
        serializer.instance = services.transfer_record(
            by=acting_user(self.request),
            plan=self.plan(),
            direction=data["direction"],
            other_council=data["other_council"],
            moved_on=data["moved_on"],
            notice_received_on=data["notice_received_on"],
        )


@extend_schema_view(
    list=extend_schema(parameters=[PLAN_ID]), create=extend_schema(parameters=[PLAN_ID])
)
class PlanReassessmentViewSet(UnderAPlan, viewsets.GenericViewSet[Reassessment]):
    serializer_class = ReassessmentSerializer
    queryset = Reassessment.objects.none()
    write_roles = {"create": (Role.TEAM_MANAGER,)}
    visible_to = staticmethod(selectors.reassessments_visible_to)

    def perform_create(self, serializer: serializers.BaseSerializer[Reassessment]) -> None:
        serializer.instance = services.reassessment_request(
            by=acting_user(self.request),
            plan=self.plan(),
            requested_on=serializer.validated_data["requested_on"],
        )


class ReadOnly(AccessLoggedListMixin, AccessLoggedRetrieveMixin):
    visible_to: ClassVar[Any]

    def get_queryset(self) -> QuerySet[Any]:
        user = acting_user(self.request)  # type: ignore[attr-defined]
        return type(self).visible_to(user).order_by("pk")


class AdviceRequestViewSet(ReadOnly, viewsets.ReadOnlyModelViewSet[AdviceRequest]):
    """A professional reads the requests made of them and the advice others gave on the same
    plan, and answers their own: someone else's request is a 404 like a missing one."""

    serializer_class = AdviceRequestSerializer
    queryset = AdviceRequest.objects.none()
    write_roles = {"submit": (*STAFF_ROLES, Role.PROFESSIONAL)}
    filterset_fields = ["plan", "kind", "status"]
    visible_to = staticmethod(selectors.advice_requests_visible_to)

    def get_queryset(self) -> QuerySet[AdviceRequest]:
        records = super().get_queryset().prefetch_related("documents")
        user = acting_user(self.request)
        if self.action == "submit" and not selectors.is_staff_member(user):
            # A professional answers only the requests made of them.
            records = records.filter(adviser=user)
        return records

    @extend_schema(
        request={"application/json": SubmitSerializer, "multipart/form-data": SubmitSerializer},
        responses=AdviceRequestSerializer,
    )
    @action(
        detail=True,
        methods=["post"],
        parser_classes=[StrictJSONParser, MultiPartParser],
    )
    def submit(self, request: Request, pk: str | None = None) -> Response:
        record = self.get_object()
        data = _body(SubmitSerializer, request)
        updated = services.advice_submit(by=acting_user(request), request=record, **data)
        return Response(AdviceRequestSerializer(updated, context={"request": request}).data)


class TransferViewSet(ReadOnly, viewsets.ReadOnlyModelViewSet[Transfer]):
    serializer_class = TransferSerializer
    queryset = Transfer.objects.none()
    write_roles = {"notice_given": STAFF_ROLES, "sent": STAFF_ROLES}
    filterset_fields = ["plan", "direction", "status"]
    visible_to = staticmethod(selectors.transfers_visible_to)

    @extend_schema(request=NoticeGivenSerializer, responses=TransferSerializer)
    @action(detail=True, methods=["post"], url_path="notice-given")
    def notice_given(self, request: Request, pk: str | None = None) -> Response:
        record = self.get_object()
        data = _body(NoticeGivenSerializer, request)
        updated = services.transfer_notice_give(by=acting_user(request), transfer=record, **data)
        return Response(TransferSerializer(updated).data)

    @extend_schema(request=SentSerializer, responses=TransferSerializer)
    @action(detail=True, methods=["post"])
    def sent(self, request: Request, pk: str | None = None) -> Response:
        record = self.get_object()
        data = _body(SentSerializer, request)
        updated = services.transfer_send(by=acting_user(request), transfer=record, **data)
        return Response(TransferSerializer(updated).data)


class ReassessmentViewSet(ReadOnly, viewsets.ReadOnlyModelViewSet[Reassessment]):
    serializer_class = ReassessmentSerializer
    queryset = Reassessment.objects.none()
    write_roles = {"decide": (Role.TEAM_MANAGER,), "final_issued": (Role.TEAM_MANAGER,)}
    filterset_fields = ["plan", "status"]
    visible_to = staticmethod(selectors.reassessments_visible_to)

    @extend_schema(request=DecideSerializer, responses=ReassessmentSerializer)
    @action(detail=True, methods=["post"])
    def decide(self, request: Request, pk: str | None = None) -> Response:
        record = self.get_object()
        data = _body(DecideSerializer, request)
        updated = services.reassessment_decide(
            by=acting_user(request), reassessment=record, **data
        )
        return Response(ReassessmentSerializer(updated).data)

    @extend_schema(request=FinalIssuedSerializer, responses=ReassessmentSerializer)
    @action(detail=True, methods=["post"], url_path="final-issued")
    def final_issued(self, request: Request, pk: str | None = None) -> Response:
        record = self.get_object()
        data = _body(FinalIssuedSerializer, request)
        updated = services.reassessment_complete(
            by=acting_user(request), reassessment=record, **data
        )
        return Response(ReassessmentSerializer(updated).data)


def register(router: Any) -> None:
    """The routes of this module on the casework API's router."""
    under_a_plan = r"ehc-plans/(?P<pk>[0-9]+)"
    router.register(
        f"{under_a_plan}/advice-requests",
        PlanAdviceRequestViewSet,
        basename="ehc-plan-advice-requests",
    )
    router.register(
        f"{under_a_plan}/transfers", PlanTransferViewSet, basename="ehc-plan-transfers"
    )
    router.register(
        f"{under_a_plan}/reassessments", PlanReassessmentViewSet, basename="ehc-plan-reassessments"
    )
    router.register("advice-requests", AdviceRequestViewSet, basename="advice-request")
    router.register("transfers", TransferViewSet, basename="transfer")
    router.register("reassessments", ReassessmentViewSet, basename="reassessment")
