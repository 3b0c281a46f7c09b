"""Short breaks through the API and the pages: providers' scope, the offer, the statement."""

from __future__ import annotations

import csv
import datetime as dt
import io

from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from accounts.roles import Role
from shortbreaks import services
from shortbreaks.models import Package, Service, Session, SessionStatus
from tests.factories import (
    ActivePackageFactory,
    ChildFactory,
    ProviderFactory,
    ServiceFactory,
    UserFactory,
)
from tests.shortbreaks import fixtures
from tests.shortbreaks.fixtures import D, book
from workflows.models import TransitionLog

# The short-break world of the fixtures module, and its frozen clock (a Tuesday).
world, frozen = fixtures.world, fixtures.frozen


# Scope, the API and the pages ---------------------------------------------------------------


def api(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def test_a_provider_sees_only_its_own_services_sessions_and_others_are_404(world):
    [ours] = book(world, D(2026, 11, 21))
    other = UserFactory(role=Role.PROVIDER)
    ProviderFactory(name="Other", kind="private", users=[other])

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
    ServiceFactory(name="Teen club", min_age=13, max_age=18, access="specialist")
    ServiceFactory(
        name="Swimming", type="leisure_inclusion", min_age=0, max_age=25, access="universal"
    )
    ServiceFactory(name="Closed", active=False)

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
        package = ActivePackageFactory(
            child=other,
            practitioner=world["practitioner"],
            manager=world["manager"],
            budget=None,
            service=world["service"],
            units=3,
            start_on=D(2026, 11, 1),
            end_on=D(2026, 12, 31),
        )
        services.sessions_book(
            by=world["practitioner"], package=package, dates=[D(2026, 11, 21)], units="1"
        )

    assert count_queries(client, "/provider/day/2026-11-21/") == day_few
    with CaptureQueriesContext(connection) as list_many:
        api_client.get("/api/v1/shortbreaks/sessions/")
    assert len(list_many) == len(list_few)


def test_the_record_button_is_offered_only_while_a_session_is_left_to_record(client, world):
    first = book(world, D(2026, 11, 21))
    Package.objects.filter(pk=world["package"].pk).update(units=100)
    other = ActivePackageFactory(
        child=ChildFactory(team=world["child"].team, date_of_birth=D(2015, 1, 1)),
        practitioner=world["practitioner"],
        manager=world["manager"],
        budget=None,
        service=world["service"],
        units=3,
        start_on=D(2026, 11, 1),
        end_on=D(2026, 12, 31),
    )
    [second] = services.sessions_book(
        by=world["practitioner"], package=other, dates=[D(2026, 11, 21)], units="1"
    )
    client.force_login(world["provider"])
    url = "/provider/day/2026-11-21/"

    client.post(url, {f"session-{first[0].pk}": "delivered"})
    partly = client.get(url).content.decode()
    client.post(url, {f"session-{second.pk}": "no_show"})
    recorded = client.get(url).content.decode()

    assert "Record these sessions" in partly
    assert "Record these sessions" not in recorded
    assert "All sessions for this day are recorded." in recorded


def test_posting_a_day_already_recorded_says_so_and_changes_nothing(client, world):
    [session] = book(world, D(2026, 11, 21))
    client.force_login(world["provider"])
    url = "/provider/day/2026-11-21/"
    client.post(url, {f"session-{session.pk}": "delivered"})
    logged = TransitionLog.objects.count()

    again = client.post(url, {f"session-{session.pk}": "no_show"})

    assert again.status_code == 200
    assert "All sessions for this day were already recorded: nothing was changed." in (
        again.content.decode()
    )
    assert Session.objects.get(pk=session.pk).status == SessionStatus.DELIVERED
    assert TransitionLog.objects.count() == logged


def test_the_provider_home_offers_recording_today_only_while_something_is_left(client, world):
    [session] = book(world, D(2026, 11, 24))
    client.force_login(world["provider"])
    before = client.get("/provider/").content.decode()
    client.post("/provider/day/2026-11-24/", {f"session-{session.pk}": "delivered"})

    after = client.get("/provider/").content.decode()

    assert "Record today" in before
    assert "Record today" not in after
    assert "All sessions for today are recorded." in after
