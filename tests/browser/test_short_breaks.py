"""A provider records a day's short breaks in Chromium and the family's statement moves."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from playwright.sync_api import expect

import workflows
from accounts.demo import DEMO_PASSWORD, load_demo_accounts
from accounts.models import Team, User
from shortbreaks import services
from shortbreaks.models import Provider, Service
from tests.browser.accessibility import assert_accessible
from tests.factories import (
    ActiveBudgetFactory,
    ChildFactory,
    ContactFactory,
    CostOptionFactory,
    ProviderFactory,
    ScheduleFactory,
    ServiceAtLocationFactory,
    ServiceFactory,
    ServiceNeedFactory,
)
from workflows import clock

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def sign_in(page, live_server, email: str) -> None:
    page.goto(f"{live_server.url}/sign-in/")
    if page.get_by_role("button", name="Sign out").count():
        page.get_by_role("button", name="Sign out").click()
        page.wait_for_url(re.compile(r"/sign-in/"))
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_load_state()


def assert_fits_320(page) -> None:
    page.set_viewport_size({"width": 320, "height": 800})
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 320, f"{page.url} is {width}px wide at 320px"


def test_public_directory_and_a_service_page_are_accessible_without_signing_in(page, live_server):
    provider = ProviderFactory(
        name="Medway Leisure Trust", website="https://medway-leisure.example.org/"
    )
    swimming = ServiceFactory(
        provider=provider,
        name="Inclusive swimming",
        type="leisure_inclusion",
        access="universal",
        min_age=0,
        max_age=25,
        description="Quiet sessions with extra lifeguards at Strood Sports Centre.",
        eligibility="Anyone with a disability and their family.",
        how_to_apply="No referral needed: ring to book.",
        accessibility="Pool hoist and warm water.",
    )
    ServiceNeedFactory(service=swimming, need="sensory")
    CostOptionFactory(service=swimming, option="Per swim", amount="3.50")
    ScheduleFactory(service=swimming, byday="SU", description="Every Sunday")
    ServiceAtLocationFactory(service=swimming)
    ContactFactory(service=swimming)
    ServiceFactory(
        name="Inclusive trampolining",
        type="leisure_inclusion",
        temporarily_closed=True,
        alert="Closed while the hall floor is replaced.",
    )
    ServiceFactory(name="Saturday Club", provider=ProviderFactory(name="Rochester Short Breaks"))

    page.goto(f"{live_server.url}/short-breaks/")

    expect(page.get_by_role("heading", level=1)).to_have_text("Short breaks services statement")
    expect(page.get_by_role("heading", name="3 services")).to_be_visible()
    expect(page.get_by_role("link", name="Sign in")).to_be_visible()
    assert_accessible(page)
    page.get_by_text("Filter by type, age, need, cost and day").click()
    page.get_by_label("Inclusive leisure").check()
    page.get_by_label("Age of the child or young person").fill("30")
    page.get_by_role("button", name="Show short breaks").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text(
        "Age “30” is not an age from 0 to 25."
    )
    expect(page.get_by_role("heading", name="2 services")).to_be_visible()
    expect(page.locator("main")).to_contain_text("Temporarily closed")
    assert_accessible(page)
    assert_fits_320(page)

    page.get_by_label("Search short breaks").fill("swimming")
    page.get_by_role("button", name="Show short breaks").click()
    page.get_by_role("link", name="Inclusive swimming").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Inclusive swimming")
    expect(page.locator("main")).to_contain_text("Information checked on 1 September 2026")
    assert_accessible(page)
    assert_fits_320(page)
    page.get_by_role("link", name="Back to the short breaks").click()
    expect(page.get_by_label("Search short breaks")).to_have_value("swimming")
    expect(page.get_by_label("Inclusive leisure")).to_be_checked()


def test_provider_records_a_day_and_the_family_statement_moves(page, live_server):
    load_demo_accounts()
    team = Team.objects.get()
    practitioner = User.objects.get(email="practitioner@example.org")
    manager = User.objects.get(email="manager@example.org")
    provider = Provider.objects.create(name="Rochester Short Breaks", kind="voluntary")
    provider.users.add(User.objects.get(email="provider@example.org"))
    service = Service.objects.create(
        provider=provider,
        name="Saturday Club",
        type="day_activity",
        access="targeted",
        unit="session",
        unit_cost="25.00",
        capacity=12,
        min_age=5,
        max_age=18,
    )
    child = ChildFactory(
        team=team, given_name="Amelia", family_name="Collins", date_of_birth=dt.date(2016, 5, 1)
    )
    child.family_members.create(
        name="Sarah", relationship="mother", user=User.objects.get(email="parent@example.org")
    )
    budget = ActiveBudgetFactory(
        child=child, amount="500.00", practitioner=practitioner, manager=manager
    )
    yesterday = clock.today() - dt.timedelta(days=1)
    package = services.package_request(
        by=practitioner,
        child=child,
        service=service,
        units=4,
        start_on=budget.start_on,
        end_on=budget.end_on,
        budget=budget,
    )
    package = workflows.transition(
        workflows.transition(package, "approve", by=manager), "activate", by=practitioner
    )
    services.sessions_book(by=practitioner, package=package, dates=[yesterday], units="1")

    sign_in(page, live_server, "provider@example.org")
    expect(page.get_by_role("heading", level=1)).to_have_text("Bookings")
    assert_accessible(page)
    page.get_by_role("link", name=yesterday.strftime("%A %-d %B")).click()
    assert_accessible(page)
    page.get_by_label("Delivered").check()
    page.get_by_role("button", name="Record these sessions").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("1 booking recorded.")
    assert_accessible(page)
    # Nothing is left to record: the button gives way to words, and the correction says why not.
    expect(page.get_by_role("button", name="Record these sessions")).to_have_count(0)
    expect(page.get_by_text("All sessions for this day are recorded.")).to_be_visible()
    expect(page.locator("main")).to_contain_text("Correct to did not attend is not possible")

    sign_in(page, live_server, "parent@example.org")
    page.get_by_role("link", name="See the budget statement").click()
    expect(page.get_by_text("Day activities")).to_be_visible()
    expect(page.locator("main")).to_contain_text("£25.00")
    expect(page.locator("main")).to_contain_text("£475.00")
    assert_accessible(page)

    # The family writes care notes and shares them; the provider sees them on a day with a
    # booking, and the booking in its four-week calendar, at 320 px.
    tomorrow = clock.today() + dt.timedelta(days=1)
    services.sessions_book(by=practitioner, package=package, dates=[tomorrow], units="1")
    page.set_viewport_size({"width": 320, "height": 800})
    page.goto(f"{live_server.url}/my-child/")
    page.get_by_role("link", name=re.compile("Care and emergency contact notes")).click()
    assert_accessible(page)
    page.get_by_label("Care needs").fill("Epilepsy: rescue medicine in the red bag.")
    page.get_by_label("Emergency contact's name").fill("Sarah Collins")
    page.get_by_label("Emergency contact's phone number").fill("07700 900982")
    page.get_by_label(re.compile("Share these notes")).check()
    page.get_by_role("button", name="Save the notes").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("notes saved")

    sign_in(page, live_server, "provider@example.org")
    page.get_by_role("link", name="Bookings for the next four weeks").click()
    expect(page.locator("main")).to_contain_text("Amelia Collins")
    assert_accessible(page)
    assert page.evaluate("document.documentElement.scrollWidth") <= 320
    page.goto(f"{live_server.url}/provider/day/{tomorrow.isoformat()}/")
    page.get_by_text("Care and emergency contact notes").click()
    expect(page.locator("main")).to_contain_text("rescue medicine in the red bag")
    assert_accessible(page)
    assert page.evaluate("document.documentElement.scrollWidth") <= 320
