"""The success banner after each budget step says what happened, with the amount in words."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine

from accounts.roles import Role
from budgets import services
from budgets.demo import ANSWERS, default_scheme
from budgets.models import PersonalBudget
from budgets.selectors import balances_of
from casework.models import Case
from tests.factories import ActiveBudgetFactory, ChildFactory, staff
from workflows.templatetags.govuk import money

D = dt.date


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(dt.datetime(2026, 11, 24, 10, tzinfo=dt.UTC), tick=False):
        yield


def banner(response) -> str:
    """The text of the success banner the page shows after the redirect."""
    page = response.content.decode()
    start = page.index("govuk-notification-banner--success")
    return page[
        start : page.index("</div>", page.index("govuk-notification-banner__content", start))
    ]


def test_starting_scoring_and_planning_a_budget_each_say_the_amount_and_dates(
    client, team, practitioner
):
    default_scheme()
    child = ChildFactory(team=team)
    case = Case.objects.create(child=child, team=team, opened_on=D(2026, 1, 5))
    client.force_login(practitioner)

    started = client.post(
        f"/cases/{case.pk}/budget/new/",
        {"start_on_0": "1", "start_on_1": "10", "start_on_2": "2026"},
        follow=True,
    )
    budget = PersonalBudget.objects.get(child=child)
    scored = client.post(f"/budgets/{budget.pk}/score/", ANSWERS, follow=True)
    planned = client.post(
        f"/budgets/{budget.pk}/plan/",
        {
            "support_plan": "Breaks",
            "agreed_amount": "2692.60",
            "direct_payment_amount": "0",
            "notional_amount": "2692.60",
            "third_party_amount": "0",
            "social_care_amount": "2692.60",
            "education_amount": "0",
            "health_amount": "0",
            "direct_payment_frequency": "monthly",
        },
        follow=True,
    )

    assert "Personal budget 2026-27 started — from 1 October 2026 to 31 March 2027" in banner(
        started
    )
    assert (
        "Indicative budget worked out — £2,692.60 from 1 October 2026 to 31 March 2027"
        in banner(scored)
    )
    assert (
        "Support plan and agreed amount saved — £2,692.60 from 1 October 2026 to 31 March 2027"
        in banner(planned)
    )


@pytest.fixture
def budget(team):
    return ActiveBudgetFactory(
        child=ChildFactory(team=team), amount="5400.00", start_on=D(2026, 4, 1)
    )


def entry(client, budget, kind, amount, **more):
    return client.post(
        f"/budgets/{budget.pk}/entries/new/",
        {
            "kind": kind,
            "amount": amount,
            "entry_on_0": "1",
            "entry_on_1": "8",
            "entry_on_2": "2026",
            "description": "Review",
            "reason": "Agreed at the six-month review.",
        }
        | more,
        follow=True,
    )


def test_an_increase_says_the_new_agreed_amount_a_year(client, team, budget):
    client.force_login(staff(Role.TEAM_MANAGER, team))

    raised = entry(client, budget, "adjustment_up", "250.00")
    reduced = entry(client, budget, "adjustment_down", "50.00")
    paid = entry(client, budget, "payment", "85.00", description="Music therapy")

    assert "Budget increased by £250.00 — now £5,650.00 a year from 1 April 2026" in banner(raised)
    assert "Budget reduced by £50.00 — now £5,600.00 a year from 1 April 2026" in banner(reduced)
    assert "Invoice of £85.00 paid — £5,515.00 is left to spend" in banner(paid)


def test_a_refused_entry_shows_no_success_banner_and_saves_nothing(client, team, budget):
    client.force_login(staff(Role.PRACTITIONER, team))

    response = entry(client, budget, "adjustment_up", "250.00")

    assert response.status_code in {400, 403}
    assert "govuk-notification-banner--success" not in response.content.decode()
    assert budget.entries.count() == 1


def test_suspending_resuming_and_ending_say_what_follows(client, team, budget):
    client.force_login(staff(Role.TEAM_MANAGER, team))
    url = f"/budgets/{budget.pk}/steps/"
    reason = {"reason": "The family is away.", "on_0": "24", "on_1": "11", "on_2": "2026"}

    suspended = client.post(url + "suspend/", reason, follow=True)
    resumed = client.post(url + "resume/", reason, follow=True)
    ended = client.post(url + "end/", reason, follow=True)

    assert "Budget suspended: no payments are made until a team manager resumes it" in banner(
        suspended
    )
    assert "Budget resumed: payments and bookings can carry on" in banner(resumed)
    assert "Budget ended on 24 November 2026 — no more payments are made from it" in banner(ended)


def test_a_recovery_says_what_is_left_to_spend(client, team):
    budget = ActiveBudgetFactory(
        child=ChildFactory(team=team),
        amount="1200.00",
        start_on=D(2026, 4, 1),
        by_direct_payments=True,
    )
    services.direct_payments_pay_due()
    client.force_login(staff(Role.TEAM_MANAGER, team))

    recovered = entry(client, budget, "recovery", "20.00", entry_on_1="11", entry_on_0="20")
    available = money(balances_of(budget).available)

    assert f"£20.00 of direct payment recovered — {available} is left to spend" in banner(
        recovered
    )
