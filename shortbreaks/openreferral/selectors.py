"""What the Open Referral UK API publishes: the approved local offer, read from the service
tables (a provider's proposed change is held apart from them until approved). Active services
and temporarily closed ones; a withdrawn (inactive) service never."""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet

from shortbreaks.models import Schedule, Service, ServiceAtLocation, ServiceNeed
from shortbreaks.openreferral.taxonomy import (
    ACCESS_LEVEL,
    NEED_SERVED,
    SERVICE_TYPE,
    Taxonomy,
    Term,
)
from shortbreaks.selectors import matching_words


@dataclass(frozen=True)
class ServiceFilters:
    """The `/services` query, read and checked. Ages and times follow the profile's words: a
    service whose own minimum age is at least `minimum_age` and whose maximum age is at most
    `maximum_age`; one with a schedule opening at or after `start_time` and closing at or
    before `end_time`."""

    search: str = ""
    term: Term | None = None
    taxonomy: Taxonomy | None = None
    minimum_age: Decimal | None = None
    maximum_age: Decimal | None = None
    day: str = ""
    start_time: dt.time | None = None
    end_time: dt.time | None = None
    modified_after: dt.datetime | None = None


def published_services() -> QuerySet[Service]:
    return Service.objects.filter(active=True).select_related("provider").order_by("name", "uuid")


def with_everything(services: QuerySet[Service]) -> QuerySet[Service]:
    """Everything a fully nested service shows, in one query per kind of row."""
    return services.prefetch_related(
        "contacts",
        "cost_options",
        "schedules",
        "needs",
        Prefetch("at_locations", queryset=ServiceAtLocation.objects.select_related("location")),
    )


def _with_term(term: Term) -> Q:
    if term.taxonomy is SERVICE_TYPE:
        return Q(type=term.code)
    if term.taxonomy is ACCESS_LEVEL:
        return Q(access=term.code)
    return Q(Exists(ServiceNeed.objects.filter(service=OuterRef("pk"), need=term.code)))


def _in_taxonomy(taxonomy: Taxonomy) -> Q:
    """Every service has a type and an access level; only some have needs recorded."""
    if taxonomy is NEED_SERVED:
        return Q(Exists(ServiceNeed.objects.filter(service=OuterRef("pk"))))
    return Q()


def _sessions_within(start: dt.time | None, end: dt.time | None) -> QuerySet[Schedule]:
    """Schedules opening at or after `start` and closing at or before `end`: one sitting
    inside the window, not one opening late and another closing early."""
    schedules = Schedule.objects.filter(service=OuterRef("pk"))
    if start is not None:
        schedules = schedules.filter(opens_at__gte=start)
    if end is not None:
        schedules = schedules.filter(closes_at__lte=end)
    return schedules


def services_matching(services: QuerySet[Service], filters: ServiceFilters) -> QuerySet[Service]:
    conditions = Q()
    if filters.term is not None:
        conditions &= _with_term(filters.term)
    if filters.taxonomy is not None:
        conditions &= _in_taxonomy(filters.taxonomy)
    if filters.minimum_age is not None:
        conditions &= Q(min_age__gte=filters.minimum_age)
    if filters.maximum_age is not None:
        conditions &= Q(max_age__lte=filters.maximum_age)
    if filters.day:
        # Codes are two letters between commas ("MO,SA"), so one never matches inside another.
        runs = Schedule.objects.filter(service=OuterRef("pk"), byday__contains=filters.day)
        conditions &= Q(Exists(runs))
    if filters.start_time is not None or filters.end_time is not None:
        conditions &= Q(Exists(_sessions_within(filters.start_time, filters.end_time)))
    if filters.modified_after is not None:
        conditions &= Q(updated_at__gte=filters.modified_after)
    # The same search as the directory's page, so both find the same services for the same words.
    return matching_words(services.filter(conditions), filters.search)


def published_service(service_id: uuid.UUID) -> Service | None:
    return with_everything(published_services()).filter(uuid=service_id).first()


def published_services_at_locations(filters: ServiceFilters) -> QuerySet[ServiceAtLocation]:
    services = services_matching(published_services(), filters)
    return (
        ServiceAtLocation.objects.filter(service__in=services.values("pk"))
        .select_related("service__provider", "location")
        .order_by("service__name", "location__name", "uuid")
    )


def published_service_at_location(place_id: uuid.UUID) -> ServiceAtLocation | None:
    return (
        ServiceAtLocation.objects.filter(uuid=place_id, service__active=True)
        .select_related("service__provider", "location")
        .first()
    )
