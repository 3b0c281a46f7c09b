"""Budgets API (DESIGN §10): schemes and scoring, budgets, the ledger and the statement."""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Any, cast

from django.http import HttpResponse
from django.urls import path
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.routers import DefaultRouter

from accounts.models import User
from accounts.roles import STAFF_ROLES, Role
from budgets import periods, selectors, services
from budgets.models import (
    DIRECT_PAYMENT_REVIEW,
    AllocationScheme,
    BudgetReviewOutcome,
    LedgerEntry,
    PersonalBudget,
    SchemeDomain,
)
from budgets.statement_files import statement_csv_response, statement_pdf_response
from casework.api.access import AccessLoggedListMixin, AccessLoggedRetrieveMixin, nested_read
from casework.selectors import children_visible_to, is_staff_member
from casework.services import access_record
from workflows.acting import acting_user
from workflows.api import BoundedDateField, ModelSerializer, StrictCharField, TransitionsMixin
from workflows.errors import InvalidParams, TransitionNotAllowed
from workflows.idempotency import idempotent


class MoneyField(serializers.DecimalField):
    """Money as a decimal string ("1234.50"). A JSON number is refused, since it may have been a
    float on its way here; so is anything a person would not write as an amount ("1e3")."""

    AMOUNT = re.compile(r"-?[0-9]+(\.[0-9]+)?")
    default_error_messages = {
        **serializers.DecimalField.default_error_messages,
        "invalid": "Enter an amount of money, like 125.50.",
        "max_decimal_places": "Give the amount in pounds and pence: at most 2 decimal places.",
        "max_digits": "The amount is too large.",
        "max_whole_digits": "The amount is too large.",
    }

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("max_digits", 12)
        kwargs.setdefault("decimal_places", 2)
        kwargs.setdefault("coerce_to_string", True)
        super().__init__(**kwargs)

    def to_representation(self, value: Any) -> str | Decimal:
        # What comes in is bounded by max_digits, but a total of many entries may pass it (a
        # balance over £10bn) and must still be shown: DRF would raise on it, a 500.
        amount = Decimal(value).quantize(Decimal("0.01"))
        return f"{amount:f}" if self.coerce_to_string else amount

    def to_internal_value(self, data: Any) -> Decimal:
        if not isinstance(data, str):
            raise serializers.ValidationError('Send money as a string, like "125.50".')
        if not self.AMOUNT.fullmatch(data.strip()):
            self.fail("invalid")
        return cast(Decimal, super().to_internal_value(data))


class DomainSerializer(ModelSerializer[SchemeDomain]):
    class Meta:
        model = SchemeDomain
        fields = ["key", "label", "max_score", "points_per_score", "position"]


class SchemeSerializer(ModelSerializer[AllocationScheme]):
    domains = DomainSerializer(many=True, read_only=True)
    price_per_point = MoneyField()
    floor = MoneyField()
    ceiling = MoneyField()

    class Meta:
        model = AllocationScheme
        fields = [
            "id",
            "name",
            "version",
            "price_per_point",
            "floor",
            "ceiling",
            "is_current",
            "domains",
        ]
        read_only_fields = fields


class ScoreRequestSerializer(serializers.Serializer[Any]):
    answers = serializers.DictField(child=serializers.IntegerField(min_value=0))
    start_on = BoundedDateField(required=False)


class NewVersionSerializer(serializers.Serializer[Any]):
    price_per_point = MoneyField(required=False)
    floor = MoneyField(required=False)
    ceiling = MoneyField(required=False)
    domains = DomainSerializer(many=True, required=False)


WORKING = inline_serializer(
    "Working",
    {
        "scheme": serializers.IntegerField(),
        "scheme_version": serializers.IntegerField(),
        "lines": serializers.ListField(child=serializers.DictField()),
        "total_points": serializers.IntegerField(),
        "price_per_point": serializers.CharField(),
        "raw_amount": serializers.CharField(),
        "floor": serializers.CharField(),
        "ceiling": serializers.CharField(),
        "limited_by": serializers.CharField(),
        "annual_amount": serializers.CharField(),
        "indicative_amount": serializers.CharField(),
    },
)


