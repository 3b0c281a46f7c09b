"""Short-break reads, scoped to the user (DESIGN §9), and the public local offer."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from typing import Any

from django.conf import settings
from django.contrib.postgres.search import SearchQuery, SearchVector
from django.db import connection
from django.db.models import Exists, F, OuterRef, Prefetch, Q, QuerySet

from accounts.models import User
from accounts.roles import Role
from casework.models import Child
from casework.selectors import children_visible_to, is_staff_member
from shortbreaks.models import (
    CareNotes,
    ChangeStatus,
    CostOption,
    Need,
    Package,
    Schedule,
    Service,
    ServiceAtLocation,
    ServiceChange,
    ServiceNeed,
    ServiceType,
    Session,
    SessionStatus,
    Weekday,
)
from workflows import clock


def _places() -> Prefetch[str, QuerySet[ServiceAtLocation], str]:
    return Prefetch("at_locations", queryset=ServiceAtLocation.objects.select_related("location"))


def _words(q: str) -> list[str]:
    return [word for word in (raw.strip("\"'.,;:!?()-") for raw in q.split()) if word]


def _named_by(word: str) -> Q:
    """Services a search word names by one of the directory's own labels: a need ("autism",
    "disability"), a day ("saturday", "saturdays") or a type of short break ("holiday"). A parent
    types what the filters offer; the words need not be in the provider's description."""
    word = word.lower()
    named = Q(pk__in=[])
    if len(word) < 3:
        return named
    needs = [code for code, label in Need.choices if word in label.lower().split()]
    if needs:
        named |= Q(Exists(ServiceNeed.objects.filter(service=OuterRef("pk"), need__in=needs)))
    singular = word[:-1] if word.endswith("s") else word
    days = [code for code, label in Weekday.choices if label.lower() in (word, singular)]
    if days:
        on_a_day = Q()
        for day in days:
            on_a_day |= Q(byday__contains=day)
        named |= Q(Exists(Schedule.objects.filter(on_a_day, service=OuterRef("pk"))))
    types = [code for code, label in ServiceType.choices if word in label.lower().split()]
    if types:
        named |= Q(type__in=types)
    return named


