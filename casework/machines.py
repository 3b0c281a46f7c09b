"""The casework machines and deadline kinds, registered with the engine at start-up."""

from __future__ import annotations

from casework import deadlines as due
from casework.dispute_machines import register_dispute_machines
from casework.machines_advice import register_advice_machines
from casework.models import (
    Case,
    CaseStatus,
    EHCPlan,
    PlanStatus,
    PlanVersionKind,
    Review,
    ReviewOutcome,
    ReviewStatus,
    with_support_arranged,
)
from casework.services import ReviewDecidedBy
from casework.services.letters import LETTER_STEPS, DecisionLetter
from casework.services.phase_transfer import phase_transfer_met_by_naming, phase_transfer_sync
from casework.services.plan_versions import VersionFrozen
from workflows.registry import Machine, registry


def register_machines() -> None:
    registry.declare(*due.KINDS)
    registry.register(
        Machine(
            model=Case,
            field_name="status",
            states=CaseStatus,
            case_of=lambda case: case.pk,
            team_of=lambda case: case.team_id,
            owner_of=lambda case: case.lead_professional_id,
            opens_on_create=(due.REFERRAL_DECISION, due.ASSESSMENT_COMPLETE),
            child_lookups=("child",),
            team_lookup="team",
            step_url="casework:case-transition",
            decision_reads=with_support_arranged,
            read_with_lock=("referral",),
        )
    )
    registry.register(
        Machine(
            model=EHCPlan,
            field_name="status",
            states=PlanStatus,
            case_of=lambda plan: plan.case_id,
            team_of=lambda plan: plan.child.team_id,
            owner_of=lambda plan: plan.case.lead_professional_id if plan.case else None,
            opens_on_create=(due.DECISION_TO_ASSESS, due.FINAL_PLAN),
            verbose_name="EHC plan",
            child_lookups=("child",),
            team_lookup="child__team",
            step_url="casework:plan-transition",
        )
    )
    # A review's steps stay out of the case history, which shows the case's and the plan's: the
    # meeting and the decision are there as the steps they begin and end.
    registry.register(
        Machine(
            model=Review,
            field_name="status",
            states=ReviewStatus,
            verbose_name="review",
            child_lookups=("plan__child", "case__child"),
        )
    )
    # The decision on the plan or the case decides its review, in the step's own transaction;
    # a hook because the review's service imports the models these steps are declared on.
    registry.hook(EHCPlan.maintain, effects=(ReviewDecidedBy(ReviewOutcome.MAINTAIN),))
    registry.hook(EHCPlan.amend, effects=(ReviewDecidedBy(ReviewOutcome.AMEND),))
    registry.hook(EHCPlan.cease, effects=(ReviewDecidedBy(ReviewOutcome.CEASE),))
    registry.hook(Case.complete_review, effects=(ReviewDecidedBy(),))
    # A transfer date recorded before the plan was final, or left from before, opens its
    # deadline at the plan's next step; the final naming the new setting meets it (reg 18).
    for step in (EHCPlan.start_review, EHCPlan.maintain, EHCPlan.amend):
        registry.hook(step, effects=(phase_transfer_sync,))
    registry.hook(EHCPlan.issue_final, effects=(phase_transfer_sync, phase_transfer_met_by_naming))
    # Each decision the family must be told of writes its letter in the step's transaction, after
    # the effects (the appeal date, the review's outcome) it reports.
    for step in LETTER_STEPS:
        registry.hook(getattr(EHCPlan, step), notify=(DecisionLetter(step),))
    # Each issue is frozen as a version, whether the step is taken in the API, a page or the
    # demo; the final after an amendment too.
    registry.hook(EHCPlan.issue_draft, effects=(VersionFrozen(PlanVersionKind.DRAFT),))
    registry.hook(EHCPlan.issue_final, effects=(VersionFrozen(PlanVersionKind.FINAL),))
    register_advice_machines()
    register_dispute_machines()