class AllocationSchemeViewSet(viewsets.ReadOnlyModelViewSet[AllocationScheme]):
    serializer_class = SchemeSerializer
    write_roles = {"score": STAFF_ROLES, "versions": (Role.TEAM_MANAGER,)}
    queryset = AllocationScheme.objects.none()

    def get_queryset(self) -> Any:
        return selectors.schemes_visible_to(acting_user(self.request)).prefetch_related("domains")

    @extend_schema(request=ScoreRequestSerializer, responses=WORKING)
    @action(detail=True, methods=["post"])
    def score(self, request: Request, pk: str | None = None) -> Response:
        """The working of a score with this scheme version; nothing is saved."""
        scheme = self.get_object()
        serializer = ScoreRequestSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        working = services.scheme_score(scheme=scheme, **serializer.validated_data)
        return Response(working.as_dict())

    @extend_schema(request=NewVersionSerializer, responses={201: SchemeSerializer})
    @action(detail=True, methods=["post"])
    def versions(self, request: Request, pk: str | None = None) -> Response:
        """A manager's change to the scheme, saved as its next version."""
        serializer = NewVersionSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        new = services.scheme_new_version(
            by=acting_user(request), scheme=self.get_object(), **serializer.validated_data
        )
        return Response(SchemeSerializer(new).data, status=status.HTTP_201_CREATED)


class BudgetSerializer(ModelSerializer[PersonalBudget]):
    child = serializers.PrimaryKeyRelatedField(queryset=PersonalBudget.objects.none())
    period = serializers.CharField(source="period_label", read_only=True)
    indicative_amount = MoneyField(read_only=True)
    agreed_amount = MoneyField(required=False, allow_null=True)
    direct_payment_amount = MoneyField(required=False)
    notional_amount = MoneyField(required=False)
    third_party_amount = MoneyField(required=False)
    social_care_amount = MoneyField(required=False)
    education_amount = MoneyField(required=False)
    health_amount = MoneyField(required=False)

    class Meta:
        model = PersonalBudget
        fields = [
            "id",
            "child",
            "case",
            "team",
            "status",
            "period",
            "start_on",
            "end_on",
            "scheme",
            "answers",
            "indicative_amount",
            *services.PLAN_FIELDS,
            "submitted_by",
            "approved_by",
            "approved_on",
            "status_reason",
            "ended_on",
        ]
        read_only_fields = [
            "id",
            "case",
            "team",
            "status",
            "period",
            "end_on",
            "scheme",
            "answers",
            "submitted_by",
            "approved_by",
            "approved_on",
            "status_reason",
            "ended_on",
        ]

    def get_fields(self) -> dict[str, Any]:
        fields = super().get_fields()
        request = self.context.get("request")
        if request is not None:
            children = children_visible_to(cast(User, request.user))
            cast(serializers.PrimaryKeyRelatedField, fields["child"]).queryset = children
        if self.instance is not None:
            fields["child"].read_only = True
            fields["start_on"].read_only = True
        return fields


class BudgetScoreSerializer(serializers.Serializer[Any]):
    scheme = serializers.PrimaryKeyRelatedField(queryset=AllocationScheme.objects.all())
    answers = serializers.DictField(child=serializers.IntegerField(min_value=0))


class EntrySerializer(ModelSerializer[LedgerEntry]):
    amount = MoneyField()
    reason = StrictCharField(write_only=True, required=False, allow_blank=True)

    class Meta:
        model = LedgerEntry
        fields = [
            "id",
            "entry_on",
            "kind",
            "amount",
            "description",
            "category",
            "settles",
            "instalment",
            "created_at",
            "reason",
        ]
        read_only_fields = ["id", "category", "instalment", "created_at"]
        extra_kwargs = {"entry_on": {"required": False}, "description": {"required": False}}


class RecoverySerializer(serializers.Serializer[Any]):
    amount = MoneyField()
    reason = StrictCharField()
    entry_on = serializers.DateField(required=False)
    description = StrictCharField(required=False, allow_blank=True, max_length=300)


class BudgetReviewSerializer(serializers.Serializer[Any]):
    reviewed_on = BoundedDateField()
    outcome = serializers.ChoiceField(
        choices=BudgetReviewOutcome.choices,
        error_messages={"invalid_choice": "Send continue or change_amount."},
    )
    notes = StrictCharField(required=False, allow_blank=True, max_length=5_000)


REVIEWED = inline_serializer(
    "BudgetReviewed",
    {
        "kind": serializers.CharField(),
        "reviewed_on": serializers.DateField(),
        "outcome": serializers.CharField(),
        "next_review_on": serializers.DateField(allow_null=True),
    },
)


