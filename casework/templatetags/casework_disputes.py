"""What the case page and the family's page show of a plan's disputes: the records, the steps an
order requires with their deadlines, and the mediation the council must arrange."""

from __future__ import annotations

from typing import Any

from django import template

from casework.deadlines.disputes import MEDIATION_ARRANGED
from casework.dispute_reads import step_deadlines
from casework.models import EHCPlan, TribunalOrderStep
from workflows.models import Deadline

register = template.Library()


@register.simple_tag
def plan_disputes(plan: EHCPlan | None) -> dict[str, Any]:
    if plan is None:
        return {}
    steps = list(TribunalOrderStep.objects.filter(dispute__plan=plan).select_related("dispute"))
    deadlines = step_deadlines(steps)
    return {
        "disputes": list(plan.disputes.order_by("on", "pk")),
        "steps": [(step, deadlines.get(step.pk)) for step in steps],
        "mediation": Deadline.objects.for_subject(plan)
        .running()
        .of_kind(MEDIATION_ARRANGED)
        .first(),
    }
