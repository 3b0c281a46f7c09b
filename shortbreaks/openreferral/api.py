"""The Open Referral UK v3 read API: public, read-only, JSON (`/api/openreferral/v3/`).

Anyone may read it, with no sign-in, session or token: it publishes what the council publishes
in its short breaks services statement. A query parameter it does not know, or a value it cannot
read, is a 400 naming the parameter (`{"detail", "code", "fields": {parameter: [message]}}`, the
error shape of the whole API) rather than an answer that silently ignores it; an id that is not
a published record's UUID is a 404.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import math
import re
import uuid
from collections.abc import Callable, Sequence
from decimal import Decimal, InvalidOperation
from typing import Any, TypeVar

from django.db.models import QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from drf_spectacular.utils import extend_schema
from rest_framework.exceptions import NotFound
from rest_framework.permissions import AllowAny
from rest_framework.renderers import JSONRenderer
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from shortbreaks.models import Weekday
from shortbreaks.openreferral import selectors, serializers
from shortbreaks.openreferral.openapi import PROFILE_URL, openapi_document
from shortbreaks.openreferral.taxonomy import TAXONOMIES, TAXONOMY_BY_ID, TERM_BY_ID, TERMS
from workflows.errors import InvalidParams

Row = TypeVar("Row")

PER_PAGE = 50
MOST_PER_PAGE = 100
PAGING = frozenset({"page", "per_page"})
SERVICE_FILTERS = frozenset(
    {
        "search",
        "taxonomy_term_id",
        "taxonomy_id",
        "minimum_age",
        "maximum_age",
        "day",
        "start_time",
        "end_time",
        "modified_after",
    }
)


def refuse(parameter: str, message: str) -> InvalidParams:
    return InvalidParams({parameter: [message]}, detail=f"Check the parameter {parameter}.")


def _whole_number(request: Request, name: str, default: int) -> int:
    asked = request.query_params.get(name, "").strip()
    if not asked:
        return default
    # Nine digits at most: a longer number could not be a page, and would reach the database.
    if not asked.isascii() or not asked.isdigit() or len(asked) > 9 or int(asked) < 1:
        raise refuse(name, "Enter a whole number, 1 or more.")
    return int(asked)


def page_of(rows: QuerySet[Any] | Sequence[Row], request: Request) -> dict[str, Any]:
    """The profile's page envelope. `per_page` above 100 is read as 100; a page past the last
    is empty, not an error, as a client paging on while rows are withdrawn would want."""
    page = _whole_number(request, "page", 1)
    per_page = min(_whole_number(request, "per_page", PER_PAGE), MOST_PER_PAGE)
    total = rows.count() if isinstance(rows, QuerySet) else len(rows)
    start = (page - 1) * per_page
    contents = list(rows[start : start + per_page]) if start < total else []
    total_pages = math.ceil(total / per_page)
    return {
        "total_items": total,
        "total_pages": total_pages,
        "page_number": page,
        "size": len(contents),
        "first_page": page == 1,
        "last_page": page >= total_pages,
        "empty": not contents,
        "contents": contents,
    }


def _age(request: Request, name: str) -> Decimal | None:
    asked = request.query_params.get(name, "").strip()
    if not asked:
        return None
    try:
        age = Decimal(asked)
    except InvalidOperation:
        age = Decimal("NaN")
    if not age.is_finite() or not 0 <= age <= 150:
        raise refuse(name, "Enter an age in years, such as 5 or 16.5.")
    return age


def _known(request: Request, name: str, known: dict[uuid.UUID, Row], what: str) -> Row | None:
    asked = request.query_params.get(name, "").strip()
    if not asked:
        return None
    try:
        found = known.get(uuid.UUID(asked))
    except ValueError:
        raise refuse(name, f"Enter the UUID of a {what}.") from None
    if found is None:
        raise refuse(name, f"No {what} of this API has this id.")
    return found


def _day(request: Request) -> str:
    asked = request.query_params.get("day", "").strip().upper()
    if asked and asked not in Weekday.values:
        raise refuse("day", "Enter a day as MO, TU, WE, TH, FR, SA or SU.")
    return asked


def _time(request: Request, name: str) -> dt.time | None:
    """A time of day in the council's own time, as schedules are kept: HH:MM or HH:MM:SS."""
    asked = request.query_params.get(name, "").strip()
    if not asked:
        return None
    if re.fullmatch(r"\d\d:\d\d(:\d\d)?", asked):
        with contextlib.suppress(ValueError):  # 25:00, 10:61
            return dt.time.fromisoformat(asked)
    raise refuse(name, "Enter a time of day such as 09:30 or 15:00.")


def _modified_after(request: Request) -> dt.datetime | None:
    asked = request.query_params.get("modified_after", "").strip()
    if not asked:
        return None
    try:
        moment = parse_datetime(asked)
    except ValueError:
        moment = None
    if moment is None:
        raise refuse("modified_after", "Enter a date and time such as 2026-09-01T09:00:00Z.")
    # A time with no offset is read as UTC, the zone `last_modified` is written in.
    return moment if timezone.is_aware(moment) else moment.replace(tzinfo=dt.UTC)


