"""The staff a team manager may allocate cases to (`GET /api/v1/users/?team=&role=`), and the
allocation itself (`POST /api/v1/cases/{id}/allocate/`, an action of the case API)."""

from __future__ import annotations

from typing import Any

import django_filters  # type: ignore[import-untyped]
from django.db.models import QuerySet
from rest_framework import mixins, serializers, viewsets
from rest_framework.request import Request
from rest_framework.response import Response

from accounts.models import User
from accounts.roles import STAFF_ROLES, Role
from casework.allocation_reads import allocatable_staff, holders_of, managed_teams
from workflows.acting import acting_user
from workflows.errors import NotPermitted
from workflows.filters import BIGGEST_ID, StrictFilterSet, WholeNumberFilter
from workflows.rules import only_roles_reason


class TeamNameSerializer(serializers.Serializer[Any]):
    id = serializers.IntegerField()
    name = serializers.CharField()


class StaffSerializer(serializers.Serializer[User]):
    id = serializers.IntegerField()
    email = serializers.EmailField()
    name = serializers.CharField(source="get_full_name")
    roles = serializers.SerializerMethodField(
        help_text="The roles held, with those each includes: a team manager is a practitioner too."
    )
    teams = TeamNameSerializer(
        source="shared", many=True, help_text="Their teams among the manager's own."
    )
    open_cases = serializers.IntegerField(help_text="Open cases they lead in those teams.")

    def get_roles(self, user: User) -> list[str]:
        return sorted(user.roles)


class StaffFilter(StrictFilterSet):
    team = WholeNumberFilter(method="filter_team", help_text="A team id: one of your teams.")
    role = django_filters.ChoiceFilter(
        method="filter_role",
        choices=[(role.value, role.label) for role in STAFF_ROLES],
        error_messages={"invalid_choice": "Choose practitioner or team_manager."},
    )

    class Meta:
        model = User
        fields: list[str] = []

    def filter_team(self, queryset: QuerySet[User], name: str, value: int) -> QuerySet[User]:
        # Among the manager's teams only: a colleague's other team is not theirs to list.
        teams = managed_teams(acting_user(self.request)).filter(pk=value)
        return queryset.filter(memberships__team__in=teams).distinct()

    def filter_role(self, queryset: QuerySet[User], name: str, value: str) -> QuerySet[User]:
        return queryset.filter(groups__name__in=holders_of(value)).distinct()


class StaffViewSet(mixins.ListModelMixin, viewsets.GenericViewSet[User]):
    """The practitioners and team managers of your own teams, whom you may allocate cases to:
    for team managers only. Filter by `team` (an id) and `role`; `role=practitioner` lists the
    managers too, who hold that role as well."""

    serializer_class = StaffSerializer
    queryset = User.objects.none()
    filterset_class = StaffFilter

    def get_queryset(self) -> QuerySet[User]:
        return allocatable_staff(acting_user(self.request))

    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        if not acting_user(request).has_role(Role.TEAM_MANAGER):
            raise NotPermitted(only_roles_reason((Role.TEAM_MANAGER,)))
        return super().list(request, *args, **kwargs)


class AllocateRequestSerializer(serializers.Serializer[Any]):
    lead_professional = serializers.IntegerField(
        min_value=1,
        max_value=BIGGEST_ID,
        help_text="The id of a practitioner or team manager of the case's team (see users/).",
        error_messages={
            "required": "Choose who will be the lead professional.",
            "null": "Choose who will be the lead professional.",
            "invalid": "Give the lead professional as a user id, a whole number.",
            "min_value": "Give the lead professional as a user id, a whole number.",
            "max_value": "Give the lead professional as a user id, a whole number.",
        },
    )

    def to_internal_value(self, data: Any) -> Any:
        if not isinstance(data, dict):
            raise serializers.ValidationError({"non_field_errors": ["Send a JSON object."]})
        extra = sorted(set(data) - {"lead_professional"})
        if extra:
            raise serializers.ValidationError(
                {key: ["Send only lead_professional: remove this field."] for key in extra}
            )
        given = data.get("lead_professional")
        # JSON's true is Python's 1: a boolean would name the user with id 1.
        if isinstance(given, bool | float | str):
            raise serializers.ValidationError(
                {"lead_professional": [self.fields["lead_professional"].error_messages["invalid"]]}
            )
        return super().to_internal_value(data)
