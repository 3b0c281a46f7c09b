"""Recording the review that is due on a budget, from its page and the API: the overdue review of
the direct payments (SEN (Personal Budgets) Regulations 2014 reg 11) is completed without ending
the budget, audited, and the next is due with the EHC plan's review."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from rest_framework.test import APIClient

from accounts.roles import Role
from budgets import services
from casework.deadlines import ANNUAL_REVIEW
from casework.models import PlanStatus
from tests.factories import ActiveBudgetFactory, ChildFactory, PlanFactory, staff
from workflows.errors import InvalidParams, TransitionNotAllowed
from workflows.models import Deadline, DeadlineStatus, TransitionLog
from workflows.services import deadlines_mark_missed, deadlines_open

D = dt.date


@pytest.fixture(autouse=True)
def today():
    with time_machine.travel(dt.datetime(2026, 11, 30, 12, tzinfo=dt.UTC), tick=False):
        yield


@pytest.fixture
def paid(team):
    """Direct payments since 1 April 2026; the 3-month review was due 30 June and is missed."""
    child = ChildFactory(team=team)
    issued = D(2025, 9, 1)
    plan = PlanFactory(
        child=child,
        status=PlanStatus.FINAL,
        first_final_issued_on=issued,
        last_final_issued_on=issued,
    )
    deadlines_open(plan, (ANNUAL_REVIEW,), on=issued)
    budget = ActiveBudgetFactory(child=child, by_direct_payments=True)
    services.direct_payments_pay_due(today=D(2026, 4, 1))
    deadlines_mark_missed(today=D(2026, 7, 1))
    return budget


def dp_review(budget) -> Deadline:
    return Deadline.objects.for_subject(budget).get(kind="direct_payment_review")


def date_parts(day: dt.date) -> dict[str, str]:
    return {
        "reviewed_on_0": str(day.day),
        "reviewed_on_1": str(day.month),
        "reviewed_on_2": str(day.year),
    }


def api(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def test_the_overdue_direct_payment_review_is_completed_and_audited(paid, practitioner):
    services.budget_review_record(
        by=practitioner,
        budget=paid,
        reviewed_on=D(2026, 11, 20),
        direct_payments=True,
        outcome="continue",
        notes="Payments used for the agreed support",
    )

    review = dp_review(paid)
    assert (review.status, review.closed_on) == (DeadlineStatus.MISSED, D(2026, 11, 20))
    assert not Deadline.objects.for_subject(paid).running().filter(kind=review.kind).exists()
    log = TransitionLog.objects.get(transition="review_recorded")
    assert log.note == "Payments used for the agreed support"
    assert log.params["outcome"] == "continue"
    # reg 11: next at the plan's review, due by the last day of 12 months from its first issue
    assert log.params["next_review_on"] == "2026-08-31"
    paid.refresh_from_db()
    assert paid.status == "active"


def test_a_review_cannot_be_dated_in_the_future_or_before_the_budget_started(paid, practitioner):
    for day in (D(2026, 12, 1), paid.start_on - dt.timedelta(days=1)):
        with pytest.raises(InvalidParams) as refused:
            services.budget_review_record(
                by=practitioner, budget=paid, reviewed_on=day, direct_payments=True
            )
        assert set(refused.value.fields) == {"reviewed_on"}
    assert dp_review(paid).closed_on is None


def test_an_unknown_outcome_is_refused(paid, practitioner):
    with pytest.raises(InvalidParams) as refused:
        services.budget_review_record(
            by=practitioner,
            budget=paid,
            reviewed_on=D(2026, 11, 20),
            direct_payments=True,
            outcome="stop",
        )
    assert set(refused.value.fields) == {"outcome"}


def test_a_second_review_is_refused_when_none_is_due(paid, practitioner):
    services.budget_review_record(
        by=practitioner, budget=paid, reviewed_on=D(2026, 11, 20), direct_payments=True
    )
    with pytest.raises(TransitionNotAllowed):
        services.budget_review_record(
            by=practitioner, budget=paid, reviewed_on=D(2026, 11, 21), direct_payments=True
        )


def test_the_budget_page_links_the_review_when_it_is_due(client, paid, practitioner):
    client.force_login(practitioner)

    page = client.get(f"/budgets/{paid.pk}/").content.decode()

    assert f"/budgets/{paid.pk}/review/" in page
    assert "Record the review of the direct payments" in page


def test_the_review_page_records_the_review_with_the_date_input(client, paid, practitioner):
    client.force_login(practitioner)
    form = client.get(f"/budgets/{paid.pk}/review/").content.decode()
    assert "reviewed_on_0" in form
    assert "regulation 11" in form

    response = client.post(
        f"/budgets/{paid.pk}/review/", {**date_parts(D(2026, 11, 20)), "outcome": "continue"}
    )

    assert response.status_code == 302
    assert dp_review(paid).closed_on == D(2026, 11, 20)
    page = client.get(response["Location"]).content.decode()
    assert "Review recorded on 20 November 2026." in page
    assert "next reviewed with the EHC plan&#x27;s review, due by 31 August 2026" in page


def test_changing_the_amount_leads_to_the_ledger_entry_page(client, paid, practitioner):
    client.force_login(practitioner)

    response = client.post(
        f"/budgets/{paid.pk}/review/", {**date_parts(D(2026, 11, 20)), "outcome": "change_amount"}
    )

    assert response["Location"] == f"/budgets/{paid.pk}/entries/new/"


def test_the_review_page_refuses_empty_future_and_early_dates_in_our_words(
    client, paid, practitioner
):
    client.force_login(practitioner)
    url = f"/budgets/{paid.pk}/review/"

    empty = client.post(url, {})
    future = client.post(url, {**date_parts(D(2026, 12, 1)), "outcome": "continue"})
    early = client.post(url, {**date_parts(D(2026, 3, 1)), "outcome": "continue"})

    assert empty.status_code == future.status_code == early.status_code == 400
    assert "Enter the date of the review." in empty.content.decode()
    assert "Choose whether the payments carry on or the amount changes." in empty.content.decode()
    assert "The date must be today or in the past." in future.content.decode()
    assert "on or after the budget started" in early.content.decode()
    assert dp_review(paid).closed_on is None


def test_another_teams_practitioner_is_told_the_budget_does_not_exist(client, paid, other_team):
    client.force_login(staff(Role.PRACTITIONER, other_team))

    assert client.get(f"/budgets/{paid.pk}/review/").status_code == 404


def test_the_api_records_the_review_that_is_due(paid, practitioner):
    response = api(practitioner).post(
        f"/api/v1/budgets/{paid.pk}/review/",
        {"reviewed_on": "2026-11-20", "outcome": "continue", "notes": "Fine"},
        format="json",
    )

    assert response.status_code == 200
    body = response.json()
    assert (body["kind"], body["reviewed_on"], body["outcome"]) == (
        "direct_payment_review",
        "2026-11-20",
        "continue",
    )
    assert dp_review(paid).closed_on == D(2026, 11, 20)


def test_the_api_refuses_bad_input_with_400_and_nothing_due_with_409(paid, practitioner):
    url = f"/api/v1/budgets/{paid.pk}/review/"
    client = api(practitioner)

    bad = client.post(url, {"reviewed_on": "2026-12-25", "outcome": "stop"}, format="json")
    assert bad.status_code == 400
    assert set(bad.json()["fields"]) == {"outcome"}
    future = client.post(url, {"reviewed_on": "2026-12-25", "outcome": "continue"}, format="json")
    assert future.status_code == 400
    assert "reviewed_on" in future.json()["fields"]
    assert dp_review(paid).closed_on is None

    # The direct payments' review first, then the council's yearly one; then none is due.
    for _ in range(2):
        ok = client.post(url, {"reviewed_on": "2026-11-20", "outcome": "continue"}, format="json")
        assert ok.status_code == 200
    assert (
        client.post(
            url, {"reviewed_on": "2026-11-20", "outcome": "continue"}, format="json"
        ).status_code
        == 409
    )
