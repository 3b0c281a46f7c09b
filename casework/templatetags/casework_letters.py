"""The plan's decision letters, as the family's page and the case page list them."""

from __future__ import annotations

from django import template

from casework.letter_reads import letters_of_plan
from casework.models import EHCPlan, Letter

register = template.Library()


@register.simple_tag
def plan_letters(plan: EHCPlan | None) -> list[Letter]:
    """Callers have checked who may see the plan: its letters go with it."""
    return [] if plan is None else list(letters_of_plan(plan.pk).select_related("document"))