def service_filters(request: Request) -> selectors.ServiceFilters:
    return selectors.ServiceFilters(
        search=request.query_params.get("search", "").strip(),
        term=_known(request, "taxonomy_term_id", TERM_BY_ID, "taxonomy term"),
        taxonomy=_known(request, "taxonomy_id", TAXONOMY_BY_ID, "taxonomy"),
        minimum_age=_age(request, "minimum_age"),
        maximum_age=_age(request, "maximum_age"),
        day=_day(request),
        start_time=_time(request, "start_time"),
        end_time=_time(request, "end_time"),
        modified_after=_modified_after(request),
    )


def _id(value: str) -> uuid.UUID:
    try:
        return uuid.UUID(value)
    except ValueError:
        raise NotFound() from None


class OpenReferralView(APIView):
    """Public and read-only; `parameters` are the query parameters the endpoint reads."""

    authentication_classes: list[Any] = []
    permission_classes = [AllowAny]
    renderer_classes = [JSONRenderer]
    http_method_names = ["get", "head", "options"]
    parameters: frozenset[str] = frozenset()

    def initial(self, request: Request, *args: Any, **kwargs: Any) -> None:
        # Before content negotiation, which would answer `?format=ndjson` with a bare 404.
        # (A control character never gets this far: RefuseControlCharactersMiddleware.)
        for name in sorted(request.query_params):
            if name not in self.parameters:
                raise refuse(name, "This API does not read this parameter.")
            if len(request.query_params.getlist(name)) > 1:
                raise refuse(name, "Give this parameter once.")
        super().initial(request, *args, **kwargs)


def _listing(
    rows: QuerySet[Any] | Sequence[Row], request: Request, shape: Callable[[Any], Any]
) -> Response:
    page = page_of(rows, request)
    page["contents"] = [shape(row) for row in page["contents"]]
    return Response(page)


class RootView(OpenReferralView):
    @extend_schema(exclude=True)
    def get(self, request: Request) -> Response:
        return Response(
            {
                "version": "3.0",
                "profile": PROFILE_URL,
                "openapi_url": request.build_absolute_uri(reverse("openreferral-openapi")),
            }
        )


class OpenApiView(OpenReferralView):
    @extend_schema(exclude=True)
    def get(self, request: Request) -> Response:
        return Response(openapi_document(request.build_absolute_uri(reverse("openreferral-root"))))


class ServiceListView(OpenReferralView):
    parameters = PAGING | SERVICE_FILTERS

    @extend_schema(exclude=True)
    def get(self, request: Request) -> Response:
        services = selectors.services_matching(
            selectors.published_services(), service_filters(request)
        )
        return _listing(services, request, serializers.service_summary)


class ServiceDetailView(OpenReferralView):
    @extend_schema(exclude=True)
    def get(self, request: Request, service_id: str) -> Response:
        service = selectors.published_service(_id(service_id))
        if service is None:
            raise NotFound()
        return Response(serializers.service_full(service))


class ServiceAtLocationListView(OpenReferralView):
    parameters = PAGING | SERVICE_FILTERS

    @extend_schema(exclude=True)
    def get(self, request: Request) -> Response:
        places = selectors.published_services_at_locations(service_filters(request))
        return _listing(places, request, serializers.service_at_location_summary)


class ServiceAtLocationDetailView(OpenReferralView):
    @extend_schema(exclude=True)
    def get(self, request: Request, service_at_location_id: str) -> Response:
        place = selectors.published_service_at_location(_id(service_at_location_id))
        if place is None:
            raise NotFound()
        return Response(serializers.service_at_location(place))


class TaxonomyListView(OpenReferralView):
    parameters = PAGING

    @extend_schema(exclude=True)
    def get(self, request: Request) -> Response:
        return _listing(TAXONOMIES, request, serializers.taxonomy)


class TaxonomyDetailView(OpenReferralView):
    @extend_schema(exclude=True)
    def get(self, request: Request, taxonomy_id: str) -> Response:
        vocabulary = TAXONOMY_BY_ID.get(_id(taxonomy_id))
        if vocabulary is None:
            raise NotFound()
        return Response(serializers.taxonomy(vocabulary))


class TaxonomyTermListView(OpenReferralView):
    parameters = PAGING

    @extend_schema(exclude=True)
    def get(self, request: Request) -> Response:
        return _listing(TERMS, request, serializers.taxonomy_term)


class TaxonomyTermDetailView(OpenReferralView):
    @extend_schema(exclude=True)
    def get(self, request: Request, taxonomy_term_id: str) -> Response:
        term = TERM_BY_ID.get(_id(taxonomy_term_id))
        if term is None:
            raise NotFound()
        return Response(serializers.taxonomy_term(term))
