"""The team around the child and the family's consent per agency (DESIGN §3, §9).

`children/{id}/team/` lists and adds the child's team members, `team-members/{id}/` changes a
member's part or ends their membership, `children/{id}/consents/` lists and records consent. Staff
of the child's team write the team; staff and the child's family record consent; staff, the family
and the professionals who see the child (`selectors.children_readable_by`) read both. To anyone
else the child does not exist (404, as for a missing one).
"""

from __future__ import annotations

from typing import Any

from django.shortcuts import get_object_or_404
from django.urls import path
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import generics, serializers, status
from rest_framework.request import Request
from rest_framework.response import Response

from accounts.models import ConsentAgency, Organisation, Profession, User
from accounts.roles import STAFF_ROLES, Role
from casework import selectors
from casework.api.access import nested_read
from casework.models import Child, Consent, ConsentGivenBy, TeamMember, TeamPart
from casework.services.team import consent_record, team_member_add, team_member_change
from workflows import clock
from workflows.acting import acting_user
from workflows.api import BoundedDateField, SingleLineCharField


class TeamMemberSerializer(serializers.Serializer[TeamMember]):
    """A member of the team: `organisation` is the organisation's name (null for a contact
    outside any organisation), `key_worker` says whether their part is key worker, `from` and
    `to` are the first and the last day of the membership (`to` null while it lasts)."""

    id = serializers.IntegerField(read_only=True)
    name = serializers.CharField(read_only=True)
    organisation = serializers.CharField(
        source="organisation.name", read_only=True, allow_null=True
    )
    profession = serializers.ChoiceField(choices=Profession.choices, read_only=True)
    part = serializers.ChoiceField(choices=TeamPart.choices, read_only=True)
    key_worker = serializers.SerializerMethodField()

    def get_key_worker(self, member: TeamMember) -> bool:
        return member.part == TeamPart.KEY_WORKER

    def get_fields(self) -> dict[str, Any]:
        fields: dict[str, Any] = super().get_fields()
        # "from" and "to" are Python keywords: they cannot be declared as attributes.
        fields["from"] = serializers.DateField(source="starts_on", read_only=True)
        fields["to"] = serializers.DateField(source="ends_on", read_only=True, allow_null=True)
        return fields


class TeamMemberAddSerializer(serializers.Serializer[Any]):
    """A professional who signs in to Pathway (`user`, a professional's user id: their name,
    organisation, profession and e-mail come from their profile unless given), or a named
    contact outside it (`name` and `profession`, with `email` and `phone` so the family can
    reach them). `from` is the first day, today if not given."""

    user = serializers.PrimaryKeyRelatedField(
        queryset=User.objects.filter(professional__isnull=False), required=False, allow_null=True
    )
    name = SingleLineCharField(max_length=200, required=False, allow_blank=True, default="")
    organisation = serializers.PrimaryKeyRelatedField(
        queryset=Organisation.objects.all(), required=False, allow_null=True
    )
    profession = serializers.ChoiceField(
        choices=Profession.choices, required=False, allow_blank=True, default=""
    )
    part = serializers.ChoiceField(choices=TeamPart.choices)
    email = serializers.EmailField(required=False, allow_blank=True, default="")
    phone = SingleLineCharField(max_length=30, required=False, allow_blank=True, default="")

    def get_fields(self) -> dict[str, Any]:
        fields: dict[str, Any] = super().get_fields()
        fields["from"] = BoundedDateField(required=False)
        return fields


class TeamMemberChangeSerializer(serializers.Serializer[Any]):
    """A new `part`, or `to`: the last day of the membership (today ends it, and a
    professional's access with it, at once). At least one of them."""

    part = serializers.ChoiceField(choices=TeamPart.choices, required=False)

    def get_fields(self) -> dict[str, Any]:
        fields: dict[str, Any] = super().get_fields()
        fields["to"] = BoundedDateField(required=False)
        return fields

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        if not attrs:
            raise serializers.ValidationError("Give a new part, or the date the membership ended.")
        return attrs


class ConsentSerializer(serializers.ModelSerializer[Consent]):
    """One consent record: `agency` (education, health, social_care), `given` (false is a
    withdrawal), `on` (the day it was given or withdrawn, not in the future and not before the
    child was born), `by` (parent, or young_person from the child's 16th birthday). Staff say
    `by`; a family login gives it as what it is and may leave it out."""

    agency = serializers.ChoiceField(choices=ConsentAgency.choices)
    on = BoundedDateField()
    by = serializers.ChoiceField(choices=ConsentGivenBy.choices, required=False)

    class Meta:
        model = Consent
        fields = ["id", "agency", "given", "on", "by"]
        read_only_fields = ["id"]


ConsentsSerializer = inline_serializer(
    "Consents",
    fields={
        "current": inline_serializer(
            "ConsentsCurrent",
            fields={agency: ConsentSerializer(allow_null=True) for agency in ConsentAgency.values},
            help_text="Each agency's standing consent today, the latest record by date; null "
            "where none was ever recorded (that agency's professionals do not see the child).",
        ),
        "history": ConsentSerializer(many=True, help_text="Every record, oldest first."),
    },
)


