"""How report figures read on a page: `c` for suppressed, "no data", units."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import template
from django.utils.html import format_html
from django.utils.safestring import SafeString

register = template.Library()

RAG_TAGS = {
    "green": ("govuk-tag--green", "Target met"),
    "amber": ("govuk-tag--yellow", "Within 10% of target"),
    "red": ("govuk-tag--red", "Off target"),
}
STATUS_TAGS = {
    "not_started": "govuk-tag--grey",
    "on_track": "govuk-tag--blue",
    "at_risk": "govuk-tag--yellow",
    "overdue": "govuk-tag--red",
    "done": "govuk-tag--green",
}


@register.filter
def figure(value: Any, unit: str = "count") -> SafeString | str:
    if value is None:
        return "no data"
    if value == "c":
        return format_html(
            '<abbr title="{}">c</abbr>', "Suppressed: a small number, or one that would reveal it"
        )
    number = Decimal(str(value))
    if unit == "percent":
        return f"{number:,.1f}%"
    if unit == "money":
        sign = "−" if number < 0 else ""
        return f"{sign}£{abs(number):,.2f}"
    if number == number.to_integral_value():
        return f"{number:,.0f}"
    return f"{number:,}"


@register.filter
def variance(value: Any, unit: str = "count") -> SafeString | str:
    if value is None or value == "c":
        return figure(value, unit)
    number = Decimal(str(value))
    shown = figure(abs(number), unit)
    return f"+{shown}" if number > 0 else (f"−{shown}" if number < 0 else shown)


@register.simple_tag
def rag_tag(rag: str | None) -> SafeString | str:
    if rag not in RAG_TAGS:
        return ""
    css, text = RAG_TAGS[rag]
    return format_html('<strong class="govuk-tag {}">{}</strong>', css, text)


@register.simple_tag
def status_tag(status: str, label: str) -> SafeString:
    return format_html(
        '<strong class="govuk-tag {}">{}</strong>', STATUS_TAGS.get(status, ""), label
    )
