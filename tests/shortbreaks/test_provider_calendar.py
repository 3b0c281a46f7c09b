"""The provider's calendar: its bookings for the next four weeks, day by day."""

from __future__ import annotations

import datetime as dt

import workflows
from accounts.roles import Role
from shortbreaks import services
from shortbreaks.models import Package, Service
from tests.factories import ActivePackageFactory, ChildFactory, ProviderFactory, UserFactory
from tests.shortbreaks import fixtures
from tests.shortbreaks.fixtures import D, book
from tests.shortbreaks.test_api_and_pages import count_queries

# The short-break world of the fixtures module, and its frozen clock (Tuesday 24 November 2026).
world, frozen = fixtures.world, fixtures.frozen

URL = "/provider/calendar/"


def test_the_calendar_shows_the_next_28_days_bookings_by_day(client, world):
    Package.objects.filter(pk=world["package"].pk).update(units=100)
    book(world, D(2026, 11, 23), D(2026, 11, 28), D(2026, 12, 21), D(2026, 12, 22))
    client.force_login(world["provider"])

    page = client.get(URL).content.decode()

    assert "Saturday 28 November" in page
    assert "Monday 21 December" in page  # the 28th day, counting today
    assert "Tuesday 22 December" not in page
    assert "Monday 23 November" not in page  # yesterday
    assert world["child"].full_name in page
    assert world["service"].name in page
    assert "govuk-summary-list" in page


def test_a_cancelled_booking_is_left_out_of_the_calendar(client, world):
    [session] = book(world, D(2026, 11, 28))
    workflows.transition(session, "cancel", by=world["practitioner"], reason="Ill")
    client.force_login(world["provider"])

    page = client.get(URL).content.decode()

    assert "Saturday 28 November" not in page
    assert "Nothing is booked with you in the next four weeks." in page


def test_another_providers_calendar_does_not_show_these_bookings(client, world):
    book(world, D(2026, 11, 28))
    other = UserFactory(role=Role.PROVIDER)
    ProviderFactory(name="Chatham Play", kind="private", users=[other])
    client.force_login(other)

    page = client.get(URL).content.decode()

    assert world["child"].full_name not in page


def test_the_calendar_is_for_providers_only(client, world):
    client.force_login(world["practitioner"])

    assert client.get(URL).status_code == 403


def test_the_provider_home_links_to_the_calendar(client, world):
    client.force_login(world["provider"])

    assert f'href="{URL}"' in client.get("/provider/").content.decode()


def test_the_calendars_query_count_does_not_grow_with_its_bookings(client, world):
    client.force_login(world["provider"])
    book(world, D(2026, 11, 28))
    few = count_queries(client, URL)
    Package.objects.filter(pk=world["package"].pk).update(units=100)
    Service.objects.filter(pk=world["service"].pk).update(capacity=100)
    book(world, *(D(2026, 11, 25) + dt.timedelta(days=days) for days in range(0, 20, 2)))
    for _ in range(4):
        package = ActivePackageFactory(
            child=ChildFactory(team=world["child"].team, date_of_birth=D(2015, 1, 1)),
            practitioner=world["practitioner"],
            manager=world["manager"],
            budget=None,
            service=world["service"],
            units=3,
            start_on=D(2026, 11, 1),
            end_on=D(2026, 12, 31),
        )
        services.sessions_book(
            by=world["practitioner"], package=package, dates=[D(2026, 11, 28)], units="1"
        )

    assert count_queries(client, URL) == few
