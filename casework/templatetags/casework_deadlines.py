"""`{% deadline_actions pk kind %}`: what can be done about one deadline, on every list of them.
A time limit in law takes an exception; a local target is waived by a team manager; a step the
user may not take is said in words."""

from __future__ import annotations

from typing import Any

from django import template

from accounts.roles import Role
from workflows.acting import acting_user
from workflows.registry import registry

register = template.Library()


@register.inclusion_tag("casework/deadlines/_actions.html", takes_context=True)
def deadline_actions(
    context: template.Context, pk: int | None, kind: str | None
) -> dict[str, Any]:
    if pk is None or not kind:
        return {"pk": None}
    declared = registry.deadline_kinds.get(kind)
    return {
        "pk": pk,
        "label": registry.label_of(kind),
        "statutory": declared is None or declared.statutory,
        "is_manager": acting_user(context["request"]).has_role(Role.TEAM_MANAGER),
    }
