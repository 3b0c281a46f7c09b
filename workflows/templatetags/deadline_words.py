"""A deadline's basis in plain words and the warning for a due day the office is closed
(DESIGN §5, §11): `{% load deadline_words %}`."""

from __future__ import annotations

import datetime as dt

from django import template

from workflows import clock
from workflows.registry import registry

register = template.Library()


@register.filter
def deadline_basis(kind: str | None) -> str:
    """What sets the deadline, in plain words; the citation where no plain words are declared,
    nothing for a kind no longer declared."""
    declared = registry.deadline_kinds.get(kind or "")
    if declared is None:
        return ""
    return declared.plain_basis or declared.basis


@register.filter
def deadline_for_families(kind: str | None) -> str:
    """The family's words for a kind, else its label."""
    declared = registry.deadline_kinds.get(kind or "")
    return (declared.for_families if declared else "") or registry.label_of(kind or "")


@register.filter
def due_day_warning(due_on: dt.date | None) -> str:
    """Empty on a working day. A due date on a weekend or bank holiday stays where it is (the law
    counts calendar days); this says so, and names the last working day before it."""
    if due_on is None or clock.is_working_day(due_on):
        return ""
    what = "a bank holiday" if clock.is_bank_holiday(due_on) else f"a {due_on:%A}"
    before = clock.last_working_day_on_or_before(due_on)
    return (
        f"{due_on:%A} {due_on.day} {due_on:%B} {due_on.year} falls on {what} — the last working "
        f"day before it is {before:%A} {before.day} {before:%B}"
    )
