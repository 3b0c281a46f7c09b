"""Short-break sessions and their money: booking, each outcome, the steps, bulk recording."""

from __future__ import annotations

import datetime as dt
import threading
from decimal import Decimal

import pytest
from django.db import connection, connections

import workflows
from accounts.roles import Role
from budgets.selectors import balances_of, statement
from budgets.services import BudgetExceeded
from shortbreaks import services
from shortbreaks.models import Package, Service, Session, SessionStatus
from tests.factories import (
    ActiveBudgetFactory,
    ActivePackageFactory,
    ChildFactory,
    ProviderFactory,
    RequestedPackageFactory,
    ServiceFactory,
    UserFactory,
    staff,
)
from tests.shortbreaks import fixtures
from tests.shortbreaks.fixtures import D, book
from workflows.errors import InvalidParams, NotPermitted, TransitionNotAllowed
from workflows.models import TransitionLog

# The short-break world of the fixtures module, and its frozen clock (a Tuesday).
world, frozen = fixtures.world, fixtures.frozen


# Sessions and their money -------------------------------------------------------------------


def test_booking_sets_money_aside(world):
    [session] = book(world, D(2026, 11, 28))

    balances = balances_of(world["budget"])
    assert (balances.committed, balances.available) == (Decimal("25.00"), Decimal("475.00"))
    assert session.commitment.category == "day_activity"


@pytest.mark.parametrize(
    ("step", "role", "charged", "spent", "committed"),
    [
        ("deliver", "provider", False, "25.00", "0.00"),
        ("cancel", "practitioner", False, "0.00", "0.00"),
        ("record_no_show", "provider", False, "0.00", "0.00"),
        ("record_no_show", "provider", True, "25.00", "0.00"),
    ],
)
def test_each_outcome_moves_the_money_and_the_statement_agrees(
    world, step, role, charged, spent, committed
):
    Service.objects.filter(pk=world["service"].pk).update(no_show_charged=charged)
    [session] = book(world, D(2026, 11, 21))
    params = {"reason": "Ill"} if step == "cancel" else {}

    workflows.transition(session, step, by=world[role], **params)

    result = statement(world["budget"])
    assert (result.balances.spent, result.balances.committed) == (
        Decimal(spent),
        Decimal(committed),
    )
    assert result.balances.available == Decimal("500.00") - Decimal(spent)
    if Decimal(spent):
        assert result.by_category == [
            {"category": "day_activity", "label": "Day activities", "spent": Decimal(spent)}
        ]


SESSION_STEPS = {
    "deliver": "provider",
    "cancel": "practitioner",
    "record_no_show": "provider",
}


@pytest.mark.parametrize(
    ("name", "state"), [(n, s) for n in SESSION_STEPS for s in SessionStatus.values]
)
def test_session_step_from_each_state(world, name, state):
    [session] = book(world, D(2026, 11, 21))
    Session.objects.filter(pk=session.pk).update(status=state)
    session = Session.objects.get(pk=session.pk)
    params = {"reason": "x"} if name == "cancel" else {}

    if state == SessionStatus.BOOKED:
        assert (
            workflows.transition(session, name, by=world[SESSION_STEPS[name]], **params).status
            != state
        )
    else:
        with pytest.raises(TransitionNotAllowed):
            workflows.transition(session, name, by=world[SESSION_STEPS[name]], **params)


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("name", list(SESSION_STEPS))
def test_a_failing_session_step_changes_nothing(world, monkeypatch, name):
    [session] = book(world, D(2026, 11, 21))
    before = balances_of(world["budget"])
    monkeypatch.setattr(TransitionLog.objects, "create", lambda **kw: 1 / 0)

    with pytest.raises(ZeroDivisionError):
        workflows.transition(
            session,
            name,
            by=world[SESSION_STEPS[name]],
            **({"reason": "x"} if name == "cancel" else {}),
        )

    assert Session.objects.get(pk=session.pk).status == SessionStatus.BOOKED
    assert balances_of(world["budget"]) == before


def test_delivering_a_cancelled_session_is_a_409(world):
    [session] = book(world, D(2026, 11, 21))
    session = workflows.transition(session, "cancel", by=world["practitioner"], reason="Ill")

    with pytest.raises(TransitionNotAllowed):
        workflows.transition(session, "deliver", by=world["provider"])


def test_a_session_cannot_be_delivered_before_its_day(world):
    [session] = book(world, D(2026, 11, 28))

    with pytest.raises(TransitionNotAllowed) as refused:
        workflows.transition(session, "deliver", by=world["provider"])

    assert refused.value.detail == "The session has not happened yet."


def test_another_providers_login_cannot_record_the_session(world):
    other = UserFactory(role=Role.PROVIDER)
    ProviderFactory(name="Other", kind="private", users=[other])
    [session] = book(world, D(2026, 11, 21))

    with pytest.raises(NotPermitted):
        workflows.transition(session, "deliver", by=other)


def test_a_recurring_booking_that_would_overdraw_books_nothing(world):
    Package.objects.filter(pk=world["package"].pk).update(units=100)
    saturdays = services.weekly_dates(start_on=D(2026, 11, 28), end_on=D(2027, 3, 31), weekday=5)

    with pytest.raises(BudgetExceeded):
        book(world, *saturdays, units="2")  # 18 × £50 against £500

    assert not Session.objects.exists()
    assert balances_of(world["budget"]).available == Decimal("500.00")


