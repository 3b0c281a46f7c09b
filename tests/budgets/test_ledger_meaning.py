"""Money has business meaning, never a free hand (DESIGN §8; issue #15, item 1).

The generic ledger endpoint takes only a manager's adjustment; every other entry is made by the
service that means it. A release names its commitment and never uses more than is left of it; an
entry is dated within its budget's dates and never after today; the database says the same.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
import time_machine
from django.db import IntegrityError, transaction
from rest_framework.test import APIClient

import workflows
from accounts.roles import Role
from budgets import services
from budgets.models import EntryKind, LedgerEntry
from budgets.selectors import balances_of
from budgets.services import BudgetExceeded
from tests.factories import (
    ActiveBudgetFactory,
    ActivePackageFactory,
    ChildFactory,
    ServiceFactory,
    staff,
)
from workflows.errors import InvalidParams, NotPermitted

D = dt.date
TODAY = dt.datetime(2026, 11, 24, 10, tzinfo=dt.UTC)


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(TODAY, tick=False):
        yield


def api(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


@pytest.fixture
def budget(team):
    return ActiveBudgetFactory(child__team=team, amount="1000.00")


@pytest.fixture
def practitioner(team):
    return staff(Role.PRACTITIONER, team)


@pytest.fixture
def manager(team):
    return staff(Role.TEAM_MANAGER, team)


def ledger_url(budget) -> str:
    return f"/api/v1/budgets/{budget.pk}/ledger/"


def figures(budget):
    balances = balances_of(budget)
    return (balances.allocated, balances.spent, balances.committed, balances.available)


def commitment(budget, by, amount="100.00"):
    return services.ledger_post(
        by=by, budget=budget, kind=EntryKind.COMMITMENT, amount=amount, description="Booking"
    )


# The generic endpoint ------------------------------------------------------------------------


def test_a_practitioners_release_without_its_commitment_is_refused_and_creates_no_money(
    budget, practitioner
):
    before = figures(budget)

    response = api(practitioner).post(
        ledger_url(budget), {"kind": "commitment_release", "amount": "1000.00"}, format="json"
    )

    assert response.status_code == 400
    assert "kind" in response.json()["fields"]
    assert figures(budget) == before == (Decimal("1000.00"), 0, 0, Decimal("1000.00"))
    assert LedgerEntry.objects.filter(budget=budget).count() == 1


@pytest.mark.parametrize(
    "kind", ["allocation", "commitment", "commitment_release", "payment", "recovery"]
)
def test_the_ledger_endpoint_refuses_every_kind_but_an_adjustment_even_from_a_manager(
    budget, manager, kind
):
    response = api(manager).post(
        ledger_url(budget),
        {"kind": kind, "amount": "10.00", "reason": "Because"},
        format="json",
    )

    assert response.status_code == 400
    assert list(response.json()["fields"]) == ["kind"]
    assert LedgerEntry.objects.filter(budget=budget).count() == 1


def test_an_adjustment_cannot_use_up_a_commitment(budget, practitioner, manager):
    booked = commitment(budget, practitioner)

    response = api(manager).post(
        ledger_url(budget),
        {"kind": "adjustment_down", "amount": "10.00", "reason": "x", "settles": booked.pk},
        format="json",
    )

    assert response.status_code == 400
    assert "settles" in response.json()["fields"]


def test_an_adjustment_down_above_what_is_available_is_refused(budget, practitioner, manager):
    commitment(budget, practitioner, "300.00")

    response = api(manager).post(
        ledger_url(budget),
        {"kind": "adjustment_down", "amount": "700.01", "reason": "Review"},
        format="json",
    )

    assert response.status_code == 409
    assert response.json()["code"] == "budget_exceeded"
    assert response.json()["available"] == "700.00"
    assert balances_of(budget).available == Decimal("700.00")


# Releases and payments that use up a commitment ----------------------------------------------


def test_a_release_must_name_its_commitment(budget, practitioner):
    commitment(budget, practitioner)
    before = figures(budget)

    with pytest.raises(InvalidParams) as refused:
        services.ledger_post(
            by=practitioner, budget=budget, kind=EntryKind.COMMITMENT_RELEASE, amount="100.00"
        )

    assert "settles" in refused.value.fields
    assert figures(budget) == before


def test_a_release_above_what_is_left_of_its_commitment_is_refused(budget, practitioner):
    booked = commitment(budget, practitioner, "100.00")
    services.ledger_post(
        by=practitioner, budget=budget, kind=EntryKind.PAYMENT, amount="60.00", settles=booked
    )
    before = figures(budget)

    with pytest.raises(InvalidParams) as refused:
        services.ledger_post(
            by=practitioner,
            budget=budget,
            kind=EntryKind.COMMITMENT_RELEASE,
            amount="40.01",
            settles=booked,
        )

    assert "amount" in refused.value.fields
    assert figures(budget) == before
    assert before[2] == Decimal("40.00")


# Dates -----------------------------------------------------------------------------------------


def test_a_payment_dated_years_outside_the_budgets_dates_is_refused_by_the_service(
    budget, practitioner
):
    with pytest.raises(InvalidParams) as refused:
        services.ledger_post(
            by=practitioner,
            budget=budget,
            kind=EntryKind.PAYMENT,
            amount="10.00",
            entry_on=D(2019, 6, 1),
        )

    assert "1 April 2026 to 31 March 2027" in refused.value.fields["entry_on"][0]
    assert balances_of(budget).spent == 0


def test_a_payment_after_an_old_budgets_end_is_refused(team, practitioner):
    old = ActiveBudgetFactory(child__team=team, amount="500.00", start_on=D(2023, 4, 1))

    with pytest.raises(InvalidParams) as refused:
        services.invoice_pay(by=practitioner, budget=old, amount="10.00", description="Invoice")

    assert "entry_on" in refused.value.fields
    assert balances_of(old).spent == 0


def test_a_delivery_recorded_years_after_the_budgets_dates_is_refused_through_the_api(team):
    from shortbreaks import services as shortbreaks

    child = ChildFactory(team=team, date_of_birth=D(2014, 5, 1))
    manager, practitioner = staff(Role.TEAM_MANAGER, team), staff(Role.PRACTITIONER, team)
    old = ActiveBudgetFactory(
        child=child, amount="500.00", start_on=D(2023, 4, 1), manager=manager
    )
    service = ServiceFactory(provider__name="Club", name="Club", capacity=5, min_age=0, max_age=25)
    package = ActivePackageFactory(
        child=child,
        practitioner=practitioner,
        manager=manager,
        budget=old,
        service=service,
        units=4,
        start_on=D(2023, 4, 1),
        end_on=D(2024, 3, 31),
        approved_on=D(2023, 4, 2),
    )
    (session,) = shortbreaks.sessions_book(
        by=practitioner, package=package, dates=[D(2023, 6, 3)], units="1", on=D(2023, 4, 3)
    )

    response = api(practitioner).post(
        f"/api/v1/shortbreaks/sessions/{session.pk}/transitions/deliver/", {}, format="json"
    )

    assert response.status_code == 400
    assert "entry_on" in response.json()["fields"]
    assert balances_of(old).spent == 0
    assert balances_of(old).committed == Decimal("25.00")


def test_an_adjustment_dated_outside_the_budget_is_refused_through_the_api(budget, manager):
    response = api(manager).post(
        ledger_url(budget),
        {"kind": "adjustment_up", "amount": "10.00", "reason": "x", "entry_on": "2019-06-01"},
        format="json",
    )

    assert response.status_code == 400
    assert "entry_on" in response.json()["fields"]


def test_an_entry_dated_in_the_future_is_refused(budget, manager, practitioner):
    response = api(manager).post(
        ledger_url(budget),
        {"kind": "adjustment_up", "amount": "10.00", "reason": "x", "entry_on": "2026-11-25"},
        format="json",
    )
    with pytest.raises(InvalidParams) as refused:
        services.ledger_post(
            by=practitioner,
            budget=budget,
            kind=EntryKind.COMMITMENT,
            amount="10.00",
            entry_on=D(2026, 11, 25),
        )

    assert response.status_code == 400
    assert response.json()["fields"] == {"entry_on": ["The date cannot be in the future."]}
    assert "entry_on" in refused.value.fields
    assert LedgerEntry.objects.filter(budget=budget).count() == 1


def test_a_budget_approved_before_it_starts_takes_entries_from_its_approval(
    team, practitioner, manager
):
    from budgets.demo import ANSWERS, default_scheme

    with time_machine.travel(dt.datetime(2026, 3, 20, 10, tzinfo=dt.UTC), tick=False):
        early = services.budget_request(
            by=practitioner, child=ChildFactory(team=team), start_on=D(2026, 4, 1)
        )
        early = services.budget_score(
            by=practitioner, budget=early, scheme=default_scheme(), answers=ANSWERS
        )
        early = services.budget_plan(
            by=practitioner,
            budget=early,
            support_plan="Breaks",
            agreed_amount="500.00",
            notional_amount="500.00",
            social_care_amount="500.00",
        )
        early = workflows.transition(early, "submit", by=practitioner)
        early = workflows.transition(early, "approve", by=manager)
        booked = commitment(early, practitioner, "50.00")
        with pytest.raises(InvalidParams):
            services.ledger_post(
                by=practitioner,
                budget=early,
                kind=EntryKind.COMMITMENT,
                amount="1.00",
                entry_on=D(2026, 3, 19),
            )

    assert services.first_entry_day(early) == D(2026, 3, 20)
    allocation = LedgerEntry.objects.get(budget=early, kind=EntryKind.ALLOCATION)
    assert (allocation.entry_on, booked.entry_on) == (D(2026, 3, 20), D(2026, 3, 20))


def test_a_budget_ended_after_its_dates_releases_on_its_last_day(team, practitioner, manager):
    old = ActiveBudgetFactory(child__team=team, amount="500.00", start_on=D(2025, 4, 1))
    with time_machine.travel(dt.datetime(2026, 2, 1, 10, tzinfo=dt.UTC), tick=False):
        commitment(old, practitioner, "50.00")

    workflows.transition(old, "end", by=manager, reason="Year over")

    release = LedgerEntry.objects.get(budget=old, kind=EntryKind.COMMITMENT_RELEASE)
    assert release.entry_on == D(2026, 3, 31)
    assert balances_of(old).committed == 0


# The database says the same --------------------------------------------------------------------


def raw_entry(budget, by, **fields):
    values = {
        "budget": budget,
        "entry_on": D(2026, 6, 1),
        "kind": EntryKind.PAYMENT,
        "amount": Decimal("10.00"),
        "description": "raw",
        "created_by": by,
    } | fields
    with transaction.atomic():
        return LedgerEntry.objects.create(**values)


def test_the_database_refuses_a_payment_dated_years_outside_its_budget(budget, practitioner):
    with pytest.raises(IntegrityError, match="within the dates of its budget"):
        raw_entry(budget, practitioner, entry_on=D(2019, 6, 1))
    with pytest.raises(IntegrityError, match="within the dates of its budget"):
        raw_entry(budget, practitioner, entry_on=D(2027, 4, 1))

    assert raw_entry(budget, practitioner, entry_on=D(2027, 3, 31)).pk


def test_the_database_refuses_a_release_without_its_commitment(budget, practitioner):
    with pytest.raises(IntegrityError):
        raw_entry(budget, practitioner, kind=EntryKind.COMMITMENT_RELEASE)

    assert balances_of(budget).committed == 0


def test_the_database_refuses_an_adjustment_that_names_a_commitment(budget, practitioner):
    booked = commitment(budget, practitioner)

    with pytest.raises(IntegrityError):
        raw_entry(budget, practitioner, kind=EntryKind.ADJUSTMENT_DOWN, settles=booked)


def test_the_database_refuses_to_use_up_what_is_not_a_commitment_of_the_budget(
    team, budget, practitioner
):
    paid = raw_entry(budget, practitioner)
    other = ActiveBudgetFactory(child__team=team, amount="100.00")
    elsewhere = commitment(other, practitioner, "10.00")

    for settles in (paid, elsewhere):
        with pytest.raises(IntegrityError, match="commitment on the same budget"):
            raw_entry(budget, practitioner, kind=EntryKind.COMMITMENT_RELEASE, settles=settles)


def test_the_database_refuses_to_use_more_of_a_commitment_than_is_left(budget, practitioner):
    booked = commitment(budget, practitioner, "0.30")
    raw_entry(budget, practitioner, amount=Decimal("0.10"), settles=booked)
    raw_entry(budget, practitioner, amount=Decimal("0.10"), settles=booked)

    with pytest.raises(IntegrityError, match="more of a commitment than is left"):
        raw_entry(budget, practitioner, amount=Decimal("0.11"), settles=booked)
    # Pence are compared exactly: 0.10 + 0.10 + 0.10 uses the 0.30 up, with nothing over.
    raw_entry(
        budget,
        practitioner,
        kind=EntryKind.COMMITMENT_RELEASE,
        amount=Decimal("0.10"),
        settles=booked,
    )
    assert balances_of(budget).committed == 0


# Recovery has its own service, endpoint and form ---------------------------------------------


@pytest.fixture
def paid_budget(team):
    budget = ActiveBudgetFactory(
        child__team=team,
        amount="1200.00",
        by_direct_payments=True,
    )
    services.direct_payments_pay_due()
    return budget


def test_a_manager_recovers_unspent_direct_payment_through_its_endpoint(paid_budget, manager):
    url = f"/api/v1/budgets/{paid_budget.pk}/recoveries/"

    recovered = api(manager).post(url, {"amount": "150.00", "reason": "Unspent"}, format="json")
    too_much = api(manager).post(url, {"amount": "650.01", "reason": "x"}, format="json")
    no_reason = api(manager).post(url, {"amount": "1.00"}, format="json")

    assert recovered.status_code == 201
    assert recovered.json()["kind"] == "recovery"
    assert too_much.status_code == 400
    assert "amount" in too_much.json()["fields"]
    assert no_reason.status_code == 400
    assert "reason" in no_reason.json()["fields"]
    assert balances_of(paid_budget).spent == Decimal("650.00")  # 8 × 100 − 150


@pytest.mark.parametrize("role", [Role.PRACTITIONER, Role.FAMILY, Role.PROVIDER])
def test_only_a_manager_may_recover(paid_budget, role, team):
    from tests.factories import UserFactory

    user = staff(role, team) if role == Role.PRACTITIONER else UserFactory(role=role)

    response = api(user).post(
        f"/api/v1/budgets/{paid_budget.pk}/recoveries/",
        {"amount": "1.00", "reason": "x"},
        format="json",
    )

    assert response.status_code in {403, 404}
    assert balances_of(paid_budget).spent == Decimal("800.00")


def test_the_recovery_service_refuses_a_practitioner(paid_budget, practitioner):
    with pytest.raises(NotPermitted):
        services.recovery_post(by=practitioner, budget=paid_budget, amount="1.00", reason="x")


def test_the_budget_page_still_pays_an_invoice_adjusts_and_recovers(client, paid_budget, team):
    manager = staff(Role.TEAM_MANAGER, team)
    client.force_login(manager)
    url = f"/budgets/{paid_budget.pk}/entries/new/"
    base = {
        "amount": "20.00",
        **{"entry_on_0": "20", "entry_on_1": "11", "entry_on_2": "2026"},
        "description": "Equipment",
    }

    for kind, reason in (
        ("payment", ""),
        ("adjustment_up", "Review"),
        ("adjustment_down", "Review"),
        ("recovery", "Unspent"),
    ):
        response = client.post(url, base | {"kind": kind, "reason": reason})
        assert response.status_code == 302, response.content.decode()[:2000]

    kinds = list(
        LedgerEntry.objects.filter(budget=paid_budget, entry_on=D(2026, 11, 20)).values_list(
            "kind", flat=True
        )
    )
    assert kinds == ["payment", "adjustment_up", "adjustment_down", "recovery"]
    assert balances_of(paid_budget).spent == Decimal("800.00")  # 800 + 20 invoice − 20 recovered


def test_a_practitioners_adjustment_on_the_page_is_refused(client, paid_budget, practitioner):
    client.force_login(practitioner)

    response = client.post(
        f"/budgets/{paid_budget.pk}/entries/new/",
        {
            "kind": "adjustment_up",
            "amount": "20.00",
            "entry_on_0": "20",
            "entry_on_1": "11",
            "entry_on_2": "2026",
            "description": "More",
            "reason": "x",
        },
    )

    assert response.status_code == 403
    assert balances_of(paid_budget).allocated == Decimal("1200.00")


def test_overdrawing_through_an_invoice_is_budget_exceeded(budget, practitioner):
    with pytest.raises(BudgetExceeded):
        services.invoice_pay(
            by=practitioner, budget=budget, amount="1000.01", description="Invoice"
        )
