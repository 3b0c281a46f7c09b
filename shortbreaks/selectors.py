"""Short-break reads, scoped to the user (DESIGN §9), and the public local offer."""

from __future__ import annotations

import datetime as dt

from django.db.models import Q, QuerySet

from accounts.models import User
from accounts.roles import Role
from casework.selectors import children_visible_to, is_staff_member
from shortbreaks.models import Package, Service, Session


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
