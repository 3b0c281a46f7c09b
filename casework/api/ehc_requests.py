"""Requests for an EHC needs assessment made online (SEND Regulations 2014 reg 3): made by the
family, a school or college, or somebody with no account; queued for staff, who accept them
onto a child's record (`POST /api/v1/ehc-requests/{id}/accept/`)."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from drf_spectacular.utils import extend_schema
from rest_framework import exceptions, mixins, permissions, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.parsers import MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response

from accounts.models import User
from casework import selectors, services
from casework.ehc_request_reads import ehc_requests_visible_to, possible_matches
from casework.models import Child, EHCRequest, EHCRequestStatus, Relationship
from casework.services.ehc_requests import (
    RequestLimitReached,
    decision_due_on,
    ehc_request_accept,
    ehc_request_for_child,
    ehc_request_receive,
    require_may_request,
)
from workflows.acting import acting_user
from workflows.api import BoundedDateField, SingleLineCharField, StrictCharField
from workflows.errors import NotPermitted
from workflows.parsers import StrictJSONParser

REASONS_MAX = 10_000


class PublicRequestSerializer(serializers.Serializer[Any]):
    """The shape for somebody with no account."""

    child_name = SingleLineCharField(max_length=200)
    date_of_birth = BoundedDateField()
    requester_name = SingleLineCharField(max_length=200)
    requester_email = serializers.EmailField(max_length=254)
    relationship = serializers.ChoiceField(choices=Relationship.choices)
    reasons = StrictCharField(max_length=REASONS_MAX)
    files = serializers.ListField(child=serializers.FileField(), required=False, max_length=10)


class ChildRequestSerializer(serializers.Serializer[Any]):
    """The shape for the family or a school or college: the child is one they may see."""

    child = serializers.PrimaryKeyRelatedField(queryset=Child.objects.none())
    reasons = StrictCharField(max_length=REASONS_MAX)
    files = serializers.ListField(child=serializers.FileField(), required=False, max_length=10)

    def __init__(self, *args: Any, user: User | None = None, **kwargs: Any) -> None:
        # Without a user (the schema's generator), no child can be chosen.
        super().__init__(*args, **kwargs)
        if user is not None:
            self.fields["child"].queryset = selectors.children_readable_by(user)  # type: ignore[attr-defined]


class ReceiptSerializer(serializers.Serializer[Any]):
    id = serializers.IntegerField()
    status = serializers.CharField()
    child_name = serializers.CharField()
    received_on = serializers.DateField()
    decision_due_on = serializers.SerializerMethodField(
        help_text="The day the council must say whether it will assess (reg 5(1))."
    )

    def get_decision_due_on(self, request: EHCRequest) -> str:
        return decision_due_on(request.received_on).isoformat()


class MatchSerializer(serializers.Serializer[Any]):
    id = serializers.IntegerField()
    name = serializers.CharField(source="full_name")
    date_of_birth = serializers.DateField()


class EHCRequestSerializer(ReceiptSerializer):
    child = serializers.IntegerField(source="child_id", allow_null=True)
    date_of_birth = serializers.DateField()
    requester_name = serializers.CharField()
    requester_email = serializers.CharField()
    relationship = serializers.CharField()
    reasons = serializers.CharField()
    made_by = serializers.IntegerField(source="made_by_id", allow_null=True)
    plan = serializers.IntegerField(source="plan_id", allow_null=True)
    accepted_by = serializers.IntegerField(source="accepted_by_id", allow_null=True)
    accepted_at = serializers.DateTimeField(allow_null=True)
    files = serializers.SerializerMethodField()
    possible_matches = serializers.SerializerMethodField()

    def get_files(self, request: EHCRequest) -> list[dict[str, Any]]:
        return [
            {
                "id": kept.pk,
                "title": kept.title,
                "content_type": kept.content_type,
                "size": kept.size,
            }
            for kept in request.files.all()
        ]

    def get_possible_matches(self, request: EHCRequest) -> list[dict[str, Any]]:
        found = self.context.get("matches", {}).get(request.pk, [])
        return list(MatchSerializer(found, many=True).data)


class AcceptSerializer(serializers.Serializer[Any]):
    child = serializers.PrimaryKeyRelatedField(
        queryset=Child.objects.none(),
        allow_null=True,
        help_text="A child of your team, or null to add the child from the request.",
    )
    case_officer = serializers.PrimaryKeyRelatedField(
        queryset=User.objects.filter(is_active=True), required=False, allow_null=True
    )

    def __init__(self, *args: Any, user: User | None = None, **kwargs: Any) -> None:
        # Without a user (the schema's generator), no child can be chosen.
        super().__init__(*args, **kwargs)
        if user is not None:
            self.fields["child"].queryset = selectors.children_visible_to(user)  # type: ignore[attr-defined]


class EHCRequestViewSet(
    mixins.CreateModelMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    viewsets.GenericViewSet[EHCRequest],
):
    serializer_class = EHCRequestSerializer
    queryset = EHCRequest.objects.none()
    http_method_names = ["get", "post", "head", "options"]
    parser_classes = [StrictJSONParser, MultiPartParser]

    def get_permissions(self) -> list[Any]:
        # Anybody may ask for an assessment (reg 3): the form is public, so is its API.
        if self.action == "create":
            return [permissions.AllowAny()]
        return super().get_permissions()

    def initial(self, request: Request, *args: Any, **kwargs: Any) -> None:
        super().initial(request, *args, **kwargs)
        if self.action != "create" and not selectors.is_staff_member(acting_user(request)):
            raise NotPermitted("Only a practitioner or a team manager can see requests.")

    def get_queryset(self) -> QuerySet[EHCRequest]:
        rows = ehc_requests_visible_to(acting_user(self.request)).prefetch_related("files")
        wanted = self.request.query_params.get("status")
        if wanted is not None and self.action == "list":
            if wanted not in EHCRequestStatus.values:
                raise exceptions.ValidationError({"status": ["Choose new or accepted."]})
            rows = rows.filter(plan__isnull=wanted == EHCRequestStatus.NEW)
        return rows.order_by("received_on", "pk")

    def _with_matches(self, rows: list[EHCRequest]) -> dict[str, Any]:
        by = acting_user(self.request)
        matches = possible_matches(by, rows)
        reads = [(row.child_id, "ehcrequest", row.pk) for row in rows if row.child_id]
        reads += [(child.pk, "child", child.pk) for found in matches.values() for child in found]
        services.access_record_many(by=by, reads=reads, via="api")
        return {**self.get_serializer_context(), "matches": matches}

    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        page = self.paginate_queryset(self.get_queryset())
        rows = list(page if page is not None else self.get_queryset())
        data = EHCRequestSerializer(rows, many=True, context=self._with_matches(rows)).data
        return self.get_paginated_response(data) if page is not None else Response(data)

    def retrieve(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        row = self.get_object()
        return Response(EHCRequestSerializer(row, context=self._with_matches([row])).data)

    @extend_schema(request=PublicRequestSerializer, responses={201: ReceiptSerializer})
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        user = request.user
        try:
            if user.is_authenticated:
                made = self._for_child(request, acting_user(request))
            else:
                serializer = PublicRequestSerializer(data=request.data)
                serializer.is_valid(raise_exception=True)
                data = serializer.validated_data
                made = ehc_request_receive(
                    child_name=data["child_name"],
                    date_of_birth=data["date_of_birth"],
                    requester_name=data["requester_name"],
                    requester_email=data["requester_email"],
                    relationship=data["relationship"],
                    reasons=data["reasons"],
                    uploads=data.get("files", []),
                )
        except RequestLimitReached as limit:
            raise exceptions.Throttled(detail=limit.detail) from None
        return Response(ReceiptSerializer(made).data, status=201)

    def _for_child(self, request: Request, by: User) -> EHCRequest:
        # Who may ask is settled before the body is read: a 403, not what the body got wrong.
        require_may_request(by)
        serializer = ChildRequestSerializer(data=request.data, user=by)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        return ehc_request_for_child(
            by=by, child=data["child"], reasons=data["reasons"], uploads=data.get("files", [])
        )

    @extend_schema(request=AcceptSerializer, responses=EHCRequestSerializer)
    @action(detail=True, methods=["post"])
    def accept(self, request: Request, pk: str | None = None) -> Response:
        row = self.get_object()
        by = acting_user(request)
        serializer = AcceptSerializer(data=request.data, user=by)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        accepted = ehc_request_accept(
            by=by, request=row, child=data["child"], case_officer=data.get("case_officer")
        )
        return Response(
            EHCRequestSerializer(accepted, context=self._with_matches([accepted])).data
        )
