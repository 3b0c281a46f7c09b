"""Casework API (DESIGN §10): thin viewsets over casework selectors and services."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any, ClassVar, cast

import django_filters
from django.db.models import QuerySet
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.routers import DefaultRouter

from accounts.models import User
from accounts.roles import STAFF_ROLES, Role
from casework import selectors, services
from casework.models import (
    Assessment,
    Case,
    Child,
    EHCPlan,
    FamilyMember,
    Referral,
    Review,
)
from casework.services import PLAN_EDITABLE_FIELDS
from workflows.api import ModelSerializer, StrictCharField, TransitionsMixin
from workflows.errors import InvalidParams
from workflows.filters import StrictFilterSet, WholeNumberFilter
from workflows.models import Deadline, StatutoryException, TransitionLog
from workflows.services import deadline_record_exception, deadline_waive


def acting_user(request: Request) -> User:
    return cast(User, request.user)


def record_child_id(record: Any) -> int:
    if isinstance(record, Review):
        return int((record.plan or record.case).child_id)
    if isinstance(record, (Referral, Assessment)):
        return int(record.case.child_id)
    if isinstance(record, Deadline):
        return cast(int, record.child_pk)  # annotated by selectors.with_child
    return int(record.child_id)


def read_of(record: Any) -> services.Read:
    child_id = record.pk if isinstance(record, Child) else record_child_id(record)
    return (child_id, type(record)._meta.model_name, record.pk)


class AccessReads:
    """What a response about these records shows, for the access log: one read per record."""

    def access_reads(self, rows: Any) -> Iterable[services.Read]:
        return (read_of(record) for record in rows)


class AccessLoggedRetrieveMixin(AccessReads):
    """Writes the access log for every staff read of one child-level record."""

    def retrieve(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        record = self.get_object()  # type: ignore[attr-defined]
        services.access_record_many(
            by=acting_user(request), reads=self.access_reads([record]), via="api"
        )
        return Response(self.get_serializer(record).data)  # type: ignore[attr-defined]


class AccessLoggedListMixin(AccessReads):
    """Writes the access log for every child-level record a staff member's list page shows, in
    one INSERT: each record on the page, filtered or not, with its child (DESIGN §9)."""

    def paginate_queryset(self, queryset: Any) -> Any:
        page = super().paginate_queryset(queryset)  # type: ignore[misc]
        if self.action == "list":  # type: ignore[attr-defined]
            shown = queryset if page is None else page
            services.access_record_many(
                by=acting_user(self.request),  # type: ignore[attr-defined]
                reads=self.access_reads(shown),
                via="api",
            )
        return page


def nested_read(request: Request, record: Any) -> None:
    """A nested resource (a child's family members, a case's history, a budget's ledger) is a
    read of the record it hangs from."""
    services.access_record_many(by=acting_user(request), reads=[read_of(record)], via="api")


class ChildSerializer(ModelSerializer[Child]):
    age = serializers.IntegerField(read_only=True)

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
            "team",
        ]
        read_only_fields = ["id", "age", "team"]

    def validate_disabilities(self, value: Any) -> list[str]:
        if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
            raise serializers.ValidationError("Give the disabilities as a list of words.")
        return value


class FamilyMemberSerializer(ModelSerializer[FamilyMember]):
    """A family member. A family login sees the other members' names and relationships only,
    and its own contact details (DESIGN §9): someone's address or phone may be withheld from the
    rest of the family for good reason."""

    CONTACT_FIELDS = ("email", "phone", "address")

    def to_representation(self, instance: FamilyMember) -> dict[str, Any]:
        data = super().to_representation(instance)
        viewer = self.context.get("viewer")
        if viewer is None or selectors.is_staff_member(viewer) or instance.user_id == viewer.pk:
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
        return selectors.children_visible_to(acting_user(self.request)).order_by("pk")

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
        members = child.family_members.all()
        viewer = {"viewer": acting_user(request)}
        return Response(FamilyMemberSerializer(members, many=True, context=viewer).data)


class ScopedRelationsMixin:
    """Related records are looked up among those the requesting user may see, so a record of
    another team or family is "does not exist" (400), never found; some fields are fixed once
    the record exists."""

    scoped_relations: ClassVar[dict[str, Callable[[User], QuerySet[Any]]]] = {}
    fixed_after_create: ClassVar[tuple[str, ...]] = ()

    def get_fields(self) -> dict[str, Any]:
        fields: dict[str, Any] = super().get_fields()  # type: ignore[misc]
        request = self.context.get("request")  # type: ignore[attr-defined]
        if request is not None:
            for name, visible_to in self.scoped_relations.items():
                fields[name].queryset = visible_to(cast(User, request.user))
        if self.instance is not None:  # type: ignore[attr-defined]
            for name in self.fixed_after_create:
                fields[name].read_only = True
        return fields


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


class CaseSerializer(ModelSerializer[Case]):
    child_name = serializers.CharField(source="child.full_name", read_only=True)

    class Meta:
        model = Case
        fields = [
            "id",
            "child",
            "child_name",
            "team",
            "lead_professional",
            "status",
            "opened_on",
            "closed_on",
            "closure_reason",
            "consent_override_reason",
            "handover_on",
        ]
        read_only_fields = fields


class HistorySerializer(ModelSerializer[TransitionLog]):
    subject_type = serializers.CharField(source="subject_type.model")
    actor = serializers.CharField(source="actor.get_full_name")

    class Meta:
        model = TransitionLog
        fields = [
            "id",
            "subject_type",
            "subject_id",
            "transition",
            "source",
            "target",
            "actor",
            "at",
            "effective_on",
            "note",
            "params",
        ]
        read_only_fields = fields


class DeadlineSerializer(ModelSerializer[Deadline]):
    subject_type = serializers.CharField(source="subject_type.model", read_only=True)
    exception = serializers.ChoiceField(
        choices=StatutoryException.choices, allow_blank=True, read_only=True
    )

    class Meta:
        model = Deadline
        fields = [
            "id",
            "kind",
            "due_on",
            "status",
            "closed_on",
            "opened_on",
            "subject_type",
            "subject_id",
            "case_id",
            "exception",
            "waiver_reason",
        ]
        read_only_fields = fields


class CaseFilter(StrictFilterSet):
    class Meta:
        model = Case
        fields = ["status", "child", "team", "lead_professional"]


# The child's name as its two columns, joined here as Child.full_name joins them: an SQL
# concatenation costs more to build and compile than the page's own query does to run.
CASE_LIST_COLUMNS = [
    *(name for name in CaseSerializer.Meta.fields if name != "child_name"),
    "child__given_name",
    "child__family_name",
]


def case_list_row(row: dict[str, Any]) -> dict[str, Any]:
    name = f"{row['child__given_name']} {row['child__family_name']}"
    return {
        field: name if field == "child_name" else row[field]
        for field in CaseSerializer.Meta.fields
    }


class CaseViewSet(
    AccessLoggedListMixin,
    AccessLoggedRetrieveMixin,
    TransitionsMixin,
    viewsets.ReadOnlyModelViewSet[Case],
):
    serializer_class = CaseSerializer
    queryset = Case.objects.none()
    filterset_class = CaseFilter

    def get_queryset(self) -> QuerySet[Case]:
        return (
            selectors.cases_visible_to(acting_user(self.request))
            .select_related("child")
            .order_by("pk")
        )

    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        """The same rows as CaseSerializer gives, read as plain values: a caseload page is the
        most requested list, and building 50 model instances and serializing them field by
        field cost three times the query itself (DESIGN §12)."""
        cases = self.filter_queryset(self.get_queryset())
        page = self.paginate_queryset(cases.values(*CASE_LIST_COLUMNS))
        return self.get_paginated_response([case_list_row(row) for row in page])

    def access_reads(self, rows: Any) -> Iterable[services.Read]:
        """The list's rows are values (see list()); a retrieve's is the case itself."""
        return (
            read_of(row) if isinstance(row, Case) else (row["child"], "case", row["id"])
            for row in rows
        )

    @extend_schema(responses=HistorySerializer(many=True))
    @action(detail=True, methods=["get"], pagination_class=None)
    def history(self, request: Request, pk: str | None = None) -> Response:
        case = self.get_object()
        if not selectors.is_staff_member(acting_user(request)):
            raise PermissionDenied("The case history is for the council's staff.")
        nested_read(request, case)
        return Response(HistorySerializer(selectors.case_history(case), many=True).data)

    @extend_schema(responses=DeadlineSerializer(many=True))
    @action(detail=True, methods=["get"], pagination_class=None)
    def deadlines(self, request: Request, pk: str | None = None) -> Response:
        case = self.get_object()
        nested_read(request, case)
        rows = selectors.case_deadlines(case).select_related("subject_type")
        return Response(DeadlineSerializer(rows, many=True).data)


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


class EHCPlanSerializer(ScopedRelationsMixin, ModelSerializer[EHCPlan]):
    scoped_relations = {"child": selectors.children_visible_to}
    fixed_after_create = ("child", "requested_on", "requested_by")
    child = serializers.PrimaryKeyRelatedField(queryset=Child.objects.none())

    class Meta:
        model = EHCPlan
        fields = [
            "id",
            "child",
            "case",
            "status",
            "requested_on",
            "requested_by",
            "assessment_decision_on",
            "draft_issued_on",
            "family_comments_received_on",
            "family_comments",
            "first_final_issued_on",
            "last_final_issued_on",
            "being_amended",
            "decision_reason",
            "exception_reason",
            *PLAN_EDITABLE_FIELDS,
        ]
        read_only_fields = [
            "id",
            "case",
            "status",
            "assessment_decision_on",
            "draft_issued_on",
            "family_comments_received_on",
            "family_comments",
            "first_final_issued_on",
            "last_final_issued_on",
            "being_amended",
            "decision_reason",
            "exception_reason",
        ]


class PlanCommentSerializer(serializers.Serializer[Any]):
    comments = StrictCharField(max_length=20_000)


class EHCPlanViewSet(
    AccessLoggedListMixin,
    AccessLoggedRetrieveMixin,
    TransitionsMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    viewsets.GenericViewSet[EHCPlan],
):
    serializer_class = EHCPlanSerializer
    write_roles = {
        "create": STAFF_ROLES,
        "partial_update": STAFF_ROLES,
        "comments": (Role.FAMILY,),
    }
    queryset = EHCPlan.objects.none()
    filterset_fields = ["child", "status", "case"]
    http_method_names = ["get", "post", "patch", "head", "options"]

    def get_queryset(self) -> QuerySet[EHCPlan]:
        return selectors.plans_visible_to(acting_user(self.request)).order_by("pk")

    def perform_create(self, serializer: serializers.BaseSerializer[EHCPlan]) -> None:
        data = serializer.validated_data
        serializer.instance = services.plan_request(
            by=acting_user(self.request),
            child=data["child"],
            requested_on=data["requested_on"],
            requested_by=data["requested_by"],
        )

    def perform_update(self, serializer: serializers.BaseSerializer[EHCPlan]) -> None:
        serializer.instance = services.plan_update(
            by=acting_user(self.request),
            plan=cast(EHCPlan, serializer.instance),
            **serializer.validated_data,
        )

    @extend_schema(request=PlanCommentSerializer, responses=EHCPlanSerializer)
    @action(detail=True, methods=["post"])
    def comments(self, request: Request, pk: str | None = None) -> Response:
        plan = self.get_object()
        serializer = PlanCommentSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        updated = services.plan_comment(
            by=acting_user(request), plan=plan, comments=serializer.validated_data["comments"]
        )
        return Response(EHCPlanSerializer(updated, context={"request": request}).data)


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
            selectors.reviews_visible_to(acting_user(self.request))
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


class DeadlineFilter(StrictFilterSet):
    child = WholeNumberFilter(method="filter_child")

    class Meta:
        model = Deadline
        fields = ["kind", "status", "case_id"]

    def filter_child(
        self, queryset: QuerySet[Deadline], name: str, value: int
    ) -> QuerySet[Deadline]:
        user = cast(User, self.request.user)
        return queryset & selectors.deadlines_visible_to(user, child_id=value)


WAIVE_REQUEST = inline_serializer("WaiveRequest", {"reason": serializers.CharField()})
EXCEPTION_REQUEST = inline_serializer(
    "ExceptionRequest", {"exception": serializers.CharField(), "reason": serializers.CharField()}
)


class DeadlineViewSet(
    AccessLoggedListMixin, AccessLoggedRetrieveMixin, viewsets.ReadOnlyModelViewSet[Deadline]
):
    serializer_class = DeadlineSerializer
    write_roles = {"record_exception": STAFF_ROLES, "waive": (Role.TEAM_MANAGER,)}
    queryset = Deadline.objects.none()
    filterset_class = DeadlineFilter

    def get_queryset(self) -> QuerySet[Deadline]:
        return selectors.with_child(
            selectors.deadlines_visible_to(acting_user(self.request))
            .select_related("subject_type")
            .order_by("due_on", "pk")
        )

    @extend_schema(request=WAIVE_REQUEST, responses=DeadlineSerializer)
    @action(detail=True, methods=["post"])
    def waive(self, request: Request, pk: str | None = None) -> Response:
        reason = str(request.data.get("reason", "")) if isinstance(request.data, dict) else ""
        waived = deadline_waive(self.get_object(), by=acting_user(request), reason=reason)
        return Response(DeadlineSerializer(waived).data)

    @extend_schema(request=EXCEPTION_REQUEST, responses=DeadlineSerializer)
    @action(detail=True, methods=["post"], url_path="exception")
    def record_exception(self, request: Request, pk: str | None = None) -> Response:
        body = request.data if isinstance(request.data, dict) else {}
        excepted = deadline_record_exception(
            self.get_object(),
            by=acting_user(request),
            exception=str(body.get("exception", "")),
            reason=str(body.get("reason", "")),
        )
        return Response(DeadlineSerializer(excepted).data)


router = DefaultRouter()
router.register("children", ChildViewSet, basename="child")
router.register("referrals", ReferralViewSet, basename="referral")
router.register("cases", CaseViewSet, basename="case")
router.register("assessments", AssessmentViewSet, basename="assessment")
router.register("ehc-plans", EHCPlanViewSet, basename="ehc-plan")
router.register("reviews", ReviewViewSet, basename="review")
router.register("deadlines", DeadlineViewSet, basename="deadline")
