"""Assessments of a case."""

from __future__ import annotations

from typing import cast

from django.db.models import QuerySet
from rest_framework import mixins, serializers, viewsets

from accounts.roles import STAFF_ROLES
from casework import selectors, services
from casework.api.access import (
    AccessLoggedListMixin,
    AccessLoggedRetrieveMixin,
    ScopedRelationsMixin,
)
from casework.models import Assessment, Case
from workflows.acting import acting_user
from workflows.api import ModelSerializer


class AssessmentSerializer(ScopedRelationsMixin, ModelSerializer[Assessment]):
    scoped_relations = {"case": selectors.staff_cases_visible_to}
    case = serializers.PrimaryKeyRelatedField(queryset=Case.objects.none())

    class Meta:
        model = Assessment
        fields = ["id", "case", "started_on", "completed_on", "outcome", "summary_of_needs"]
        read_only_fields = ["id"]


class AssessmentViewSet(
    AccessLoggedListMixin,
    AccessLoggedRetrieveMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    viewsets.GenericViewSet[Assessment],
):
    serializer_class = AssessmentSerializer
    write_roles = {"create": STAFF_ROLES, "partial_update": STAFF_ROLES}
    queryset = Assessment.objects.none()
    filterset_fields = ["case"]
    http_method_names = ["get", "post", "patch", "head", "options"]

    def get_queryset(self) -> QuerySet[Assessment]:
        cases = selectors.staff_cases_visible_to(acting_user(self.request))
        return Assessment.objects.filter(case__in=cases).select_related("case").order_by("pk")

    def perform_create(self, serializer: serializers.BaseSerializer[Assessment]) -> None:
        data = serializer.validated_data
        assessment = services.assessment_start(
            by=acting_user(self.request), case=data["case"], started_on=data["started_on"]
        )
        if data.get("completed_on") or data.get("outcome") or data.get("summary_of_needs"):
            assessment = services.assessment_record(
                by=acting_user(self.request),
                assessment=assessment,
                completed_on=data.get("completed_on"),
                outcome=data.get("outcome", ""),
                summary_of_needs=data.get("summary_of_needs", ""),
            )
        serializer.instance = assessment

    def perform_update(self, serializer: serializers.BaseSerializer[Assessment]) -> None:
        current = cast(Assessment, serializer.instance)
        data = serializer.validated_data
        serializer.instance = services.assessment_record(
            by=acting_user(self.request),
            assessment=current,
            completed_on=data.get("completed_on", current.completed_on),
            outcome=data.get("outcome", current.outcome),
            summary_of_needs=data.get("summary_of_needs", current.summary_of_needs),
        )
