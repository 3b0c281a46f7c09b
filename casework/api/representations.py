"""The family's representations on a draft plan or proposed amendments, each kept and dated:
`ehc-plans/{id}/representations/`."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import mixins, status, viewsets
from rest_framework.request import Request
from rest_framework.response import Response

from accounts.roles import STAFF_ROLES, Role
from casework import selectors, services
from casework.api.access import nested_read
from casework.models import EHCPlan, Representation
from workflows.acting import acting_user
from workflows.api import BoundedDateField, ModelSerializer, SingleLineCharField, StrictCharField


class RepresentationSerializer(ModelSerializer[Representation]):
    text = StrictCharField(max_length=20_000, required=False, allow_blank=True)
    school_requested = SingleLineCharField(max_length=200, required=False, allow_blank=True)
    made_on = BoundedDateField(
        required=False,
        help_text="Staff recording one received on paper or by e-mail: the day it was made. "
        "The family's own are dated the day they send them.",
    )

    class Meta:
        model = Representation
        fields = [
            "id",
            "plan",
            "period",
            "text",
            "school_requested",
            "meeting_requested",
            "nothing_more_to_add",
            "made_on",
            "by",
            "created_at",
        ]
        read_only_fields = ["id", "plan", "period", "by", "created_at"]


PLAN_ID = OpenApiParameter("id", OpenApiTypes.INT, OpenApiParameter.PATH)


@extend_schema_view(
    list=extend_schema(parameters=[PLAN_ID]),
    create=extend_schema(parameters=[PLAN_ID], responses={201: RepresentationSerializer}),
)
class RepresentationViewSet(
    mixins.CreateModelMixin, mixins.ListModelMixin, viewsets.GenericViewSet[Representation]
):
    """Every representation on the plan, oldest first. The family posts theirs while their period
    runs; staff of the child's team record one the family sent another way, with its date."""

    serializer_class = RepresentationSerializer
    write_roles = {"create": (Role.FAMILY, *STAFF_ROLES)}
    queryset = Representation.objects.none()
    pagination_class = None

    def plan(self) -> EHCPlan:
        if not hasattr(self, "_plan"):
            self._plan = get_object_or_404(
                selectors.plans_visible_to(acting_user(self.request)),
                pk=self.kwargs["pk"],
            )
        return self._plan

    def get_queryset(self) -> QuerySet[Representation]:
        return self.plan().representations.order_by("made_on", "pk")

    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        plan = self.plan()
        if selectors.is_staff_member(acting_user(request)):
            nested_read(request, plan)
        return Response(self.get_serializer(self.get_queryset(), many=True).data)

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        plan = self.plan()
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        representation = services.representation_add(
            by=acting_user(request), plan=plan, **serializer.validated_data
        )
        return Response(self.get_serializer(representation).data, status=status.HTTP_201_CREATED)