class StatementEntrySerializer(serializers.Serializer[Any]):
    """An entry of the statement (`selectors.StatementEntry`, plain values): the fields of
    `EntrySerializer` but the time the row was written, which the entries list gives."""

    id = serializers.IntegerField()
    entry_on = serializers.DateField()
    kind = serializers.CharField()
    amount = MoneyField()
    description = serializers.CharField()
    category = serializers.CharField()
    settles = serializers.IntegerField(source="settles_id", allow_null=True)
    instalment = serializers.IntegerField(allow_null=True)


class StatementLineSerializer(serializers.Serializer[Any]):
    """One entry as the family reads it: money in positive, money out negative, the balance
    after it, and what it set aside (+) or released (−) for bookings."""

    entry = serializers.IntegerField(source="entry.pk")
    entry_on = serializers.DateField(source="entry.entry_on")
    description = serializers.CharField(source="entry.description")
    kind = serializers.CharField(source="entry.kind")
    amount = MoneyField()
    balance = MoneyField()
    set_aside = MoneyField()


class StatementSerializer(serializers.Serializer[Any]):
    budget = serializers.IntegerField(source="budget.pk")
    child = serializers.CharField(source="budget.child.full_name")
    period = serializers.CharField()
    as_of = serializers.DateField()
    allocated = MoneyField(source="balances.allocated")
    spent = MoneyField(source="balances.spent")
    committed = MoneyField(source="balances.committed")
    available = MoneyField(source="balances.available")
    by_category = serializers.ListField(child=serializers.DictField())
    entries = StatementEntrySerializer(many=True)
    lines = StatementLineSerializer(many=True)
    closing_balance = MoneyField()
    # Balances never pass the ledger's £9,999,999,999.99 (`services.MAX_ALLOCATED`); a
    # projection from a few days' spend can, so it has room for more digits.
    projected_spend = MoneyField(max_digits=16)
    projected_year_end = MoneyField(max_digits=16)

    def to_representation(self, instance: Any) -> dict[str, Any]:
        data = super().to_representation(instance)
        data["by_category"] = [
            row | {"spent": f"{row['spent']:.2f}"} for row in instance.by_category
        ]
        return data


PERIOD = OpenApiParameter("period", OpenApiTypes.STR, description="Financial year, like 2026-27")


