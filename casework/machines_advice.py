"""The machines of advice requests, transfers and re-assessments, registered with the plan's.

Their deadlines are the plan's business: the case and team are the plan's, and the owner is
whoever the plan's machine names, so a change to the plan's owner rule reaches them too.
"""

from __future__ import annotations

from typing import Any

from casework.deadlines import advice as due
from casework.models import EHCPlan
from casework.models.advice import (
    AdviceRequest,
    AdviceStatus,
    Reassessment,
    ReassessmentStatus,
    Transfer,
    TransferStatus,
)
from casework.services.advice import PlanRecordsMoot
from workflows.registry import Machine, registry

# What a plan's ending makes moot: outstanding advice when no plan is to be issued; everything
# still due on transfers and re-assessments when the plan is ceased.
NO_PLAN_TO_ISSUE = PlanRecordsMoot("decide_not_to_issue", (due.ADVICE,))
CEASED = PlanRecordsMoot(
    "cease",
    (
        due.ADVICE,
        due.TRANSFER_IN_NOTICE,
        due.TRANSFER_OUT_SENT,
        due.REASSESSMENT_DECISION,
        due.REASSESSMENT_FINAL,
    ),
)


def _plan_owner(record: Any) -> int | None:
    return registry.machine_for(EHCPlan).owner_of(record.plan)


def register_advice_machines() -> None:
    registry.declare(*due.KINDS)
    for model, states, opens, label in (
        (AdviceRequest, AdviceStatus, (due.ADVICE,), "advice request"),
        (Transfer, TransferStatus, (due.TRANSFER_IN_NOTICE, due.TRANSFER_OUT_SENT), "transfer"),
        (Reassessment, ReassessmentStatus, (due.REASSESSMENT_DECISION,), "re-assessment"),
    ):
        registry.register(
            Machine(
                model=model,
                field_name="status",
                states=states,
                case_of=lambda record: record.plan.case_id,
                team_of=lambda record: record.plan.child.team_id,
                owner_of=_plan_owner,
                child_lookups=("plan__child",),
                opens_on_create=opens,
                verbose_name=label,
            )
        )
    registry.hook(EHCPlan.decide_not_to_issue, effects=(NO_PLAN_TO_ISSUE,))
    registry.hook(EHCPlan.cease, effects=(CEASED,))
