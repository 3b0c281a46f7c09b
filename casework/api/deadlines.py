"""Deadlines: read (each with its owner and its exceptions' history), waived by a manager, or
given a statutory exception."""

from __future__ import annotations

from typing import cast

from django.db.models import QuerySet
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from accounts.models import User
from accounts.roles import Role
from casework import selectors
from casework.api.access import AccessLoggedListMixin, AccessLoggedRetrieveMixin
from casework.api.exceptions import DeadlineExceptionSerializer, ExceptionRequestSerializer
from casework.services.exceptions import exception_record
from workflows.acting import acting_user
from workflows.api import ModelSerializer
from workflows.filters import StrictFilterSet, WholeNumberFilter
from workflows.models import Deadline, StatutoryException
from workflows.services import deadline_waive


class DeadlineSerializer(ModelSerializer[Deadline]):
    subject_type = serializers.CharField(source="subject_type.model", read_only=True)
    exception = serializers.ChoiceField(
        choices=StatutoryException.choices,
        allow_blank=True,
        read_only=True,
        help_text="The ground of the latest exception not withdrawn, or empty.",
    )
    exceptions = DeadlineExceptionSerializer(many=True, read_only=True)
    owner = serializers.PrimaryKeyRelatedField(
        read_only=True, help_text="Who is reminded; null only when no owner rule finds one."
    )

    class Meta:
        model = Deadline
        fields = [
            "id",
            "kind",
            "due_on",
            "status",
            "closed_on",
            "opened_on",
            "subject_type",
            "subject_id",
            "case_id",
            "owner",
            "exception",
            "exceptions",
            "waiver_reason",
        ]
        read_only_fields = fields


class DeadlineFilter(StrictFilterSet):
    child = WholeNumberFilter(method="filter_child")

    class Meta:
        model = Deadline
        fields = ["kind", "status", "case_id"]

    def filter_child(
        self, queryset: QuerySet[Deadline], name: str, value: int
    ) -> QuerySet[Deadline]:
        user = cast(User, self.request.user)
        return queryset & selectors.deadlines_readable_by(user, child_id=value)


WAIVE_REQUEST = inline_serializer("WaiveRequest", {"reason": serializers.CharField()})


class DeadlineViewSet(
    AccessLoggedListMixin, AccessLoggedRetrieveMixin, viewsets.ReadOnlyModelViewSet[Deadline]
):
    serializer_class = DeadlineSerializer
    write_roles = {"record_exception": (Role.TEAM_MANAGER,), "waive": (Role.TEAM_MANAGER,)}
    queryset = Deadline.objects.none()
    filterset_class = DeadlineFilter

    def get_queryset(self) -> QuerySet[Deadline]:
        return selectors.with_child(
            selectors.deadlines_readable_by(acting_user(self.request))
            .select_related("subject_type")
            .prefetch_related("exceptions")
            .order_by("due_on", "pk")
        )

    @extend_schema(request=WAIVE_REQUEST, responses=DeadlineSerializer)
    @action(detail=True, methods=["post"])
    def waive(self, request: Request, pk: str | None = None) -> Response:
        reason = str(request.data.get("reason", "")) if isinstance(request.data, dict) else ""
        waived = deadline_waive(self.get_object(), by=acting_user(request), reason=reason)
        return Response(DeadlineSerializer(waived).data)

    @extend_schema(
        request=ExceptionRequestSerializer, responses={201: DeadlineExceptionSerializer}
    )
    @action(detail=True, methods=["post"], url_path="exception")
    def record_exception(self, request: Request, pk: str | None = None) -> Response:
        deadline = self.get_object()
        body = ExceptionRequestSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        added = exception_record(
            by=acting_user(request),
            deadline=deadline,
            ground=body.validated_data["exception"],
            reason=body.validated_data["reason"],
            facts=body.facts(),
        )
        return Response(DeadlineExceptionSerializer(added).data, status=status.HTTP_201_CREATED)