def _body(serializer_class: type[serializers.Serializer[Any]], request: Request) -> Any:
    serializer = serializer_class(data=request.data)
    serializer.is_valid(raise_exception=True)
    return serializer.validated_data


def _child(request: Request, pk: int, *, writing: bool) -> Child:
    """The child, among those this user may write to or read; anyone else's is a 404."""
    user = acting_user(request)
    children = (
        selectors.children_visible_to(user) if writing else selectors.children_shared_with(user)
    )
    return get_object_or_404(children.select_related("team"), pk=pk)


class ChildTeamView(generics.GenericAPIView[TeamMember]):
    """The child's team around the child: current and past members, in the order they joined."""

    serializer_class = TeamMemberSerializer
    queryset = TeamMember.objects.none()
    pagination_class = None
    write_roles = {"post": STAFF_ROLES}

    @extend_schema(responses=TeamMemberSerializer(many=True))
    def get(self, request: Request, pk: int) -> Response:
        child = _child(request, pk, writing=False)
        nested_read(request, child)
        return Response(TeamMemberSerializer(selectors.team_of(child), many=True).data)

    @extend_schema(
        request=TeamMemberAddSerializer,
        responses={201: TeamMemberSerializer},
        description="Add a professional user (`user`) or a named contact outside Pathway "
        "(`name`, `profession`, `email`, `phone`) to the team, by staff of the child's team. "
        "One key worker at a time: a second is a 400 on `key_worker`.",
    )
    def post(self, request: Request, pk: int) -> Response:
        child = _child(request, pk, writing=True)
        data = _body(TeamMemberAddSerializer, request)
        member = team_member_add(
            by=acting_user(request),
            child=child,
            part=data["part"],
            starts_on=data.get("from") or clock.today(),
            user=data.get("user"),
            name=data["name"],
            organisation=data.get("organisation"),
            profession=data["profession"],
            email=data["email"],
            phone=data["phone"],
        )
        return Response(TeamMemberSerializer(member).data, status=status.HTTP_201_CREATED)


class TeamMemberView(generics.GenericAPIView[TeamMember]):
    """One member of a child's team: staff of the child's team change the part or end it."""

    serializer_class = TeamMemberSerializer
    queryset = TeamMember.objects.none()
    write_roles = {"patch": STAFF_ROLES}

    @extend_schema(request=TeamMemberChangeSerializer, responses=TeamMemberSerializer)
    def patch(self, request: Request, pk: int) -> Response:
        members = selectors.team_members_editable_by(acting_user(request))
        member = get_object_or_404(members, pk=pk)
        data = _body(TeamMemberChangeSerializer, request)
        changed = team_member_change(
            by=acting_user(request), member=member, part=data.get("part"), ends_on=data.get("to")
        )
        return Response(TeamMemberSerializer(changed).data)


class ChildConsentsView(generics.GenericAPIView[Consent]):
    """The family's consent per agency: `current` (each agency's standing consent, or null) and
    `history` (every record, oldest first). Staff of the child's team and the child's family
    record one more; withdrawal ends that agency's professionals' access on their next request,
    except an adviser's under a statutory request for advice (reg 6 SEND Regulations 2014)."""

    serializer_class = ConsentSerializer
    queryset = Consent.objects.none()
    pagination_class = None
    write_roles = {"post": (*STAFF_ROLES, Role.FAMILY)}

    @extend_schema(responses=ConsentsSerializer)
    def get(self, request: Request, pk: int) -> Response:
        child = _child(request, pk, writing=False)
        nested_read(request, child)
        history = list(selectors.consents_of(child))
        current = selectors.consents_standing(history, on=clock.today())
        return Response(
            {
                "current": {
                    agency: ConsentSerializer(consent).data if consent else None
                    for agency, consent in current.items()
                },
                "history": ConsentSerializer(history, many=True).data,
            }
        )

    @extend_schema(
        request=ConsentSerializer,
        responses={201: ConsentSerializer},
        description="Record consent given or withdrawn, by staff of the child's team (who say "
        "`by`) or by the child's family (a parent records as `parent`; a young person's own "
        "login as `young_person`, from their 16th birthday). `on` is not in the future and not "
        "before the child was born.",
    )
    def post(self, request: Request, pk: int) -> Response:
        child = _child(request, pk, writing=True)
        data = _body(ConsentSerializer, request)
        consent = consent_record(
            by=acting_user(request),
            child=child,
            agency=data["agency"],
            given=data["given"],
            on=data["on"],
            given_by=data.get("by"),
        )
        return Response(ConsentSerializer(consent).data, status=status.HTTP_201_CREATED)


urlpatterns = [
    path("children/<int:pk>/team/", ChildTeamView.as_view(), name="child-team"),
    path("team-members/<int:pk>/", TeamMemberView.as_view(), name="team-member-detail"),
    path("children/<int:pk>/consents/", ChildConsentsView.as_view(), name="child-consents"),
]