def _stop_words(words: list[str]) -> set[str]:
    """The words PostgreSQL's English dictionary leaves out of a search ("the", "for"), asked of
    the database in one query: a word it drops would otherwise match nothing at all."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT word FROM unnest(%s::text[]) AS word "
            "WHERE numnode(plainto_tsquery('english', word)) = 0",
            [words],
        )
        return {row[0] for row in cursor.fetchall()}


def matching_words(services: QuerySet[Service], q: str) -> QuerySet[Service]:
    """Services that every search word matches: in the service's name, provider's name,
    description, eligibility or accessibility, or as one of the directory's labels (a need, a
    day, a type of short break).

    On PostgreSQL each word is matched by full-text search in English, so "swim" finds
    "swimming" and "cooks" finds "cooking"; words the dictionary drops ("the", "for") are left
    out. Elsewhere (SQLite, the quick test runs) each word must appear in one of the texts, in
    any case. The directory's page and the Open Referral UK API's `search` both read this.
    """
    words = _words(q)
    if connection.vendor == "postgresql":
        services = services.annotate(
            document=SearchVector("name", weight="A", config="english")
            + SearchVector("provider__name", weight="A", config="english")
            + SearchVector("description", weight="B", config="english")
            + SearchVector("eligibility", weight="C", config="english")
            + SearchVector("accessibility", weight="C", config="english")
        )
        dropped = _stop_words(words) if words else set()
        for word in words:
            if word not in dropped:
                query = SearchQuery(word, search_type="plain", config="english")
                services = services.filter(Q(document=query) | _named_by(word))
        return services
    for word in words:
        services = services.filter(
            Q(name__icontains=word)
            | Q(description__icontains=word)
            | Q(provider__name__icontains=word)
            | Q(eligibility__icontains=word)
            | Q(accessibility__icontains=word)
            | _named_by(word)
        )
    return services


def public_services(
    *,
    q: str = "",
    types: Sequence[str] = (),
    age: int | None = None,
    needs: Sequence[str] = (),
    access: Sequence[str] = (),
    cost: str = "",
    days: Sequence[str] = (),
) -> QuerySet[Service]:
    """The local offer's directory: active services (temporarily closed ones too, which say
    so), by type and name, with what the results show prefetched.

    Filters combine with AND; the values of one filter with OR (a day activity or a holiday
    scheme; open on Saturday or Sunday). `cost="free"`: no cost option asks the family for money;
    `"charged"`: one does.
    """
    services = Service.objects.filter(active=True)
    if q:
        services = matching_words(services, q)
    if types:
        services = services.filter(type__in=types)
    if age is not None:
        services = services.filter(min_age__lte=age, max_age__gte=age)
    if needs:
        services = services.filter(
            Exists(ServiceNeed.objects.filter(service=OuterRef("pk"), need__in=needs))
        )
    if access:
        services = services.filter(access__in=access)
    if cost:
        charged = Exists(CostOption.objects.filter(service=OuterRef("pk"), amount__gt=0))
        services = services.filter(charged if cost == "charged" else ~charged)
    if days:
        on_a_day = Q()
        for day in days:
            # BYDAY is a list of two-letter codes: a code can only match itself.
            on_a_day |= Q(byday__contains=day)
        services = services.filter(
            Exists(Schedule.objects.filter(on_a_day, service=OuterRef("pk")))
        )
    return (
        services.select_related("provider")
        .prefetch_related(
            "cost_options",
            "schedules",
            _places(),
        )
        .order_by("type", "name", "pk")
    )


def public_service_pages() -> QuerySet[Service]:
    """The services a visitor may open, each with everything its page shows."""
    return (
        Service.objects.filter(active=True)
        .select_related("provider")
        .prefetch_related(
            "cost_options",
            "schedules",
            "contacts",
            "needs",
            _places(),
        )
    )


def services_editable_by(user: User) -> QuerySet[Service]:
    if user.has_role(Role.TEAM_MANAGER) or user.has_role(Role.COMMISSIONER):
        return Service.objects.all()
    return Service.objects.none()


def offer_deciders() -> list[int]:
    """The active team managers and commissioners: who approves changes to the local offer."""
    return list(
        User.objects.filter(
            is_active=True, groups__name__in=[Role.TEAM_MANAGER, Role.COMMISSIONER]
        )
        .distinct()
        .values_list("pk", flat=True)
    )


def is_offer_editor(user: User) -> bool:
    return user.is_authenticated and (
        user.has_role(Role.TEAM_MANAGER) or user.has_role(Role.COMMISSIONER)
    )


def services_of_provider_login(user: User) -> QuerySet[Service]:
    """The services a provider login may propose changes to: its providers'."""
    if not user.is_authenticated or not user.has_role(Role.PROVIDER):
        return Service.objects.none()
    return Service.objects.filter(provider__users=user).select_related("provider")


def service_changes_visible_to(user: User) -> QuerySet[ServiceChange]:
    """Staff and commissioners: every change (only team managers and commissioners decide). A
    provider login: its providers'. Never public: nothing proposed is published."""
    changes = ServiceChange.objects.select_related("provider", "service", "proposed_by")
    if is_offer_editor(user) or is_staff_member(user):
        return changes
    if user.is_authenticated and user.has_role(Role.PROVIDER):
        return changes.filter(provider__users=user)
    return changes.none()


def service_changes_waiting(user: User) -> QuerySet[ServiceChange]:
    return service_changes_visible_to(user).filter(status=ChangeStatus.PROPOSED)


def _check_cutoff() -> dt.date:
    return clock.add_months(clock.today(), -settings.PATHWAY_SERVICE_CHECK_MONTHS)


def needs_checking(service: Service) -> bool:
    """Never checked, or last checked longer ago than the council's limit: the public page says
    the details may be out of date, as staff's list of services to check does."""
    return service.assured_on is None or service.assured_on < _check_cutoff()


