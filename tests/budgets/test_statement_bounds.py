"""A statement is never a 500 however large the figures (issue #15: "a statement once a balance
passes £10bn"). A budget cannot hold more than the ledger's money columns can show; a
projection from a few days' spend, which can be larger, has room in the API."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
import time_machine
from rest_framework.test import APIClient

from accounts.roles import Role
from budgets import services
from budgets.selectors import balances_of
from tests.factories import (
    ActiveBudgetFactory,
    ChildFactory,
    FamilyMemberFactory,
    UserFactory,
    staff,
)

TODAY = dt.datetime(2026, 11, 24, 10, tzinfo=dt.UTC)
MOST = "9999999999.99"
SUFFIXES = ["statement/", "statement.csv", "statement.pdf"]


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(TODAY, tick=False):
        yield


def api(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


@pytest.fixture
def family_and_budget(team):
    child = ChildFactory(team=team)
    parent = UserFactory(role=Role.FAMILY)
    FamilyMemberFactory(child=child, name="Sam", relationship="mother", user=parent)
    return parent, ActiveBudgetFactory(child=child, amount=MOST)


def test_a_budget_cannot_be_adjusted_past_the_most_a_statement_can_show(family_and_budget, team):
    _parent, budget = family_and_budget
    manager = staff(Role.TEAM_MANAGER, team)

    response = api(manager).post(
        f"/api/v1/budgets/{budget.pk}/ledger/",
        {"kind": "adjustment_up", "amount": "1.00", "reason": "Review"},
        format="json",
    )

    assert response.status_code == 400
    assert "£9,999,999,999.99" in response.json()["fields"]["amount"][0]
    assert balances_of(budget).allocated == Decimal(MOST)


@pytest.mark.parametrize("suffix", SUFFIXES)
def test_a_statement_at_the_most_a_budget_can_hold_is_served(family_and_budget, suffix):
    parent, budget = family_and_budget

    response = api(parent).get(f"/api/v1/budgets/{budget.pk}/{suffix}")

    assert response.status_code == 200
    if suffix == "statement/":
        assert response.json()["allocated"] == MOST


@pytest.mark.parametrize("suffix", [*SUFFIXES, "page"])
def test_a_projection_past_ten_billion_is_served(client, team, suffix):
    child = ChildFactory(team=team)
    parent = UserFactory(role=Role.FAMILY)
    FamilyMemberFactory(child=child, name="Sam", relationship="mother", user=parent)
    budget = ActiveBudgetFactory(child=child, amount=MOST, start_on=dt.date(2026, 11, 23))
    services.invoice_pay(
        by=staff(Role.PRACTITIONER, team),
        budget=budget,
        amount="9000000000.00",
        description="Invoice",
    )

    if suffix == "page":
        client.force_login(parent)
        response = client.get(f"/budgets/{budget.pk}/statement/")
        assert response.status_code == 200
        assert "£580,500,000,000.00" in response.content.decode()
        return
    response = api(parent).get(f"/api/v1/budgets/{budget.pk}/{suffix}")

    assert response.status_code == 200
    if suffix == "statement/":
        # 9bn in 2 of the budget's 129 days, carried on to its end
        assert response.json()["projected_spend"] == "580500000000.00"
