"""Reviews of an EHC plan or of a case."""

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
from casework.models import Case, EHCPlan, Review
from workflows.acting import acting_user
from workflows.api import ModelSerializer
from workflows.errors import InvalidParams
from workflows.filters import StrictFilterSet, WholeNumberFilter


class ReviewSerializer(ScopedRelationsMixin, ModelSerializer[Review]):
    scoped_relations = {"plan": selectors.plans_visible_to, "case": selectors.cases_visible_to}
    fixed_after_create = ("plan", "case")
    plan = serializers.PrimaryKeyRelatedField(
        queryset=EHCPlan.objects.none(), required=False, allow_null=True
    )
    case = serializers.PrimaryKeyRelatedField(
        queryset=Case.objects.none(), required=False, allow_null=True
    )

    class Meta:
        model = Review
        fields = [
            "id",
            "plan",
            "case",
            "due_on",
            "meeting_on",
            "report_sent_on",
            "outcome",
            "decision_on",
            "notes",
        ]
        read_only_fields = ["id", "decision_on"]


class ReviewFilter(StrictFilterSet):
    child = WholeNumberFilter(method="filter_child")

    class Meta:
        model = Review
        fields = ["plan", "case"]

    def filter_child(self, queryset: QuerySet[Review], name: str, value: int) -> QuerySet[Review]:
        return queryset.filter(plan__child=value) | queryset.filter(case__child=value)


class ReviewViewSet(
    AccessLoggedListMixin,
    AccessLoggedRetrieveMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    viewsets.GenericViewSet[Review],
):
    serializer_class = ReviewSerializer
    write_roles = {"create": STAFF_ROLES, "partial_update": STAFF_ROLES}
    queryset = Review.objects.none()
    filterset_class = ReviewFilter
    http_method_names = ["get", "post", "patch", "head", "options"]

    def get_queryset(self) -> QuerySet[Review]:
        return (
            selectors.reviews_readable_by(acting_user(self.request))
            .select_related("plan", "case")
            .order_by("pk")
        )

    def perform_create(self, serializer: serializers.BaseSerializer[Review]) -> None:
        data = dict(serializer.validated_data)
        after_the_meeting = {name: data.pop(name, None) for name in ("report_sent_on", "outcome")}
        given = [name for name, value in after_the_meeting.items() if value]
        if given:
            message = "Record this on the review once it is scheduled (PATCH)."
            raise InvalidParams({name: [message] for name in given})
        serializer.instance = services.review_create(by=acting_user(self.request), **data)

    def perform_update(self, serializer: serializers.BaseSerializer[Review]) -> None:
        serializer.instance = services.review_update(
            by=acting_user(self.request),
            review=cast(Review, serializer.instance),
            **serializer.validated_data,
        )
