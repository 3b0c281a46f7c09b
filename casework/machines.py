"""The casework machines and deadline kinds, registered with the engine at start-up."""

from __future__ import annotations

from casework import deadlines as due
from casework.models import Case, EHCPlan, Review, ReviewOutcome
from casework.services import ReviewDecidedBy
from workflows.registry import DeadlineRule, Machine, registry


def register_machines() -> None:
    due.register_kinds()
    registry.register(
        Machine(
            model=Case,
            field_name="status",
            case_of=lambda case: case.pk,
            team_of=lambda case: case.team_id,
            owner_of=lambda case: case.lead_professional_id,
            opens_on_create=(
                DeadlineRule("referral_decision", due.referral_decision),
                DeadlineRule("assessment_complete", due.assessment_complete),
            ),
        )
    )
    registry.register(
        Machine(
            model=EHCPlan,
            field_name="status",
            case_of=lambda plan: plan.case_id,
            team_of=lambda plan: plan.child.team_id,
            owner_of=lambda plan: plan.case.lead_professional_id if plan.case else None,
            opens_on_create=(
                DeadlineRule("decision_to_assess", due.decision_to_assess),
                DeadlineRule("final_plan", due.final_plan),
            ),
            verbose_name="EHC plan",
        )
    )
    # A review's steps stay out of the case history, which shows the case's and the plan's: the
    # meeting and the decision are there as the steps they begin and end.
    registry.register(Machine(model=Review, field_name="status", verbose_name="review"))
    # The decision on the plan or the case decides its review, in the step's own transaction.
    registry.extend(EHCPlan, "maintain", "effects", ReviewDecidedBy(ReviewOutcome.MAINTAIN))
    registry.extend(EHCPlan, "amend", "effects", ReviewDecidedBy(ReviewOutcome.AMEND))
    registry.extend(EHCPlan, "cease", "effects", ReviewDecidedBy(ReviewOutcome.CEASE))
    registry.extend(Case, "complete_review", "effects", ReviewDecidedBy())
