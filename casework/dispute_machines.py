"""Disputes' declarations: their deadline kinds, the order steps' machine, and the hooks on the
plan's steps that set the family's appeal date and carry out a Tribunal order."""

from __future__ import annotations

import datetime as dt
from typing import Any

from casework.deadlines import disputes as due
from casework.models import EHCPlan, Reassessment, TribunalOrderStep
from casework.models.dispute import OrderStepStatus
from casework.services.disputes import (
    APPEALABLE,
    STEPS,
    OrderStepsTaken,
    appealable_decision,
    plan_appeal_decided,
)
from workflows.registry import Machine, registry


def _plan_of(step: TribunalOrderStep) -> EHCPlan:
    return step.dispute.plan


def reassessment_refused(reassessment: Reassessment, *, by: Any, on: dt.date) -> None:
    plan_appeal_decided(plan=reassessment.plan, decided_on=on)


def register_dispute_machines() -> None:
    registry.declare(*due.KINDS)
    # An order step has no steps of its own: the machine tells the engine whose case, team and
    # owner its `tribunal_order` deadline belongs to.
    registry.register(
        Machine(
            model=TribunalOrderStep,
            field_name="status",
            states=OrderStepStatus,
            case_of=lambda step: _plan_of(step).case_id,
            team_of=lambda step: _plan_of(step).child.team_id,
            owner_of=lambda step: registry.machine_for(EHCPlan).owner_of(_plan_of(step)),
            child_lookups=("dispute__plan__child",),
            verbose_name="step of a Tribunal order",
        )
    )
    for name in APPEALABLE:
        registry.hook(getattr(EHCPlan, name), effects=(appealable_decision,))
    # A refusal to re-assess is appealable too (CFA 2014 s51(2)(d)): a re-assessment step.
    registry.hook(Reassessment.refuse, effects=(reassessment_refused,))
    for name in sorted(
        {name for item in STEPS.values() for name in item.closed_by}
        | {name for item in STEPS.values() for name in item.not_required_by}
    ):
        registry.hook(getattr(EHCPlan, name), effects=(OrderStepsTaken(name),))
