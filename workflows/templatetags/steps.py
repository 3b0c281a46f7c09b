"""The steps that matter now on a record's page: one include for every kind of record.

Each step the record's present state allows is shown: a button (a warning button for a step that
ends or refuses something) when the person may take it, otherwise its name and why not, in words.
"""

from __future__ import annotations

from typing import Any

from django import template
from django.db import models
from django.urls import reverse

from workflows.acting import acting_user
from workflows.selectors import steps_now

register = template.Library()


@register.inclusion_tag("includes/steps_now.html", takes_context=True)
def steps_that_matter(
    context: template.Context,
    record: models.Model | None,
    url_name: str,
    heading: str = "",
    about: str = "",
    compact: bool = False,
    more: list[dict[str, Any]] | None = None,
) -> dict[str, Any]:
    """`url_name` is the step page's URL name, reversed with the record's pk and the step's
    name; `about` is read by screen readers after each step's name ("the case"); `compact`
    is for a table cell: links, and the reasons in small text. `more` are steps beside the
    machine's own, each `{"step": StepNow, "url": ...}`, shown after them."""
    if record is None:
        return {"steps": []}
    steps: list[dict[str, Any]] = [
        {
            "step": step,
            "url": reverse(url_name, args=[record.pk, step.name]) if step.allowed else "",
        }
        for step in steps_now(record, acting_user(context["request"]))
    ]
    steps.extend(more or [])
    allowed = [item for item in steps if item["step"].allowed]
    # The main button is the first step forward; steps that end or refuse come last, in warning.
    allowed.sort(key=lambda item: item["step"].destructive)
    main = next((item for item in allowed if not item["step"].destructive), None)
    return {
        "steps": steps,
        "allowed": allowed,
        "main": main,
        "refused": [item for item in steps if not item["step"].allowed],
        "heading": heading,
        "about": about,
        "compact": compact,
    }
