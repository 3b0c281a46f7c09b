from __future__ import annotations

from typing import Any

from django import template

from shortbreaks import directory
from shortbreaks.models import Package, PackageStatus, Session
from shortbreaks.selectors import child_sessions, packages_visible_to
from workflows import clock

register = template.Library()

# The directory's words, for its pages (the CSV download uses the same functions).
for _name in (
    "family_cost",
    "days_run",
    "places",
    "schedule_words",
    "cost_option_words",
    "listed",
):
    register.filter(_name, getattr(directory, _name))


@register.simple_tag
def packages_of(child: Any, user: Any) -> list[Package]:
    return list(
        packages_visible_to(user)
        .filter(child_id=child.pk)
        .select_related("service")
        .order_by("-start_on", "-pk")
    )


@register.simple_tag
def packages_agreed_for(child: Any, user: Any) -> list[Package]:
    """The child's packages in force or about to be: what the family is told was agreed."""
    return list(
        packages_visible_to(user)
        .filter(child_id=child.pk, status__in=[PackageStatus.APPROVED, PackageStatus.ACTIVE])
        .select_related("service")
        .order_by("start_on", "pk")
    )


@register.simple_tag
def packages_paid_from(budget: Any, user: Any) -> list[Package]:
    return list(
        packages_visible_to(user)
        .filter(budget_id=budget.pk)
        .select_related("service")
        .order_by("-start_on", "-pk")
    )


@register.simple_tag
def sessions_of(child: Any, user: Any) -> dict[str, list[Session]]:
    """The child's sessions split into what is coming up and the latest that have passed."""
    today = clock.today()
    sessions = list(child_sessions(user, child.pk))
    return {
        "upcoming": [s for s in sessions if s.date >= today and s.status == "booked"][:10],
        "past": [s for s in sessions if s.date < today or s.status != "booked"][-10:][::-1],
    }
