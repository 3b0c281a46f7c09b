"""The budget machine, its deadline kinds, and what budgets add to casework, wired at start-up."""

from __future__ import annotations

from typing import Any

from budgets import messages
from budgets.models import BudgetStatus, PersonalBudget
from budgets.services import post_allocation, release_commitments
from casework import models as casework_models
from casework import panels
from workflows.registry import DeadlineKind, Machine, registry


def approved_budget(case: Any) -> bool:
    return PersonalBudget.objects.filter(
        child_id=case.child_id, status=BudgetStatus.ACTIVE
    ).exists()


def register() -> None:
    registry.register(
        Machine(
            model=PersonalBudget,
            field_name="status",
            case_of=lambda budget: budget.case_id,
            team_of=lambda budget: budget.team_id,
            owner_of=lambda budget: budget.case.lead_professional_id if budget.case else None,
            verbose_name="personal budget",
        )
    )
    # The ledger postings that approving and ending make, in their transition's transaction.
    # Added here because the services that post them import the models.
    for item in registry.machine_for(PersonalBudget).transitions():
        effect = {"approve": post_allocation, "end": release_commitments}.get(item.name)
        if effect is not None and effect not in item.custom.setdefault("effects", []):
            item.custom["effects"].append(effect)
        letters = {"approve": messages.approved, "return_for_changes": messages.returned}.get(
            item.name
        )
        if letters is not None and letters not in item.custom.setdefault("notify", []):
            item.custom["notify"].append(letters)
    registry.register_deadline_kind(
        DeadlineKind(
            "direct_payment_review",
            "Review the direct payment",
            statutory=False,
            source="SEN (Personal Budgets) Regulations 2014; council policy",
        )
    )
    registry.register_deadline_kind(
        DeadlineKind(
            "budget_review", "Review the personal budget", statutory=False, source="Council policy"
        )
    )
    casework_models.SUPPORT_ARRANGED_CHECKS.append(approved_budget)
    panels.CASE_PANELS.append("budgets/case_panel.html")
    panels.FAMILY_PANELS.append("budgets/family_panel.html")
    panels.TEAM_LINKS.append(("Budget panel: budgets waiting for approval", "budgets:panel"))
