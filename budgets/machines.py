"""The budget machine, its deadline kinds, and what budgets add to casework, wired at start-up."""

from __future__ import annotations

from typing import Any

from django.db.models import Exists, OuterRef, QuerySet

from budgets import messages
from budgets.models import KINDS, BudgetStatus, PersonalBudget
from budgets.services import (
    direct_payment_review_at_plan_review,
    post_allocation,
    release_commitments,
)
from casework import models as casework_models
from casework import panels
from workflows.registry import Machine, registry


def active_budgets_of(child: Any) -> QuerySet[PersonalBudget]:
    return PersonalBudget.objects.filter(child_id=child, status=BudgetStatus.ACTIVE)


def approved_budget(case: Any) -> bool:
    if hasattr(case, "has_active_budget"):
        return bool(case.has_active_budget)
    return active_budgets_of(case.child_id).exists()


def register() -> None:
    registry.declare(*KINDS)
    registry.register(
        Machine(
            model=PersonalBudget,
            field_name="status",
            states=BudgetStatus,
            case_of=lambda budget: budget.case_id,
            team_of=lambda budget: budget.team_id,
            owner_of=lambda budget: budget.case.lead_professional_id if budget.case else None,
            verbose_name="personal budget",
            child_lookups=("child",),
            team_lookup="team",
            step_url="budgets:transition",
        )
    )
    # The ledger postings that approving and ending make, and who is told, in the transition's
    # own transaction: budgets' services import the model, so they attach here, not on the verb.
    registry.hook(PersonalBudget.approve, effects=(post_allocation,), notify=(messages.approved,))
    registry.hook(PersonalBudget.end, effects=(release_commitments,))
    registry.hook(PersonalBudget.return_for_changes, notify=(messages.returned,))
    # reg 11 of the Personal Budgets Regulations: direct payments are reviewed at each review of
    # the plan; budgets hooks the plan's step, as casework may not import budgets.
    registry.hook(
        casework_models.EHCPlan.start_review, effects=(direct_payment_review_at_plan_review,)
    )
    casework_models.SUPPORT_ARRANGED_CHECKS.append(approved_budget)
    casework_models.SUPPORT_ARRANGED_ANNOTATIONS["has_active_budget"] = lambda: Exists(
        active_budgets_of(OuterRef("child_id"))
    )
    panels.CASE_PANELS.append("budgets/case_panel.html")
    panels.FAMILY_PANELS.append("budgets/family_panel.html")
    panels.TEAM_LINKS.append(("Budget panel: budgets waiting for approval", "budgets:panel"))
