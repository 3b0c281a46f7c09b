"""Short-break reads, scoped to the user (DESIGN §9), and the public local offer."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.conf import settings
from django.db.models import Exists, F, OuterRef, Q, QuerySet

from accounts.models import User
from accounts.roles import Role
from casework.models import Child
from casework.selectors import children_visible_to, is_staff_member
from shortbreaks.models import (
    CareNotes,
    ChangeStatus,
    Package,
    Service,
    ServiceChange,
    Session,
    SessionStatus,
)
from workflows import clock


def public_services(
    *, age: int | None = None, access: str | None = None, type_: str | None = None
) -> QuerySet[Service]:
    """The short breaks services statement: active services, by type, with their provider."""
    services = Service.objects.filter(active=True).select_related("provider")
    if age is not None:
        services = services.filter(min_age__lte=age, max_age__gte=age)
    if access:
        services = services.filter(access=access)
    if type_:
        services = services.filter(type=type_)
    return services.order_by("type", "name")


def services_editable_by(user: User) -> QuerySet[Service]:
    if user.has_role(Role.TEAM_MANAGER) or user.has_role(Role.COMMISSIONER):
        return Service.objects.all()
    return Service.objects.none()


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


def services_not_checked(user: User) -> QuerySet[Service]:
    """Active services never checked, or last checked longer ago than the council's limit
    (`PATHWAY_SERVICE_CHECK_MONTHS`), the longest unchecked first."""
    if not is_offer_editor(user):
        return Service.objects.none()
    cutoff = clock.add_months(clock.today(), -settings.PATHWAY_SERVICE_CHECK_MONTHS)
    return (
        Service.objects.filter(active=True)
        .filter(Q(assured_on__isnull=True) | Q(assured_on__lt=cutoff))
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
