"""EHC plans, and the family's comments on the draft."""

from __future__ import annotations

from typing import Any, cast

from django.db import transaction
from django.db.models import QuerySet
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from accounts.models import User
from accounts.roles import STAFF_ROLES, Role
from casework import selectors, services
from casework.api.access import (
    AccessLoggedListMixin,
    AccessLoggedRetrieveMixin,
    ScopedRelationsMixin,
)
from casework.models import Child, EHCPlan, ServedBy
from casework.services import PLAN_EDITABLE_FIELDS
from casework.services.convening import review_meeting_record, review_report_record
from casework.services.owners import plan_change_case_officer
from workflows.acting import acting_user
from workflows.api import BoundedDateField, ModelSerializer, StrictCharField, TransitionsMixin


class EHCPlanSerializer(ScopedRelationsMixin, ModelSerializer[EHCPlan]):
    scoped_relations = {"child": selectors.children_visible_to}
    fixed_after_create = ("child", "requested_on", "requested_by")
    child = serializers.PrimaryKeyRelatedField(queryset=Child.objects.none())
    notice_served_by = serializers.ChoiceField(
        choices=[("", "Not recorded: counted as posted"), *ServedBy.choices],
        read_only=True,
        help_text="How the current draft or amendment notice was sent to the family.",
    )
    family_period_ends_on = serializers.DateField(
        source="family_period.ends_on",
        read_only=True,
        allow_null=True,
        help_text="The last day of the family's period on the current draft or proposed "
        "amendments (reg 13(1), reg 22(2)(c)); the final plan waits until the day after.",
    )
    case_officer = serializers.PrimaryKeyRelatedField(
        queryset=User.objects.filter(is_active=True),
        required=False,
        help_text="Who answers for the plan's deadlines when no case is open: the person who "
        "recorded the request, until a team manager names another (PATCH).",
    )

    class Meta:
        model = EHCPlan
        fields = [
            "id",
            "child",
            "case",
            "case_officer",
            "status",
            "requested_on",
            "requested_by",
            "assessment_decision_on",
            "draft_issued_on",
            "notice_served_by",
            "notice_sent_on",
            "notice_served_on",
            "family_period_ends_on",
            "family_comments_received_on",
            "family_comments",
            "first_final_issued_on",
            "last_final_issued_on",
            "being_amended",
            "decision_reason",
            "exception_reason",
            "appeal_by",
            *PLAN_EDITABLE_FIELDS,
        ]
        read_only_fields = [
            "id",
            "case",
            "status",
            "assessment_decision_on",
            "draft_issued_on",
            "notice_served_by",
            "notice_sent_on",
            "notice_served_on",
            "family_comments_received_on",
            "family_comments",
            "first_final_issued_on",
            "last_final_issued_on",
            "being_amended",
            "decision_reason",
            "exception_reason",
            "appeal_by",
        ]


class PlanCommentSerializer(serializers.Serializer[Any]):
    comments = StrictCharField(max_length=20_000)


class ReviewMeetingSerializer(serializers.Serializer[Any]):
    meeting_on = BoundedDateField(help_text="The day the review meeting was held.")


class ReviewReportSerializer(serializers.Serializer[Any]):
    report_sent_on = BoundedDateField(
        help_text="The day the review report went to the council and everyone invited."
    )


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
        "review_meeting": (Role.PROFESSIONAL,),
        "review_report": (Role.PROFESSIONAL,),
    }
    queryset = EHCPlan.objects.none()
    filterset_fields = ["child", "status", "case"]
    http_method_names = ["get", "post", "patch", "head", "options"]

    def get_queryset(self) -> QuerySet[EHCPlan]:
        return selectors.plans_readable_by(acting_user(self.request)).order_by("pk")

    @transaction.atomic
    def perform_create(self, serializer: serializers.BaseSerializer[EHCPlan]) -> None:
        data = serializer.validated_data
        by = acting_user(self.request)
        plan = services.plan_request(
            by=by,
            child=data["child"],
            requested_on=data["requested_on"],
            requested_by=data["requested_by"],
        )
        case_officer = data.get("case_officer")
        if case_officer is not None and case_officer.pk != by.pk:
            plan = plan_change_case_officer(by=by, plan=plan, case_officer=case_officer)
        serializer.instance = plan

    @transaction.atomic
    def perform_update(self, serializer: serializers.BaseSerializer[EHCPlan]) -> None:
        by = acting_user(self.request)
        changes = dict(serializer.validated_data)
        plan = cast(EHCPlan, serializer.instance)
        case_officer = changes.pop("case_officer", None)
        if case_officer is not None and case_officer.pk != plan.case_officer_id:
            plan = plan_change_case_officer(by=by, plan=plan, case_officer=case_officer)
        serializer.instance = services.plan_update(by=by, plan=plan, **changes)

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

    @extend_schema(request=ReviewMeetingSerializer, responses=EHCPlanSerializer)
    @action(detail=True, methods=["post"], url_path="review-meeting")
    def review_meeting(self, request: Request, pk: str | None = None) -> Response:
        """The child's review convener records the review meeting (SEND Regs 2014 reg 20; the
        plan's `start_review`, dated the meeting): the report (2 weeks) and the council's
        decision (4 weeks) are then due. Council staff record reviews on the reviews resource."""
        plan = self.get_object()
        serializer = ReviewMeetingSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        review_meeting_record(
            by=acting_user(request), plan=plan, meeting_on=serializer.validated_data["meeting_on"]
        )
        plan.refresh_from_db()
        return Response(EHCPlanSerializer(plan, context={"request": request}).data)

    @extend_schema(request=ReviewReportSerializer, responses=EHCPlanSerializer)
    @action(detail=True, methods=["post"], url_path="review-report")
    def review_report(self, request: Request, pk: str | None = None) -> Response:
        """The child's review convener records the review report sent (reg 20(7)): it closes
        the `review_report` deadline, met or missed by that day."""
        plan = self.get_object()
        serializer = ReviewReportSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        review_report_record(
            by=acting_user(request),
            plan=plan,
            report_sent_on=serializer.validated_data["report_sent_on"],
        )
        plan.refresh_from_db()
        return Response(EHCPlanSerializer(plan, context={"request": request}).data)
