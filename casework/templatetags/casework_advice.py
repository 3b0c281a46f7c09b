"""The case page's panel of a plan's advice requests, transfers and re-assessments: each with its
due date and status, the steps that can be taken now, and why the others cannot."""

from __future__ import annotations

from typing import Any

from django import template

from accounts.roles import Role
from casework import selectors
from casework.models import EHCPlan, PlanStatus
from casework.services.advice import reassessment_under_way
from workflows.acting import acting_user
from workflows.registry import registry
from workflows.selectors import transition_options

register = template.Library()


def _steps_from_here(record: Any, user: Any) -> list[Any]:
    """The steps of the record's present state, allowed or with why not; none of another's."""
    machine = registry.machine_for(type(record))
    state = getattr(record, machine.field_name)
    return [
        option
        for option in transition_options(record, user)
        if machine.transition_from(state, option.name) is not None
    ]


def _rows(records: Any, user: Any) -> list[dict[str, Any]]:
    return [{"record": record, "steps": _steps_from_here(record, user)} for record in records]


def _can_ask_for_advice(plan: EHCPlan) -> str:
    if plan.status == PlanStatus.ASSESSING or reassessment_under_way(plan):
        return ""
    return "Advice is asked for during a needs assessment or a re-assessment."


def _manager_on_a_final_plan(plan: EHCPlan, user: Any) -> str:
    if not user.has_role(Role.TEAM_MANAGER):
        return "Only a team manager can record this."
    if plan.status != PlanStatus.FINAL:
        return f"This needs a final plan; the plan is {plan.get_status_display().lower()}."
    return ""


@register.inclusion_tag("casework/plan/_advice_panel.html", takes_context=True)
def advice_panel(context: template.Context, plan: EHCPlan | None) -> dict[str, Any]:
    if plan is None:
        return {"plan": None}
    user = acting_user(context["request"])
    return {
        "plan": plan,
        "advice": _rows(selectors.advice_requests_visible_to(user).filter(plan=plan), user),
        "transfers": _rows(selectors.transfers_visible_to(user).filter(plan=plan), user),
        "reassessments": _rows(selectors.reassessments_visible_to(user).filter(plan=plan), user),
        "advice_refused": _can_ask_for_advice(plan),
        "plan_step_refused": _manager_on_a_final_plan(plan, user),
    }
