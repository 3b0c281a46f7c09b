"""Proposed changes to the local offer in the API: providers propose, staff approve or reject.

Field messages for the proposed values are keyed as the values are (`min_age`,
`cost_options.0.amount`).
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from accounts.roles import Role
from shortbreaks import selectors, services
from shortbreaks.models import ChangeStatus, Provider, ServiceChange
from workflows.acting import acting_user
from workflows.api import ModelSerializer, StrictCharField, TransitionsMixin
from workflows.errors import InvalidParams

PROVIDERS = (Role.PROVIDER,)
DECISION_FIELDS = {
    "approve": {"note", "unit", "unit_cost", "capacity"},
    "reject": {"note", "reason"},
}


class ServiceChangeSerializer(ModelSerializer[ServiceChange]):
    provider_name = serializers.CharField(source="provider.name", read_only=True)
    proposed_by = serializers.CharField(source="proposed_by.get_full_name", read_only=True)

    class Meta:
        model = ServiceChange
        fields = [
            "id",
            "provider",
            "provider_name",
            "service",
            "status",
            "values",
            "current",
            "proposed_by",
            "proposed_at",
            "decided_at",
            "reason",
        ]
        read_only_fields = fields


class ProposalSerializer(serializers.Serializer[Any]):
    """`service` is the id of one of the provider's services, or null for a new service (then
    `provider` names which, when the login acts for more than one)."""

    service = serializers.IntegerField(required=False, allow_null=True, min_value=1)
    provider = serializers.IntegerField(required=False, allow_null=True, min_value=1)
    values = serializers.JSONField()


APPROVAL = inline_serializer(
    name="ServiceChangeApproval",
    fields={
        "note": StrictCharField(required=False, allow_blank=True),
        "unit": StrictCharField(required=False, help_text="Only for a new service."),
        "unit_cost": StrictCharField(required=False, help_text="Only for a new service."),
        "capacity": serializers.IntegerField(required=False, help_text="Only for a new service."),
    },
)
REJECTION = inline_serializer(
    name="ServiceChangeRejection",
    fields={"reason": StrictCharField(), "note": StrictCharField(required=False)},
)


class ServiceChangeViewSet(
    TransitionsMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    viewsets.GenericViewSet[ServiceChange],
):
    """Staff see the changes waiting (or `?status=` any); a provider login sees its own."""

    serializer_class = ServiceChangeSerializer
    queryset = ServiceChange.objects.none()
    write_roles = {"create": PROVIDERS}
    filterset_fields = ["status", "service", "provider"]

    def get_queryset(self) -> QuerySet[ServiceChange]:
        user = acting_user(self.request)
        changes = selectors.service_changes_visible_to(user).order_by("proposed_at", "pk")
        if (
            self.action == "list"
            and not user.has_role(Role.PROVIDER)
            and "status" not in self.request.query_params
        ):
            changes = changes.filter(status=ChangeStatus.PROPOSED)
        return changes

    @extend_schema(request=ProposalSerializer, responses={201: ServiceChangeSerializer})
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        body = ProposalSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        user = acting_user(request)
        service = None
        if body.validated_data.get("service"):
            # Another provider's service is not found, as if it did not exist (DESIGN §8).
            service = get_object_or_404(
                selectors.services_of_provider_login(user), pk=body.validated_data["service"]
            )
            provider = service.provider
        else:
            provider = self._provider(body.validated_data.get("provider"))
        change = services.service_change_propose(
            by=user, provider=provider, service=service, values=body.validated_data["values"]
        )
        return Response(ServiceChangeSerializer(change).data, status=status.HTTP_201_CREATED)

    def _provider(self, provider_id: int | None) -> Provider:
        providers = Provider.objects.filter(users=acting_user(self.request))
        if provider_id is not None:
            return get_object_or_404(providers, pk=provider_id)
        found = list(providers[:2])
        if len(found) != 1:
            raise InvalidParams({"provider": ["Say which provider the new service is for."]})
        return found[0]

    @extend_schema(request=APPROVAL, responses=ServiceChangeSerializer)
    @action(detail=True, methods=["post"])
    def approve(self, request: Request, pk: str | None = None) -> Response:
        return self._decide(request, "approve")

    @extend_schema(request=REJECTION, responses=ServiceChangeSerializer)
    @action(detail=True, methods=["post"])
    def reject(self, request: Request, pk: str | None = None) -> Response:
        return self._decide(request, "reject")

    def _decide(self, request: Request, decision: str) -> Response:
        change = self.get_object()
        if not isinstance(request.data, dict):
            raise InvalidParams({"non_field_errors": ["Send a JSON object."]})
        params = dict(request.data)
        taken = DECISION_FIELDS[decision]
        stray = sorted(set(params) - taken)
        if stray:
            raise InvalidParams({key: ["This step does not take this field."] for key in stray})
        note = params.pop("note", "") or ""
        if not isinstance(note, str):
            raise InvalidParams({"note": ["Enter the note as text."]})
        updated = services.service_change_decide(
            by=acting_user(request), change=change, decision=decision, note=note, **params
        )
        return Response(ServiceChangeSerializer(updated).data)
