"""Exceptions to the EHC time limits as a history (DESIGN §5): recorded on a deadline
(`POST /api/v1/deadlines/{id}/exception/`, in `casework.api.deadlines`), read and withdrawn here
(`POST /api/v1/deadline-exceptions/{id}/withdraw/`)."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from accounts.roles import Role
from casework import selectors
from casework.services.exceptions import exception_withdraw
from workflows.acting import acting_user
from workflows.api import BoundedDateField, ModelSerializer, StrictCharField
from workflows.exceptions import Facts
from workflows.models import DeadlineException, StatutoryException


class DeadlineExceptionSerializer(ModelSerializer[DeadlineException]):
    exception = serializers.ChoiceField(
        source="ground", choices=StatutoryException.choices, read_only=True
    )
    live = serializers.BooleanField(source="is_live", read_only=True)

    class Meta:
        model = DeadlineException
        fields = [
            "id",
            "deadline",
            "exception",
            "reason",
            "advice_requested_on",
            "closed_from",
            "closed_to",
            "away_from",
            "away_to",
            "added_by",
            "added_at",
            "live",
            "withdrawn_by",
            "withdrawn_at",
            "withdrawal_reason",
        ]
        read_only_fields = fields


class ExceptionRequestSerializer(serializers.Serializer[Any]):
    """What an exception rests on: its ground, the reason, and the dates the ground needs —
    closed_from, closed_to (the last day closed) and advice_requested_on for a closure;
    away_from and away_to (the last day away) for an absence from the area."""

    exception = serializers.ChoiceField(
        choices=StatutoryException.choices,
        error_messages={
            "invalid_choice": "Choose one of the grounds in regulation 10(4). Late advice is "
            "not a ground.",
        },
    )
    reason = StrictCharField(max_length=5_000)
    advice_requested_on = BoundedDateField(required=False, allow_null=True)
    closed_from = BoundedDateField(required=False, allow_null=True)
    closed_to = BoundedDateField(required=False, allow_null=True)
    away_from = BoundedDateField(required=False, allow_null=True)
    away_to = BoundedDateField(required=False, allow_null=True)

    def facts(self) -> Facts:
        data = self.validated_data
        return Facts(**{name: data.get(name) for name in Facts.__dataclass_fields__})


class WithdrawRequestSerializer(serializers.Serializer[Any]):
    reason = StrictCharField(max_length=5_000)


class DeadlineExceptionViewSet(viewsets.ReadOnlyModelViewSet[DeadlineException]):
    """The exceptions on the deadlines the user may see, oldest first; withdrawn ones stay."""

    serializer_class = DeadlineExceptionSerializer
    queryset = DeadlineException.objects.none()
    filterset_fields = ["deadline"]
    write_roles = {"withdraw": (Role.TEAM_MANAGER,)}

    def get_queryset(self) -> QuerySet[DeadlineException]:
        user = acting_user(self.request)
        if not selectors.is_staff_member(user):
            return DeadlineException.objects.none()
        return DeadlineException.objects.filter(
            deadline__in=selectors.deadlines_visible_to(user)
        ).order_by("added_at", "pk")

    @extend_schema(request=WithdrawRequestSerializer, responses=DeadlineExceptionSerializer)
    @action(detail=True, methods=["post"])
    def withdraw(self, request: Request, pk: str | None = None) -> Response:
        exception = self.get_object()
        body = WithdrawRequestSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        withdrawn = exception_withdraw(
            by=acting_user(request),
            exception=exception,
            reason=body.validated_data["reason"],
        )
        return Response(DeadlineExceptionSerializer(withdrawn).data)
