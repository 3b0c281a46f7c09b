"""Test factories, one module per app; import them from here: `from tests.factories import X`."""

from tests.factories.accounts import TeamFactory, UserFactory, staff
from tests.factories.budgets import active_budget
from tests.factories.casework import CaseFactory, ChildFactory, PlanFactory

__all__ = [
    "CaseFactory",
    "ChildFactory",
    "PlanFactory",
    "TeamFactory",
    "UserFactory",
    "active_budget",
    "staff",
]
