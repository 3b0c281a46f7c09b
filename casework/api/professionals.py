"""Organisations and professionals from other agencies, and inviting one into a child's team
(DESIGN §3, §10): `organisations/`, `professionals/` and `professionals/invitations/`."""

from __future__ import annotations

from typing import Any

import django_filters  # type: ignore[import-untyped]
from django.db.models import QuerySet
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from accounts import selectors as accounts
from accounts.models import Organisation, Profession, Professional, normalise_email
from accounts.roles import STAFF_ROLES
from casework import selectors
from casework.api.access import ScopedRelationsMixin
from casework.models import Child, TeamMember, TeamPart
from casework.services.professionals import professional_invite
from workflows.acting import acting_user
from workflows.api import ModelSerializer, SingleLineCharField
from workflows.errors import NotPermitted
from workflows.filters import StrictFilterSet, WholeNumberFilter


class OrganisationSerializer(ModelSerializer[Organisation]):
    class Meta:
        model = Organisation
        fields = ["id", "name", "agency"]
        read_only_fields = fields


class ProfessionalSerializer(ModelSerializer[Professional]):
    """A professional: `id` is their user's id, the one other records (an advice request's
    adviser, a team member's user) name them by."""

    id = serializers.IntegerField(source="user_id", read_only=True)
    name = serializers.CharField(source="user.full_name", read_only=True)
    email = serializers.EmailField(source="user.email", read_only=True)

    class Meta:
        model = Professional
        fields = ["id", "name", "email", "organisation", "profession"]
        read_only_fields = fields


class InvitedMemberSerializer(ModelSerializer[TeamMember]):
    key_worker = serializers.SerializerMethodField()

    class Meta:
        model = TeamMember
        fields = ["id", "name", "organisation", "profession", "part", "key_worker"]
        read_only_fields = fields

    def get_fields(self) -> dict[str, Any]:
        # "from" and "to" are the API's words for the membership's dates (a Python keyword).
        fields: dict[str, Any] = super().get_fields()
        fields["from"] = serializers.DateField(source="starts_on", read_only=True)
        fields["to"] = serializers.DateField(source="ends_on", read_only=True, allow_null=True)
        return fields

    def get_key_worker(self, member: TeamMember) -> bool:
        return member.part == TeamPart.KEY_WORKER


class InvitationSerializer(ScopedRelationsMixin, serializers.Serializer[Any]):
    scoped_relations = {
        "organisation": accounts.organisations_visible_to,
        "child": selectors.children_visible_to,
    }

    email = serializers.EmailField(max_length=254)
    name = SingleLineCharField(max_length=200)
    organisation = serializers.PrimaryKeyRelatedField(queryset=Organisation.objects.none())
    profession = serializers.ChoiceField(choices=Profession.choices)
    child = serializers.PrimaryKeyRelatedField(queryset=Child.objects.none())
    part = serializers.ChoiceField(choices=TeamPart.choices)


class InvitedSerializer(serializers.Serializer[Any]):
    team_member = InvitedMemberSerializer(source="member", read_only=True)
    professional = ProfessionalSerializer(read_only=True)
    invitation_sent = serializers.BooleanField(
        read_only=True,
        help_text="True when an e-mail with a link to choose a password was sent; false when "
        "the professional already had a password and was only told they were added.",
    )


class OrganisationViewSet(mixins.ListModelMixin, viewsets.GenericViewSet[Organisation]):
    """The organisations professionals work for: for staff and professionals."""

    serializer_class = OrganisationSerializer
    queryset = Organisation.objects.none()
    filterset_fields = ["agency"]

    def get_queryset(self) -> QuerySet[Organisation]:
        user = acting_user(self.request)
        if not (selectors.is_staff_member(user) or selectors.is_professional(user)):
            raise NotPermitted("The list of organisations is for council staff and professionals.")
        return accounts.organisations_visible_to(user)


class ProfessionalFilter(StrictFilterSet):
    email = django_filters.CharFilter(method="filter_email")
    organisation = WholeNumberFilter(field_name="organisation_id")

    class Meta:
        model = Professional
        fields: list[str] = []

    def filter_email(
        self, queryset: QuerySet[Professional], name: str, value: str
    ) -> QuerySet[Professional]:
        return queryset.filter(user__email=normalise_email(value))


class ProfessionalViewSet(mixins.ListModelMixin, viewsets.GenericViewSet[Professional]):
    """Professionals from other agencies, for staff: look someone up by `email` (any spelling
    of it) or list an `organisation`'s, and invite one into a child's team."""

    serializer_class = ProfessionalSerializer
    queryset = Professional.objects.none()
    filterset_class = ProfessionalFilter
    write_roles = {"invitations": STAFF_ROLES}

    def get_queryset(self) -> QuerySet[Professional]:
        user = acting_user(self.request)
        if not selectors.is_staff_member(user):
            raise NotPermitted("The list of professionals is for council staff.")
        return accounts.professionals_visible_to(user)

    @extend_schema(request=InvitationSerializer, responses={201: InvitedSerializer})
    @action(detail=False, methods=["post"])
    def invitations(self, request: Request) -> Response:
        """Put a professional in a child's team from today, by e-mail address.

        Answers 201 with `{"team_member": {"id", "name", "organisation", "profession", "part",
        "key_worker", "from", "to"}, "professional": {"id", "name", "email", "organisation",
        "profession"}, "invitation_sent"}`. A new address gets an account and an e-mail with a
        single-use link to choose a password; a professional already in Pathway at the same
        organisation is added and told so (a new link only if they never chose a password). An
        address of another role is a 400 on `email`; a professional of another organisation a
        400 on `organisation`; another team's child is "does not exist" on `child`.
        """
        serializer = InvitationSerializer(data=request.data, context={"request": request})
        serializer.is_valid(raise_exception=True)
        invited = professional_invite(by=acting_user(request), **serializer.validated_data)
        return Response(InvitedSerializer(invited).data, status=status.HTTP_201_CREATED)
