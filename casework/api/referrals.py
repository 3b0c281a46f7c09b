"""Referrals: each one opens a case."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from rest_framework import mixins, serializers, viewsets

from accounts.roles import STAFF_ROLES
from casework import selectors, services
from casework.api.access import (
    AccessLoggedListMixin,
    AccessLoggedRetrieveMixin,
    ScopedRelationsMixin,
)
from casework.models import Child, Referral
from workflows.acting import acting_user
from workflows.api import ModelSerializer


class ReferralSerializer(ScopedRelationsMixin, ModelSerializer[Referral]):
    scoped_relations = {"child": selectors.children_visible_to}

    child = serializers.PrimaryKeyRelatedField(queryset=Child.objects.none(), write_only=True)

    class Meta:
        model = Referral
        fields = [
            "id",
            "child",
            "case",
            "received_on",
            "source",
            "reason",
            "consent_to_share",
            "consent_given_by",
            "consent_recorded_on",
        ]
        read_only_fields = ["id", "case"]

    def to_representation(self, instance: Referral) -> dict[str, Any]:
        data = super().to_representation(instance)
        data["child"] = instance.case.child_id
        return data


class ReferralViewSet(
    AccessLoggedListMixin,
    AccessLoggedRetrieveMixin,
    mixins.CreateModelMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    viewsets.GenericViewSet[Referral],
):
    serializer_class = ReferralSerializer
    write_roles = {"create": STAFF_ROLES}
    queryset = Referral.objects.none()
    filterset_fields = ["case"]

    def get_queryset(self) -> QuerySet[Referral]:
        cases = selectors.staff_cases_visible_to(acting_user(self.request))
        return Referral.objects.filter(case__in=cases).select_related("case").order_by("pk")

    def perform_create(self, serializer: serializers.BaseSerializer[Referral]) -> None:
        serializer.instance = services.referral_receive(
            by=acting_user(self.request), **serializer.validated_data
        )
