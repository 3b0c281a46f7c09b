"""A parent with no account asks for an assessment online, through to the confirmation page;
the form, its errors, the confirmation and the staff queue are axe-clean and fit 320 px."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from accounts.roles import Role
from tests.browser.accessibility import assert_accessible
from tests.factories import ChildFactory, TeamFactory, UserFactory
from workflows import clock

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def checked(page) -> None:
    assert_accessible(page)
    page.set_viewport_size({"width": 320, "height": 800})
    page.wait_for_load_state("load")
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 320, f"{page.url} is {width}px wide at 320px"
    page.set_viewport_size({"width": 1280, "height": 800})


def test_a_parent_without_an_account_requests_an_assessment_and_staff_see_it(page, live_server):
    team = TeamFactory()
    manager = UserFactory(email="manager.requests@example.org", role=Role.TEAM_MANAGER, team=team)
    ChildFactory(team=team, given_name="Jamie", family_name="Okafor", date_of_birth="2018-05-04")

    page.goto(f"{live_server.url}/request-an-assessment/")
    checked(page)
    page.get_by_role("button", name="Send the request").click()
    expect(page.get_by_text("There is a problem")).to_be_visible()
    checked(page)

    page.get_by_label("The child or young person's full name").fill("Jamie Okafor")
    page.get_by_label("Day").fill("4")
    page.get_by_label("Month").fill("5")
    page.get_by_label("Year").fill("2018")
    page.get_by_label("Your full name").fill("Ada Okafor")
    page.get_by_label("Your email address").fill("ada@example.org")
    page.get_by_label("I am their parent or carer").check()
    page.get_by_label("Why do you think they need an assessment?").fill("Not making progress.")
    page.get_by_role("button", name="Send the request").click()
    expect(page.get_by_role("heading", name="Request received")).to_be_visible()
    today = clock.today()
    expect(page.get_by_text(f"on {today:%-d %B %Y}", exact=False)).to_be_visible()
    expect(
        page.get_by_text("whether we will carry out an assessment", exact=False)
    ).to_be_visible()
    checked(page)

    page.context.clear_cookies()
    page.goto(f"{live_server.url}/sign-in/")
    page.get_by_label("Email address").fill(manager.email)
    page.get_by_label("Password").fill("pathway-test")
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_load_state()
    page.goto(f"{live_server.url}/ehc-requests/")
    expect(page.get_by_text("Possible match: Jamie Okafor, born 4 May 2018")).to_be_visible()
    checked(page)
    page.get_by_label("Possible match: Jamie Okafor, born 4 May 2018").check()
    page.get_by_role("button", name="Accept the request").click()
    expect(page.get_by_text("Request accepted", exact=False)).to_be_visible()
    checked(page)