def services_not_checked(user: User) -> QuerySet[Service]:
    """Active services never checked, or last checked longer ago than the council's limit
    (`PATHWAY_SERVICE_CHECK_MONTHS`), the longest unchecked first."""
    if not is_offer_editor(user):
        return Service.objects.none()
    return (
        Service.objects.filter(active=True)
        .filter(Q(assured_on__isnull=True) | Q(assured_on__lt=_check_cutoff()))
        .select_related("provider")
        .order_by(F("assured_on").asc(nulls_first=True), "name", "pk")
    )


def packages_visible_to(user: User) -> QuerySet[Package]:
    if not user.is_authenticated:
        return Package.objects.none()
    if is_staff_member(user):
        return Package.objects.filter(team__memberships__user=user)
    return Package.objects.filter(child__in=children_visible_to(user))


def sessions_visible_to(user: User) -> QuerySet[Session]:
    """Staff: their teams' children's. Families: their own child's. Providers: their services'."""
    if not user.is_authenticated:
        return Session.objects.none()
    if is_staff_member(user):
        return Session.objects.filter(package__team__memberships__user=user)
    if user.has_role(Role.PROVIDER):
        return Session.objects.filter(package__service__provider__users=user)
    return Session.objects.filter(package__child__in=children_visible_to(user))


def provider_sessions(user: User, *, start: dt.date, end: dt.date) -> QuerySet[Session]:
    """A provider's bookings between two dates, for the day and week lists."""
    return (
        sessions_visible_to(user)
        .filter(date__gte=start, date__lte=end)
        .select_related("package__child", "package__service")
        .order_by("date", "package__service__name", "package__child__family_name", "pk")
    )


def provider_calendar(user: User, *, start: dt.date, end: dt.date) -> QuerySet[Session, Any]:
    """A provider's bookings between two dates that still stand, as the rows the calendar
    shows: values, not a session, package, child and service instance each (four weeks of a
    busy provider's sessions made building them most of the page's time)."""
    return (
        provider_sessions(user, start=start, end=end)
        .exclude(status=SessionStatus.CANCELLED)
        .values(
            "date",
            "units",
            "status",
            given_name=F("package__child__given_name"),
            family_name=F("package__child__family_name"),
            service_name=F("package__service__name"),
            unit=F("package__service__unit"),
        )
    )


def child_sessions(user: User, child_id: int) -> QuerySet[Session]:
    return (
        sessions_visible_to(user)
        .filter(package__child_id=child_id)
        .select_related("package__service__provider")
        .order_by("date", "pk")
    )


def sessions_filtered(
    sessions: QuerySet[Session],
    *,
    child: int | None = None,
    service: int | None = None,
    provider: int | None = None,
    status: str | None = None,
    start: dt.date | None = None,
    end: dt.date | None = None,
) -> QuerySet[Session]:
    conditions = Q()
    if child:
        conditions &= Q(package__child_id=child)
    if service:
        conditions &= Q(package__service_id=service)
    if provider:
        conditions &= Q(package__service__provider_id=provider)
    if status:
        conditions &= Q(status=status)
    if start:
        conditions &= Q(date__gte=start)
    if end:
        conditions &= Q(date__lte=end)
    return sessions.filter(conditions)


def children_with_care_notes_editable_by(user: User) -> QuerySet[Child]:
    """The children whose care notes `user` may write: their own child's, for a family; their
    teams' children's, for staff."""
    return children_visible_to(user)


def care_notes_shared_with_provider(user: User, child_ids: Iterable[int]) -> QuerySet[CareNotes]:
    """The care notes of these children that their families agreed to share, and only of the
    children with a live booking (not cancelled) at one of this provider login's services."""
    if not user.is_authenticated or not user.has_role(Role.PROVIDER):
        return CareNotes.objects.none()
    booked = Session.objects.filter(
        package__child_id=OuterRef("child_id"), package__service__provider__users=user
    ).exclude(status=SessionStatus.CANCELLED)
    return CareNotes.objects.filter(
        Exists(booked), child_id__in=list(child_ids), shared_with_providers=True
    )
