"""Whether a step can be taken now, and why not, in plain words. Pure reads: no locking."""

from __future__ import annotations

from django.db import models
from django_fsm import Transition as FSMTransition

from accounts.models import User
from accounts.roles import Role
from workflows import clock
from workflows.registry import Machine, registry, step_of
from workflows.rules import Permission


def transition_refusals(obj: models.Model, name: str, user: User) -> list[str]:
    """Why `user` cannot apply `name` to `obj` now, in plain words; empty when they can."""
    machine = registry.machine_for(type(obj))
    source = getattr(obj, machine.field_name)
    fsm_transition = machine.transition_from(source, name)
    if fsm_transition is None:
        return [wrong_state_reason(machine, name, source)]
    return (
        permission_reasons(fsm_transition, obj, user)
        + unmet_conditions(fsm_transition, obj)
        + step_of(fsm_transition).refusals_on(obj, clock.today())
    )


def transition_label(fsm_transition: FSMTransition) -> str:
    return step_of(fsm_transition).label


def wrong_state_reason(machine: Machine, name: str, source: str) -> str:
    any_transition = machine.any_transition(name)
    label = transition_label(any_transition) if any_transition else name
    return (
        f"“{label}” is not possible while the {machine.label} is "
        f"{machine.state_label(source).lower()}."
    )


MANAGER_DECIDES = "A team manager decides this — it is in their decisions queue."
MANAGER_DOES = "Only a team manager can do this: ask your team manager."


def reasons_for_people(fsm_transition: FSMTransition, obj: models.Model, user: User) -> list[str]:
    """Why `user` cannot take this step now, worded for the page they are on: a step only a team
    manager takes says so, and where the manager will find it, instead of "Only a team manager
    can do this." (which is what the API says)."""
    permission = fsm_transition.permission
    step = step_of(fsm_transition)
    refused = permission_reasons(fsm_transition, obj, user)
    if (
        refused
        and isinstance(permission, Permission)
        and permission.managers_only
        and not user.has_role(Role.TEAM_MANAGER)
    ):
        refused = [MANAGER_DECIDES if step.decision else MANAGER_DOES]
    return refused + unmet_conditions(fsm_transition, obj) + step.refusals_on(obj, clock.today())


def permission_reasons(fsm_transition: FSMTransition, obj: models.Model, user: User) -> list[str]:
    permission = fsm_transition.permission
    if isinstance(permission, Permission):
        return permission.failing(obj, user)
    if permission is None or fsm_transition.has_perm(obj, user):
        return []
    return ["You do not have permission to do this."]


def unmet_conditions(fsm_transition: FSMTransition, obj: models.Model) -> list[str]:
    return [
        getattr(check, "reason", "A condition for this step is not met.")
        for check in fsm_transition.conditions
        if not check(obj)
    ]