def test_a_booking_that_overdraws_the_budget_is_budget_exceeded(world):
    Package.objects.filter(pk=world["package"].pk).update(units=100)

    with pytest.raises(BudgetExceeded) as refused:
        book(
            world,
            *services.weekly_dates(start_on=D(2026, 11, 28), end_on=D(2027, 3, 31), weekday=5),
            units="2",
        )

    assert refused.value.extra == {"available": "0.00"}
    assert not Session.objects.exists()


@pytest.mark.parametrize(
    ("dates", "units", "field"),
    [
        ([D(2026, 11, 28)], "0", "units"),
        ([D(2026, 11, 28)], "-1", "units"),
        ([D(2026, 3, 28)], "1", "dates"),
        ([D(2034, 5, 6)], "1", "dates"),
        ([], "1", "dates"),
        ([D(2026, 11, 28), D(2026, 11, 28)], "1", "dates"),
    ],
)
def test_bad_bookings_are_400_with_the_reason(world, dates, units, field):
    with pytest.raises(InvalidParams) as invalid:
        book(world, *dates, units=units)

    assert field in invalid.value.fields


def test_a_child_outside_the_age_range_on_the_day_is_a_400(world):
    Service.objects.filter(pk=world["service"].pk).update(
        min_age=11
    )  # the child turns 11 on 1 May

    with pytest.raises(InvalidParams) as invalid:
        book(world, D(2026, 11, 28))

    assert "outside the ages 11 to 18" in invalid.value.fields["dates"][0]


def test_a_full_day_is_refused(world, team):
    Service.objects.filter(pk=world["service"].pk).update(capacity=1)
    book(world, D(2026, 11, 28))
    other_child = ChildFactory(team=team, date_of_birth=D(2015, 1, 1))
    other = ActivePackageFactory(
        child=other_child,
        practitioner=world["practitioner"],
        manager=world["manager"],
        budget=None,
        service=world["service"],
        units=2,
        start_on=D(2026, 11, 1),
        end_on=D(2026, 12, 31),
    )

    with pytest.raises(TransitionNotAllowed) as refused:
        services.sessions_book(
            by=world["practitioner"], package=other, dates=[D(2026, 11, 28)], units="1"
        )

    assert "is full on 28 November 2026" in refused.value.detail


def test_the_package_units_cap_the_bookings(world):
    Package.objects.filter(pk=world["package"].pk).update(units=2)

    with pytest.raises(TransitionNotAllowed) as refused:
        book(world, D(2026, 11, 28), D(2026, 12, 5), D(2026, 12, 12))

    assert "only 2 sessions left" in refused.value.detail


def test_a_provider_records_a_day_in_bulk_all_or_nothing(world):
    # One live session a day per package: the cancelled one is booked and cancelled first.
    second = book(world, D(2026, 11, 21))
    cancelled = workflows.transition(second[0], "cancel", by=world["practitioner"], reason="x")
    first = book(world, D(2026, 11, 21))

    with pytest.raises(TransitionNotAllowed):
        services.sessions_record_day(
            by=world["provider"], outcomes={first[0]: "delivered", cancelled: "delivered"}
        )
    assert Session.objects.get(pk=first[0].pk).status == SessionStatus.BOOKED

    assert (
        services.sessions_record_day(by=world["provider"], outcomes={first[0]: "delivered"}) == 1
    )
    assert balances_of(world["budget"]).spent == Decimal("25.00")


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_fifty_bookings_at_once_against_a_budget_for_twenty(team):
    if connection.vendor != "postgresql":
        pytest.skip("row locks need PostgreSQL; `make test` runs this suite there too")
    child = ChildFactory(team=team, date_of_birth=D(2016, 5, 1))
    practitioner, manager = staff(Role.PRACTITIONER, team), staff(Role.TEAM_MANAGER, team)
    budget = ActiveBudgetFactory(
        child=child, amount="500.00", practitioner=practitioner, manager=manager
    )
    service = ServiceFactory(capacity=100)
    package = RequestedPackageFactory(
        child=child,
        practitioner=practitioner,
        manager=manager,
        budget=None,
        service=service,
        units=100,
    )
    Package.objects.filter(pk=package.pk).update(status="active", budget=budget)
    package = Package.objects.get(pk=package.pk)
    days = [D(2026, 4, 1) + dt.timedelta(days=n) for n in range(50)]
    barrier = threading.Barrier(50)
    outcomes: list[str] = []

    def one(day):
        try:
            barrier.wait()
            services.sessions_book(by=practitioner, package=package, dates=[day], units="1")
            outcomes.append("booked")
        except BudgetExceeded:
            outcomes.append("refused")
        finally:
            connections.close_all()

    threads = [threading.Thread(target=one, args=(day,)) for day in days]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)

    assert outcomes.count("booked") == 20
    assert outcomes.count("refused") == 30
    assert balances_of(budget).available == Decimal("0.00")
    assert Session.objects.count() == 20
