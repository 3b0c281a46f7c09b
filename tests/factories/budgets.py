from __future__ import annotations

from accounts.roles import Role
from tests.factories.accounts import staff


def active_budget(
    child, *, amount: str = "1200.00", start_on=None, practitioner=None, manager=None, **plan
):
    """A budget taken to `active` through the real services: requested, scored, planned,
    submitted by a practitioner and approved by a different manager."""
    import datetime as dt
    from decimal import Decimal

    import workflows
    from budgets import services
    from budgets.demo import ANSWERS, default_scheme

    practitioner = practitioner or staff(Role.PRACTITIONER, child.team)
    manager = manager or staff(Role.TEAM_MANAGER, child.team)
    start_on = start_on or dt.date(2026, 4, 1)
    budget = services.budget_request(by=practitioner, child=child, start_on=start_on)
    budget = services.budget_score(
        by=practitioner, budget=budget, scheme=default_scheme(), answers=ANSWERS, on=start_on
    )
    fields = {
        "support_plan": "Short breaks",
        "agreed_amount": amount,
        "direct_payment_amount": "0.00",
        "notional_amount": amount,
        "social_care_amount": amount,
    } | plan
    budget = services.budget_plan(by=practitioner, budget=budget, **fields)
    budget = workflows.transition(budget, "submit", by=practitioner, on=start_on)
    assert Decimal(amount) == budget.agreed_amount
    return workflows.transition(budget, "approve", by=manager, on=start_on)
