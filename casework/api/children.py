"""Children and their family members."""

from __future__ import annotations

from typing import Any

import django_filters
from django.db.models import QuerySet
from django.shortcuts import get_object_or_404
from django.urls import path
from drf_spectacular.utils import extend_schema
from rest_framework import generics, mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from accounts.roles import STAFF_ROLES
from casework import people_reads, selectors, services
from casework.api.access import AccessLoggedListMixin, AccessLoggedRetrieveMixin, nested_read
from casework.models import Child, FamilyMember
from workflows.acting import acting_user
from workflows.api import ModelSerializer
from workflows.filters import StrictFilterSet


class ChildSerializer(ModelSerializer[Child]):
    age = serializers.IntegerField(read_only=True)
    confirm_not_duplicate = serializers.BooleanField(
        write_only=True,
        required=False,
        help_text="Send true to record the child although a child with the same name and date "
        "of birth, or NHS number, is already recorded (otherwise 409 possible_duplicate).",
    )

    class Meta:
        model = Child
        fields = [
            "id",
            "given_name",
            "family_name",
            "date_of_birth",
            "age",
            "nhs_number",
            "upn",
            "gender",
            "ethnicity",
            "primary_need",
            "disabilities",
            "postcode",
            "ward",
            "school",
            "team",
            "confirm_not_duplicate",
        ]
        read_only_fields = ["id", "age", "team"]

    def validate_disabilities(self, value: Any) -> list[str]:
        if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
            raise serializers.ValidationError("Give the disabilities as a list of words.")
        return value


class FamilyMemberSerializer(ModelSerializer[FamilyMember]):
    """A family member. A family login sees the other members' names and relationships only,
    and its own contact details (DESIGN §9): someone's address or phone may be withheld from the
    rest of the family for good reason. A professional is shown only the parents and carers
    (`family_members_readable_by`), with their contact details, so that they can reach them."""

    CONTACT_FIELDS = ("email", "phone", "address")

    def to_representation(self, instance: FamilyMember) -> dict[str, Any]:
        data = super().to_representation(instance)
        viewer = self.context.get("viewer")
        if (
            viewer is None
            or selectors.is_staff_member(viewer)
            or selectors.is_professional(viewer)
            or instance.user_id == viewer.pk
        ):
            return data
        return {name: value for name, value in data.items() if name not in self.CONTACT_FIELDS}

    class Meta:
        model = FamilyMember
        fields = [
            "id",
            "child",
            "name",
            "relationship",
            "email",
            "phone",
            "address",
            "has_parental_responsibility",
        ]
        read_only_fields = ["id", "child"]


class ChildFilter(StrictFilterSet):
    name = django_filters.CharFilter(field_name="family_name", lookup_expr="icontains")
    search = django_filters.CharFilter(
        method="filter_search",
        label="Names, date of birth (2019-03-04 or 4/3/2019), NHS number or UPN",
    )

    def filter_search(self, queryset: QuerySet[Child], name: str, value: str) -> QuerySet[Child]:
        return people_reads.children_matching(queryset, value)

    class Meta:
        model = Child
        fields = ["primary_need", "team"]


class ChildViewSet(
    AccessLoggedListMixin,
    AccessLoggedRetrieveMixin,
    mixins.CreateModelMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    viewsets.GenericViewSet[Child],
):
    serializer_class = ChildSerializer
    write_roles = {"create": STAFF_ROLES, "family_members": STAFF_ROLES}
    queryset = Child.objects.none()
    filterset_class = ChildFilter

    def get_queryset(self) -> QuerySet[Child]:
        return selectors.children_readable_by(acting_user(self.request)).order_by("pk")

    def perform_create(self, serializer: serializers.BaseSerializer[Child]) -> None:
        serializer.instance = services.child_create(
            by=acting_user(self.request), **serializer.validated_data
        )

    @extend_schema(methods=["get"], responses=FamilyMemberSerializer(many=True))
    @extend_schema(
        methods=["post"], request=FamilyMemberSerializer, responses={201: FamilyMemberSerializer}
    )
    @action(detail=True, methods=["get", "post"], url_path="family-members", pagination_class=None)
    def family_members(self, request: Request, pk: str | None = None) -> Response:
        child = self.get_object()
        if request.method == "POST":
            serializer = FamilyMemberSerializer(data=request.data)
            serializer.is_valid(raise_exception=True)
            member = services.family_member_add(
                by=acting_user(request), child=child, **serializer.validated_data
            )
            return Response(FamilyMemberSerializer(member).data, status=status.HTTP_201_CREATED)
        nested_read(request, child)
        viewer = acting_user(request)
        members = selectors.family_members_readable_by(viewer, child)
        return Response(
            FamilyMemberSerializer(members, many=True, context={"viewer": viewer}).data
        )


class FamilyMemberView(generics.GenericAPIView[FamilyMember]):
    """One family member: staff of the child's team correct or complete their details."""

    serializer_class = FamilyMemberSerializer
    queryset = FamilyMember.objects.none()
    write_roles = {"patch": STAFF_ROLES}

    @extend_schema(request=FamilyMemberSerializer, responses=FamilyMemberSerializer)
    def patch(self, request: Request, pk: int) -> Response:
        viewer = acting_user(request)
        member = get_object_or_404(people_reads.family_members_editable_by(viewer), pk=pk)
        body = FamilyMemberSerializer(member, data=request.data, partial=True)
        body.is_valid(raise_exception=True)
        changed = services.family_member_update(by=viewer, member=member, **body.validated_data)
        return Response(FamilyMemberSerializer(changed, context={"viewer": viewer}).data)


urlpatterns = [
    path("family-members/<int:pk>/", FamilyMemberView.as_view(), name="family-member-detail"),
]
