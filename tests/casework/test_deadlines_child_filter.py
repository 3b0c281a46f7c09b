"""`GET /api/v1/deadlines/?child=` lists every deadline of the child — its case's, its plans',
its budgets' and packages' — in a fixed number of queries, and only to those who may see them."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from accounts.roles import Role
from budgets.services import direct_payments_pay_due
from casework.services.advice import advice_request
from tests.factories import (
    ActiveBudgetFactory,
    AssessingCaseFactory,
    AssessingPlanFactory,
    ChildFactory,
    FamilyMemberFactory,
    RequestedPlanFactory,
    UserFactory,
)
from tests.factories.shortbreaks import ActivePackageFactory
from tests.factories.workflows import DeadlineFactory

TODAY = dt.datetime(2026, 6, 1, 9, tzinfo=dt.UTC)


@pytest.fixture(autouse=True)
def today():
    with time_machine.travel(TODAY, tick=False):
        yield


def api(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def kinds_listed(user, child) -> list[str]:
    response = api(user).get("/api/v1/deadlines/", {"child": child.pk, "page_size": 100})
    assert response.status_code == 200
    return sorted(row["kind"] for row in response.json()["results"])


def a_child_with_everything(team):
    """A plan without a case, and a budget paid by direct payments, first paid on 1 April."""
    child = ChildFactory(team=team)
    RequestedPlanFactory(child=child)
    ActiveBudgetFactory(child=child, by_direct_payments=True)
    direct_payments_pay_due()
    return child


def test_the_childs_deadlines_include_their_budgets_reviews(team, practitioner):
    child = a_child_with_everything(team)
    ChildFactory(team=team)

    assert kinds_listed(practitioner, child) == [
        "budget_review",
        "decision_to_assess",
        "direct_payment_review",
        "final_plan",
    ]


def test_the_childs_deadlines_include_their_cases_and_packages(team, practitioner):
    child = ChildFactory(team=team)
    AssessingCaseFactory(child=child)
    package = ActivePackageFactory(child=child)
    DeadlineFactory(subject=package, kind="budget_review", team=team)

    assert "assessment_complete" in kinds_listed(practitioner, child)
    assert kinds_listed(practitioner, child).count("budget_review") == 2


def test_the_child_filter_takes_the_same_queries_however_many_records(team, practitioner):
    small = a_child_with_everything(team)
    large = a_child_with_everything(team)
    for kind in ("review_report", "review_decision", "annual_review"):
        DeadlineFactory(subject=large.plans.get(), kind=kind, team=team)
    api(practitioner).get("/api/v1/deadlines/", {"child": small.pk})  # content types cached

    counts = []
    for child in (small, large):
        with CaptureQueriesContext(connection) as queries:
            api(practitioner).get("/api/v1/deadlines/", {"child": child.pk})
        counts.append(len(queries))

    assert counts[0] == counts[1]
    assert counts[0] <= 6


def test_a_family_sees_their_own_childs_deadlines_only(team):
    child = a_child_with_everything(team)
    other = a_child_with_everything(team)
    family = UserFactory(role=Role.FAMILY)
    FamilyMemberFactory(child=child, user=family)

    assert len(kinds_listed(family, child)) == 4
    assert kinds_listed(family, other) == []


def test_a_provider_sees_no_deadlines(team):
    child = a_child_with_everything(team)
    provider = UserFactory(role=Role.PROVIDER)

    assert kinds_listed(provider, child) == []


def test_the_childs_deadlines_include_advice_asked_for_on_a_plan_without_a_case(
    team, practitioner
):
    child = ChildFactory(team=team)
    plan = AssessingPlanFactory(child=child, practitioner=practitioner)
    advice_request(
        by=practitioner,
        plan=plan,
        kind="medical",
        adviser=None,
        adviser_email="paediatrics@nhs.example",
        requested_on=dt.date(2026, 5, 20),
    )

    assert plan.case_id is None
    assert "advice" in kinds_listed(practitioner, child)
