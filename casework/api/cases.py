"""Cases, their history and their deadlines."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db.models import QuerySet
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied
from rest_framework.request import Request
from rest_framework.response import Response

from accounts.models import User
from accounts.roles import STAFF_ROLES, Role
from casework import selectors, services
from casework.api.access import (
    AccessLoggedListMixin,
    AccessLoggedRetrieveMixin,
    nested_read,
    read_of,
)
from casework.api.deadlines import DeadlineSerializer
from casework.api.users import AllocateRequestSerializer
from casework.models import Case
from casework.services.consent import referral_record_consent
from casework.services.owners import case_change_lead_professional
from workflows.acting import acting_user
from workflows.api import ModelSerializer, TransitionsMixin
from workflows.errors import InvalidParams
from workflows.filters import StrictFilterSet
from workflows.models import TransitionLog


class CaseSerializer(ModelSerializer[Case]):
    child_name = serializers.CharField(source="child.full_name", read_only=True)

    class Meta:
        model = Case
        fields = [
            "id",
            "child",
            "child_name",
            "team",
            "lead_professional",
            "status",
            "opened_on",
            "closed_on",
            "closure_reason",
            "consent_override_reason",
            "handover_on",
        ]
        read_only_fields = fields


class HistorySerializer(ModelSerializer[TransitionLog]):
    subject_type = serializers.CharField(source="subject_type.model")
    actor = serializers.CharField(source="actor.get_full_name")

    class Meta:
        model = TransitionLog
        fields = [
            "id",
            "subject_type",
            "subject_id",
            "transition",
            "source",
            "target",
            "actor",
            "at",
            "effective_on",
            "note",
            "params",
        ]
        read_only_fields = fields


class CaseFilter(StrictFilterSet):
    class Meta:
        model = Case
        fields = ["status", "child", "team", "lead_professional"]


# The child's name as its two columns, joined here as Child.full_name joins them: an SQL
# concatenation costs more to build and compile than the page's own query does to run.
CASE_LIST_COLUMNS = [
    *(name for name in CaseSerializer.Meta.fields if name != "child_name"),
    "child__given_name",
    "child__family_name",
]


def case_list_row(row: dict[str, Any]) -> dict[str, Any]:
    name = f"{row['child__given_name']} {row['child__family_name']}"
    return {
        field: name if field == "child_name" else row[field]
        for field in CaseSerializer.Meta.fields
    }


OVERRIDE_REQUEST = inline_serializer("OverrideConsentRequest", {"reason": serializers.CharField()})


class RecordConsentRequestSerializer(serializers.Serializer[Any]):
    given_by = serializers.CharField(
        max_length=200, error_messages={"blank": "Enter who gave consent."}
    )
    given_on = serializers.DateField()


class CaseViewSet(
    AccessLoggedListMixin,
    AccessLoggedRetrieveMixin,
    TransitionsMixin,
    viewsets.ReadOnlyModelViewSet[Case],
):
    serializer_class = CaseSerializer
    queryset = Case.objects.none()
    filterset_class = CaseFilter
    write_roles = {
        "allocate": (Role.TEAM_MANAGER,),
        "override_consent": (Role.TEAM_MANAGER,),
        "record_consent": STAFF_ROLES,
    }

    def get_queryset(self) -> QuerySet[Case]:
        return (
            selectors.cases_readable_by(acting_user(self.request))
            .select_related("child")
            .order_by("pk")
        )

    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        """The same rows as CaseSerializer gives, read as plain values: a caseload page is the
        most requested list, and building 50 model instances and serializing them field by
        field cost three times the query itself (DESIGN §12)."""
        cases = self.filter_queryset(self.get_queryset())
        page = self.paginate_queryset(cases.values(*CASE_LIST_COLUMNS))
        return self.get_paginated_response([case_list_row(row) for row in page])

    def access_reads(self, rows: Any) -> Iterable[services.Read]:
        """The list's rows are values (see list()); a retrieve's is the case itself."""
        return (
            read_of(row) if isinstance(row, Case) else (row["child"], "case", row["id"])
            for row in rows
        )

    @extend_schema(responses=HistorySerializer(many=True))
    @action(detail=True, methods=["get"], pagination_class=None)
    def history(self, request: Request, pk: str | None = None) -> Response:
        case = self.get_object()
        if not selectors.is_staff_member(acting_user(request)):
            raise PermissionDenied("The case history is for the council's staff.")
        nested_read(request, case)
        return Response(HistorySerializer(selectors.case_history(case), many=True).data)

    @extend_schema(responses=DeadlineSerializer(many=True))
    @action(detail=True, methods=["get"], pagination_class=None)
    def deadlines(self, request: Request, pk: str | None = None) -> Response:
        case = self.get_object()
        nested_read(request, case)
        rows = selectors.case_deadlines_readable_by(acting_user(request), case)
        rows = rows.select_related("subject_type")
        return Response(DeadlineSerializer(rows, many=True).data)

    @extend_schema(request=AllocateRequestSerializer, responses=CaseSerializer)
    @action(detail=True, methods=["post"])
    def allocate(self, request: Request, pk: str | None = None) -> Response:
        """Allocate the case, or reassign it, to a practitioner or team manager of its team
        (team managers only); its running deadlines and its plans' move to them."""
        case = self.get_object()
        body = AllocateRequestSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        # Looked up in the case's team only, so an id says nothing about anybody outside it.
        person = User.objects.filter(
            pk=body.validated_data["lead_professional"], memberships__team_id=case.team_id
        ).first()
        if person is None:
            raise InvalidParams({"lead_professional": ["Choose someone in the child's team."]})
        allocated = case_change_lead_professional(
            by=acting_user(request), case=case, lead_professional=person
        )
        nested_read(request, allocated)
        return Response(CaseSerializer(allocated).data)

    @extend_schema(request=OVERRIDE_REQUEST, responses=CaseSerializer)
    @action(detail=True, methods=["post"], url_path="override-consent")
    def override_consent(self, request: Request, pk: str | None = None) -> Response:
        """A team manager lets the referral be accepted without consent to share, with the
        reason: 409 once consent is recorded or overridden, or when the case is not referred."""
        case = self.get_object()
        reason = request.data.get("reason", "") if isinstance(request.data, dict) else ""
        if not isinstance(reason, str):
            raise InvalidParams({"reason": ["Enter the reason as text."]})
        overridden = services.case_override_consent(
            by=acting_user(request), case=case, reason=reason
        )
        return Response(CaseSerializer(overridden).data)

    @extend_schema(request=RecordConsentRequestSerializer, responses=CaseSerializer)
    @action(detail=True, methods=["post"], url_path="record-consent")
    def record_consent(self, request: Request, pk: str | None = None) -> Response:
        """Record consent to share the family gave after the referral, who gave it and when:
        409 once consent is recorded or overridden, or when the case is not referred."""
        case = self.get_object()
        body = RecordConsentRequestSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        referral_record_consent(by=acting_user(request), case=case, **body.validated_data)
        case.refresh_from_db()
        return Response(CaseSerializer(case).data)
