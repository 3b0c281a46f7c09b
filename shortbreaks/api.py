"""Short breaks API: the local offer, packages and sessions (DESIGN §10)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any, cast

from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.routers import DefaultRouter

from accounts.models import User
from accounts.roles import STAFF_ROLES, Role
from budgets.api import MoneyField
from budgets.selectors import budgets_visible_to
from casework.api.access import AccessLoggedListMixin, AccessLoggedRetrieveMixin
from casework.selectors import children_visible_to
from casework.services import Read
from shortbreaks import selectors, services
from shortbreaks.models import Package, Service, Session, SessionStatus
from workflows import bounds
from workflows.acting import acting_user
from workflows.api import ModelSerializer, TransitionsMixin
from workflows.errors import InvalidParams
from workflows.filters import WholeNumberField
from workflows.idempotency import idempotent

OFFER_EDITORS = (Role.TEAM_MANAGER, Role.COMMISSIONER)


class ServiceSerializer(ModelSerializer[Service]):
    provider_name = serializers.CharField(source="provider.name", read_only=True)
    setting = serializers.CharField(read_only=True)
    unit_cost = MoneyField()

    class Meta:
        model = Service
        fields = [
            "id",
            "provider",
            "provider_name",
            "name",
            "description",
            "type",
            "setting",
            "access",
            "unit",
            "unit_cost",
            "capacity",
            "min_age",
            "max_age",
            "no_show_charged",
            "active",
        ]
        read_only_fields = ["id", "provider_name", "setting"]


AGE = OpenApiParameter("age", OpenApiTypes.INT, description="Only services for this age")


class ServiceViewSet(
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    viewsets.GenericViewSet[Service],
):
    """The local offer: anyone signed in reads it; managers and commissioners change it."""

    serializer_class = ServiceSerializer
    write_roles = {"create": OFFER_EDITORS, "partial_update": OFFER_EDITORS}
    queryset = Service.objects.none()
    filterset_fields = ["type", "access", "provider", "active"]
    http_method_names = ["get", "post", "patch", "head", "options"]

    def get_queryset(self) -> QuerySet[Service]:
        return Service.objects.select_related("provider").order_by("type", "name", "pk")

    @extend_schema(parameters=[AGE])
    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().list(request, *args, **kwargs)

    def filter_queryset(self, queryset: QuerySet[Service]) -> QuerySet[Service]:
        queryset = super().filter_queryset(queryset)
        try:
            age = WholeNumberField(required=False, min_value=0, max_value=200).clean(
                self.request.query_params.get("age")
            )
        except ValidationError:
            raise InvalidParams({"age": ["Give the age as a whole number."]}) from None
        if age is not None:
            queryset = queryset.filter(min_age__lte=age, max_age__gte=age)
        return queryset

    def perform_create(self, serializer: serializers.BaseSerializer[Service]) -> None:
        serializer.instance = services.service_save(
            by=acting_user(self.request), **serializer.validated_data
        )

    def perform_update(self, serializer: serializers.BaseSerializer[Service]) -> None:
        serializer.instance = services.service_save(
            by=acting_user(self.request),
            service=cast(Service, serializer.instance),
            **serializer.validated_data,
        )


class PackageSerializer(ModelSerializer[Package]):
    child = serializers.PrimaryKeyRelatedField(queryset=Package.objects.none())
    budget = serializers.PrimaryKeyRelatedField(
        queryset=Package.objects.none(), required=False, allow_null=True
    )
    unit_cost = MoneyField(read_only=True)
    cost = MoneyField(read_only=True)

    class Meta:
        model = Package
        fields = [
            "id",
            "child",
            "service",
            "budget",
            "status",
            "units",
            "unit_cost",
            "cost",
            "start_on",
            "end_on",
            "decision_reason",
        ]
        read_only_fields = ["id", "status", "unit_cost", "cost", "decision_reason"]

    def get_fields(self) -> dict[str, Any]:
        fields = super().get_fields()
        request = self.context.get("request")
        if request is not None:
            user = cast(User, request.user)
            fields["child"].queryset = children_visible_to(user)
            fields["budget"].queryset = budgets_visible_to(user)
        return fields


class PackageViewSet(
    AccessLoggedListMixin,
    AccessLoggedRetrieveMixin,
    TransitionsMixin,
    mixins.CreateModelMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    viewsets.GenericViewSet[Package],
):
    serializer_class = PackageSerializer
    write_roles = {"create": STAFF_ROLES}
    queryset = Package.objects.none()
    filterset_fields = ["child", "service", "status", "budget"]

    def get_queryset(self) -> QuerySet[Package]:
        return selectors.packages_visible_to(acting_user(self.request)).order_by("pk")

    def perform_create(self, serializer: serializers.BaseSerializer[Package]) -> None:
        serializer.instance = services.package_request(
            by=acting_user(self.request), **serializer.validated_data
        )


class SessionSerializer(ModelSerializer[Session]):
    child = serializers.IntegerField(source="package.child_id", read_only=True)
    service = serializers.IntegerField(source="package.service_id", read_only=True)
    cost = MoneyField(read_only=True)

    class Meta:
        model = Session
        fields = ["id", "package", "child", "service", "date", "units", "cost", "status", "note"]
        read_only_fields = fields


class BookingSerializer(serializers.Serializer[Any]):
    """One date, a list of dates, or a weekly rule: every `every` weeks on `weekday`."""

    package = serializers.PrimaryKeyRelatedField(queryset=Package.objects.none())
    units = serializers.DecimalField(max_digits=6, decimal_places=2)
    date = serializers.DateField(required=False)
    dates = serializers.ListField(child=serializers.DateField(), required=False, max_length=200)
    weekday = serializers.IntegerField(required=False, min_value=0, max_value=6)
    every = serializers.IntegerField(
        required=False,
        min_value=1,
        max_value=services.MAX_EVERY_WEEKS,
        default=1,
        error_messages={
            "min_value": f"Repeat every 1 to {services.MAX_EVERY_WEEKS} weeks.",
            "max_value": f"Repeat every 1 to {services.MAX_EVERY_WEEKS} weeks.",
        },
    )
    start_on = serializers.DateField(required=False)
    end_on = serializers.DateField(required=False)

    def get_fields(self) -> dict[str, Any]:
        fields = super().get_fields()
        request = self.context.get("request")
        if request is not None:
            packages = selectors.packages_visible_to(cast(User, request.user))
            fields["package"].queryset = packages
        return fields

    def booking_dates(self) -> list[dt.date]:
        data = self.validated_data
        if data.get("weekday") is not None:
            return services.package_weekly_dates(
                package=data["package"],
                start_on=data.get("start_on"),
                end_on=data.get("end_on"),
                weekday=data["weekday"],
                every=data["every"],
            )
        if data.get("dates"):
            return list(data["dates"])
        if data.get("date"):
            return [data["date"]]
        raise InvalidParams({"date": ["Give a date, a list of dates, or a day of the week."]})


class SessionViewSet(
    AccessLoggedListMixin,
    AccessLoggedRetrieveMixin,
    TransitionsMixin,
    mixins.CreateModelMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    viewsets.GenericViewSet[Session],
):
    serializer_class = SessionSerializer
    write_roles = {"create": STAFF_ROLES}
    queryset = Session.objects.none()
    filterset_fields: list[str] = []

    def get_queryset(self) -> QuerySet[Session]:
        return (
            selectors.sessions_visible_to(acting_user(self.request))
            .select_related("package")
            .order_by("date", "pk")
        )

    def access_reads(self, rows: Any) -> Iterable[Read]:
        return ((row.package.child_id, "session", row.pk) for row in rows)

    def filter_queryset(self, queryset: QuerySet[Session]) -> QuerySet[Session]:
        params = self.request.query_params
        numbers = {}
        an_id = WholeNumberField(required=False, min_value=1)
        for name in ("child", "service", "provider"):
            try:
                numbers[name] = an_id.clean(params.get(name))
            except ValidationError:
                raise InvalidParams({name: ["Give an id number."]}) from None
        dates = {}
        for name in ("date_after", "date_before"):
            value = params.get(name)
            try:
                dates[name] = dt.date.fromisoformat(value) if value else None
            except ValueError:
                raise InvalidParams({name: ["Enter a real date, like 2026-03-27."]}) from None
            out_of_bounds = dates[name] and bounds.date_out_of_bounds(dates[name])
            if out_of_bounds:
                raise InvalidParams({name: [out_of_bounds]})
        status_ = params.get("status")
        if status_ and status_ not in SessionStatus.values:
            raise InvalidParams({"status": [f"Choose one of {', '.join(SessionStatus.values)}."]})
        return selectors.sessions_filtered(
            queryset,
            **numbers,
            status=status_,
            start=dates["date_after"],
            end=dates["date_before"],
        )

    @extend_schema(
        parameters=[
            OpenApiParameter(name, OpenApiTypes.INT) for name in ("child", "service", "provider")
        ]
        + [
            OpenApiParameter("status", OpenApiTypes.STR, enum=SessionStatus.values),
            OpenApiParameter("date_after", OpenApiTypes.DATE),
            OpenApiParameter("date_before", OpenApiTypes.DATE),
        ]
    )
    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().list(request, *args, **kwargs)

    @idempotent
    @extend_schema(request=BookingSerializer, responses={201: SessionSerializer(many=True)})
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        """Book one session or many; if any cannot be booked, none is."""
        booking = BookingSerializer(data=request.data, context=self.get_serializer_context())
        booking.is_valid(raise_exception=True)
        booked = services.sessions_book(
            by=acting_user(request),
            package=booking.validated_data["package"],
            dates=booking.booking_dates(),
            units=booking.validated_data["units"],
        )
        return Response(SessionSerializer(booked, many=True).data, status=status.HTTP_201_CREATED)


router = DefaultRouter()
router.register("shortbreaks/services", ServiceViewSet, basename="service")
router.register("shortbreaks/packages", PackageViewSet, basename="package")
router.register("shortbreaks/sessions", SessionViewSet, basename="session")

from shortbreaks.api_changes import ServiceChangeViewSet  # noqa: E402

router.register("shortbreaks/service-changes", ServiceChangeViewSet, basename="service-change")