class BudgetViewSet(
    AccessLoggedListMixin,
    AccessLoggedRetrieveMixin,
    TransitionsMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    viewsets.GenericViewSet[PersonalBudget],
):
    serializer_class = BudgetSerializer
    write_roles = {
        "create": STAFF_ROLES,
        "partial_update": STAFF_ROLES,
        "score": STAFF_ROLES,
        "ledger": STAFF_ROLES,
        "recoveries": (Role.TEAM_MANAGER,),
        "review": STAFF_ROLES,
    }
    queryset = PersonalBudget.objects.none()
    filterset_fields = ["child", "status", "case"]
    http_method_names = ["get", "post", "patch", "head", "options"]

    def get_queryset(self) -> Any:
        return selectors.budgets_visible_to(acting_user(self.request)).order_by("pk")

    def perform_create(self, serializer: serializers.BaseSerializer[PersonalBudget]) -> None:
        data = serializer.validated_data
        budget = services.budget_request(
            by=acting_user(self.request), child=data["child"], start_on=data["start_on"]
        )
        plan = {key: value for key, value in data.items() if key in services.PLAN_FIELDS}
        if plan:
            budget = services.budget_plan(by=acting_user(self.request), budget=budget, **plan)
        serializer.instance = budget

    def perform_update(self, serializer: serializers.BaseSerializer[PersonalBudget]) -> None:
        serializer.instance = services.budget_plan(
            by=acting_user(self.request),
            budget=cast(PersonalBudget, serializer.instance),
            **serializer.validated_data,
        )

    @extend_schema(request=BudgetScoreSerializer, responses=BudgetSerializer)
    @action(detail=True, methods=["post"])
    def score(self, request: Request, pk: str | None = None) -> Response:
        budget = self.get_object()  # somebody else's budget is a 404 whatever the body says
        serializer = BudgetScoreSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        budget = services.budget_score(
            by=acting_user(request), budget=budget, **serializer.validated_data
        )
        return Response(BudgetSerializer(budget, context=self.get_serializer_context()).data)

    @idempotent
    @extend_schema(methods=["get"], responses=EntrySerializer(many=True))
    @extend_schema(methods=["post"], request=EntrySerializer, responses={201: EntrySerializer})
    @action(detail=True, methods=["get", "post"])
    def ledger(self, request: Request, pk: str | None = None) -> Response:
        budget = self.get_object()
        if not is_staff_member(acting_user(request)):
            raise PermissionDenied("Families see their budget through its statement.")
        if request.method == "POST":
            serializer = EntrySerializer(data=request.data)
            serializer.is_valid(raise_exception=True)
            entry = services.entry_post(
                by=acting_user(request), budget=budget, **serializer.validated_data
            )
            return Response(EntrySerializer(entry).data, status=status.HTTP_201_CREATED)
        nested_read(request, budget)
        page = self.paginate_queryset(budget.entries.order_by("entry_on", "pk"))
        return self.get_paginated_response(EntrySerializer(page, many=True).data)

    @idempotent
    @extend_schema(request=RecoverySerializer, responses={201: EntrySerializer})
    @action(detail=True, methods=["post"])
    def recoveries(self, request: Request, pk: str | None = None) -> Response:
        """A manager recovers unspent direct payment, with a reason."""
        budget = self.get_object()
        serializer = RecoverySerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        entry = services.recovery_post(
            by=acting_user(request), budget=budget, **serializer.validated_data
        )
        return Response(EntrySerializer(entry).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=BudgetReviewSerializer, responses=REVIEWED)
    @action(detail=True, methods=["post"])
    def review(self, request: Request, pk: str | None = None) -> Response:
        """The review that is due on the budget was held: the direct payments' (SEN (Personal
        Budgets) Regulations 2014 reg 11) or else the council's own review; 409 when none is."""
        budget = self.get_object()
        body = BudgetReviewSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        kind = services.review_kind_due(budget)
        if kind is None:
            raise TransitionNotAllowed("No review is due on this budget.")
        direct_payments = kind == DIRECT_PAYMENT_REVIEW
        services.budget_review_record(
            by=acting_user(request),
            budget=budget,
            direct_payments=direct_payments,
            **body.validated_data,
        )
        next_review = services.direct_payment_next_review(budget) if direct_payments else None
        return Response(
            {
                "kind": kind.value,
                "reviewed_on": body.validated_data["reviewed_on"],
                "outcome": body.validated_data["outcome"],
                "next_review_on": next_review,
            }
        )

    @extend_schema(parameters=[PERIOD], responses=StatementSerializer)
    @action(detail=True, methods=["get"], pagination_class=None)
    def statement(self, request: Request, pk: str | None = None) -> Response:
        return Response(StatementSerializer(self._statement(request)).data)

    @extend_schema(parameters=[PERIOD], responses={(200, "text/csv"): OpenApiTypes.STR})
    def statement_csv(self, request: Request, pk: str | None = None) -> HttpResponse:
        return statement_csv_response(self._statement(request))

    @extend_schema(parameters=[PERIOD], responses={(200, "application/pdf"): OpenApiTypes.BINARY})
    def statement_pdf(self, request: Request, pk: str | None = None) -> HttpResponse:
        return statement_pdf_response(self._statement(request))

    def _statement(self, request: Request) -> selectors.Statement:
        budget = self.get_object()
        access_record(by=acting_user(request), child_id=budget.child_id, record=budget, via="api")
        requested = request.query_params.get("period")
        if requested:
            try:
                period_start = periods.parse(requested)
            except ValueError as error:
                raise InvalidParams({"period": [str(error)]}) from None
            if period_start != budget.period_start:
                raise InvalidParams({"period": [f"This budget is for {budget.period_label}."]})
        return selectors.statement(budget)


router = DefaultRouter()
router.register("allocation-schemes", AllocationSchemeViewSet, basename="allocation-scheme")
router.register("budgets", BudgetViewSet, basename="budget")

urls = [
    path(
        "budgets/<int:pk>/statement.csv",
        BudgetViewSet.as_view({"get": "statement_csv"}),
        name="budget-statement-csv",
    ),
    path(
        "budgets/<int:pk>/statement.pdf",
        BudgetViewSet.as_view({"get": "statement_pdf"}),
        name="budget-statement-pdf",
    ),
    *router.urls,
]
