"""Short breaks: packages, bookings and their money, providers' scope, and the public offer."""

from __future__ import annotations

import csv
import datetime as dt
import io
import threading
from decimal import Decimal

import pytest
import time_machine
from django.db import connection, connections
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

import workflows
from accounts.roles import Role
from budgets.selectors import balances_of, statement
from budgets.services import BudgetExceeded
from shortbreaks import services
from shortbreaks.models import Package, PackageStatus, Provider, Service, Session, SessionStatus
from tests.factories import ChildFactory, UserFactory, active_budget, staff
from workflows.errors import InvalidParams, NotPermitted, TransitionNotAllowed
from workflows.models import TransitionLog

D = dt.date
TODAY = dt.datetime(2026, 11, 24, 10, tzinfo=dt.UTC)  # a Tuesday


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(TODAY, tick=False):
        yield


def make_service(provider=None, **fields) -> Service:
    provider = provider or Provider.objects.create(
        name=f"Provider {Provider.objects.count()}", kind="voluntary"
    )
    defaults = {
        "name": "Saturday Club",
        "type": "day_activity",
        "access": "targeted",
        "unit": "session",
        "unit_cost": Decimal("25.00"),
        "capacity": 12,
        "min_age": 5,
        "max_age": 18,
    }
    return Service.objects.create(provider=provider, **(defaults | fields))


@pytest.fixture
def world(team):
    provider_user = UserFactory(role=Role.PROVIDER)
    provider = Provider.objects.create(name="Rochester Short Breaks", kind="voluntary")
    provider.users.add(provider_user)
    child = ChildFactory(team=team, date_of_birth=D(2016, 5, 1))
    practitioner = staff(Role.PRACTITIONER, team)
    manager = staff(Role.TEAM_MANAGER, team)
    budget = active_budget(child, amount="500.00", practitioner=practitioner, manager=manager)
    service = make_service(provider)
    package = services.package_request(
        by=practitioner,
        child=child,
        service=service,
        units=20,
        start_on=D(2026, 4, 1),
        end_on=D(2027, 3, 31),
        budget=budget,
    )
    package = workflows.transition(package, "approve", by=manager)
    package = workflows.transition(package, "activate", by=practitioner)
    return {
        "child": child,
        "practitioner": practitioner,
        "manager": manager,
        "budget": budget,
        "service": service,
        "package": package,
        "provider": provider_user,
    }


def book(world, *dates, units="1"):
    return services.sessions_book(
        by=world["practitioner"], package=world["package"], dates=list(dates), units=units
    )


def test_setting_is_residential_only_for_residential_overnight_stays():
    for type_, setting in [
        ("residential_overnight", "residential"),
        ("family_based_overnight", "non_residential"),
        ("day_activity", "non_residential"),
    ]:
        assert Service(type=type_).setting == setting


# Packages -----------------------------------------------------------------------------------

PACKAGE_STEPS = {
    "approve": ([PackageStatus.REQUESTED], Role.TEAM_MANAGER, {}),
    "decline": ([PackageStatus.REQUESTED], Role.TEAM_MANAGER, {"reason": "x"}),
    "activate": ([PackageStatus.APPROVED], Role.PRACTITIONER, {}),
    "end": ([PackageStatus.APPROVED, PackageStatus.ACTIVE], Role.PRACTITIONER, {"reason": "x"}),
}


@pytest.mark.parametrize(
    ("name", "state"), [(n, s) for n in PACKAGE_STEPS for s in PackageStatus.values]
)
def test_package_step_from_each_state(world, team, name, state):
    sources, role, params = PACKAGE_STEPS[name]
    Package.objects.filter(pk=world["package"].pk).update(status=state)
    package = Package.objects.get(pk=world["package"].pk)

    if state in sources:
        assert workflows.transition(package, name, by=staff(role, team), **params).status != state
    else:
        with pytest.raises(TransitionNotAllowed):
            workflows.transition(package, name, by=staff(role, team), **params)


def test_approval_needs_the_budget_to_cover_the_whole_package(world):
    package = services.package_request(
        by=world["practitioner"],
        child=world["child"],
        service=world["service"],
        units=21,
        start_on=D(2026, 12, 1),
        end_on=D(2027, 3, 1),
        budget=world["budget"],
    )

    with pytest.raises(TransitionNotAllowed) as refused:
        workflows.transition(package, "approve", by=world["manager"])

    assert "does not have enough available" in refused.value.detail  # 21 × £25 > £500


def test_a_package_for_a_child_outside_the_age_range_is_a_400(world):
    young = make_service(name="Teen club", min_age=13, max_age=18)

    with pytest.raises(InvalidParams) as invalid:
        services.package_request(
            by=world["practitioner"],
            child=world["child"],
            service=young,
            units=2,
            start_on=D(2026, 12, 1),
            end_on=D(2027, 1, 1),
        )

    assert invalid.value.fields == {"service": ["Teen club is for ages 13 to 18."]}


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
    Provider.objects.create(name="Other", kind="private").users.add(other)
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
    other = services.package_request(
        by=world["practitioner"],
        child=other_child,
        service=world["service"],
        units=2,
        start_on=D(2026, 11, 1),
        end_on=D(2026, 12, 31),
    )
    other = workflows.transition(
        workflows.transition(other, "approve", by=world["manager"]),
        "activate",
        by=world["practitioner"],
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


# Scope, the API and the pages ---------------------------------------------------------------


def api(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def test_a_provider_sees_only_its_own_services_sessions_and_others_are_404(world):
    [ours] = book(world, D(2026, 11, 21))
    other = UserFactory(role=Role.PROVIDER)
    Provider.objects.create(name="Other", kind="private").users.add(other)

    assert api(world["provider"]).get("/api/v1/shortbreaks/sessions/").json()["count"] == 1
    assert api(other).get("/api/v1/shortbreaks/sessions/").json()["count"] == 0
    response = api(other).post(
        f"/api/v1/shortbreaks/sessions/{ours.pk}/transitions/deliver/", {}, format="json"
    )
    assert response.status_code == 404


def test_booking_through_the_api_weekly_and_the_filters(world):
    response = api(world["practitioner"]).post(
        "/api/v1/shortbreaks/sessions/",
        {
            "package": world["package"].pk,
            "units": "1",
            "weekday": 5,
            "start_on": "2026-11-28",
            "end_on": "2026-12-19",
        },
        format="json",
    )

    assert response.status_code == 201
    assert [s["date"] for s in response.json()] == [
        "2026-11-28",
        "2026-12-05",
        "2026-12-12",
        "2026-12-19",
    ]
    listed = (
        api(world["practitioner"])
        .get(
            f"/api/v1/shortbreaks/sessions/?child={world['child'].pk}&date_after=2026-12-01&status=booked"
        )
        .json()
    )
    assert listed["count"] == 3
    assert (
        api(world["practitioner"]).get("/api/v1/shortbreaks/sessions/?date_after=soon").status_code
        == 400
    )


def test_an_overdrawing_booking_through_the_api_is_409_budget_exceeded(world):
    Package.objects.filter(pk=world["package"].pk).update(units=100)

    response = api(world["practitioner"]).post(
        "/api/v1/shortbreaks/sessions/",
        {"package": world["package"].pk, "units": "1", "weekday": 5},
        format="json",
    )

    assert response.status_code == 409
    assert response.json()["code"] == "budget_exceeded"
    assert not Session.objects.exists()


def test_zero_units_through_the_api_is_a_400(world):
    response = api(world["practitioner"]).post(
        "/api/v1/shortbreaks/sessions/",
        {"package": world["package"].pk, "units": "0", "date": "2026-11-28"},
        format="json",
    )

    assert response.status_code == 400
    assert "units" in response.json()["fields"]


def test_only_managers_and_commissioners_change_the_offer(world):
    payload = {
        "provider": world["service"].provider_id,
        "name": "Climbing",
        "type": "leisure_inclusion",
        "access": "universal",
        "unit": "session",
        "unit_cost": "8.00",
        "capacity": 6,
    }

    assert (
        api(world["practitioner"])
        .post("/api/v1/shortbreaks/services/", payload, format="json")
        .status_code
        == 403
    )
    assert (
        api(UserFactory(role=Role.COMMISSIONER))
        .post("/api/v1/shortbreaks/services/", payload, format="json")
        .status_code
        == 201
    )
    assert api(world["provider"]).get("/api/v1/shortbreaks/services/?age=7").json()["count"] == 2


def test_public_statement_needs_no_sign_in_and_filters_by_age_and_access(client, db):
    make_service(name="Teen club", min_age=13, max_age=18, access="specialist")
    make_service(
        name="Swimming", type="leisure_inclusion", min_age=0, max_age=25, access="universal"
    )
    make_service(name="Closed", active=False)

    everything = client.get("/short-breaks/").content.decode()
    for_7 = client.get("/short-breaks/?age=7").content.decode()
    universal = client.get("/short-breaks/?access=universal").content.decode()

    assert "Teen club" in everything
    assert "Swimming" in everything
    assert "Closed" not in everything
    assert "Teen club" not in for_7
    assert "Swimming" in for_7
    assert "Teen club" not in universal
    rows = list(csv.reader(io.StringIO(client.get("/short-breaks.csv?age=15").content.decode())))
    assert [row[1] for row in rows[1:]] == ["Teen club", "Swimming"]


def test_provider_day_page_records_in_bulk(client, world):
    [session] = book(world, D(2026, 11, 21))
    client.force_login(world["provider"])

    page = client.get("/provider/day/2026-11-21/").content.decode()
    response = client.post("/provider/day/2026-11-21/", {f"session-{session.pk}": "delivered"})

    assert world["child"].full_name in page
    assert response.status_code == 302
    assert Session.objects.get(pk=session.pk).status == SessionStatus.DELIVERED


def count_queries(client, url):
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def test_provider_day_and_bookings_list_query_counts_do_not_grow(client, world):
    client.force_login(world["provider"])
    book(world, D(2026, 11, 21))
    day_few = count_queries(client, "/provider/day/2026-11-21/")
    api_client = api(world["practitioner"])
    api_client.get("/api/v1/shortbreaks/sessions/")
    with CaptureQueriesContext(connection) as list_few:
        api_client.get("/api/v1/shortbreaks/sessions/")
    Package.objects.filter(pk=world["package"].pk).update(units=100)
    Service.objects.filter(pk=world["service"].pk).update(capacity=100)
    for offset in range(1, 9):
        book(world, D(2026, 11, 21) + dt.timedelta(days=7 * offset))
    others = [
        ChildFactory(team=world["child"].team, date_of_birth=D(2015, 1, 1)) for _ in range(5)
    ]
    for other in others:
        package = services.package_request(
            by=world["practitioner"],
            child=other,
            service=world["service"],
            units=3,
            start_on=D(2026, 11, 1),
            end_on=D(2026, 12, 31),
        )
        package = workflows.transition(
            workflows.transition(package, "approve", by=world["manager"]),
            "activate",
            by=world["practitioner"],
        )
        services.sessions_book(
            by=world["practitioner"], package=package, dates=[D(2026, 11, 21)], units="1"
        )

    assert count_queries(client, "/provider/day/2026-11-21/") == day_few
    with CaptureQueriesContext(connection) as list_many:
        api_client.get("/api/v1/shortbreaks/sessions/")
    assert len(list_many) == len(list_few)


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_fifty_bookings_at_once_against_a_budget_for_twenty(team):
    if connection.vendor != "postgresql":
        pytest.skip("row locks need PostgreSQL; `make test` runs this suite there too")
    child = ChildFactory(team=team, date_of_birth=D(2016, 5, 1))
    practitioner, manager = staff(Role.PRACTITIONER, team), staff(Role.TEAM_MANAGER, team)
    budget = active_budget(child, amount="500.00", practitioner=practitioner, manager=manager)
    service = make_service(capacity=100)
    package = services.package_request(
        by=practitioner,
        child=child,
        service=service,
        units=100,
        start_on=D(2026, 4, 1),
        end_on=D(2027, 3, 31),
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


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("name", list(PACKAGE_STEPS))
def test_a_failing_package_step_changes_nothing(world, team, monkeypatch, name):
    sources, role, params = PACKAGE_STEPS[name]
    Package.objects.filter(pk=world["package"].pk).update(status=sources[0])
    before = Package.objects.filter(pk=world["package"].pk).values().get()
    monkeypatch.setattr(TransitionLog.objects, "create", lambda **kw: 1 / 0)

    with pytest.raises(ZeroDivisionError):
        workflows.transition(
            Package.objects.get(pk=world["package"].pk), name, by=staff(role, team), **params
        )

    assert Package.objects.filter(pk=world["package"].pk).values().get() == before
