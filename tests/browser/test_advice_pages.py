"""The case page's advice, transfers and re-assessments in Chromium: axe-clean, and usable at
320 CSS pixels without sideways scrolling (WCAG 1.4.10)."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from playwright.sync_api import expect

from accounts.roles import Role
from casework.models import PlanStatus
from tests.browser.accessibility import assert_accessible
from tests.factories import CaseFactory, ChildFactory, PlanFactory, TeamFactory, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def assert_fits_320(page) -> None:
    page.set_viewport_size({"width": 320, "height": 800})
    page.wait_for_load_state("load")
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 320, f"{page.url} is {width}px wide at 320px"
    page.set_viewport_size({"width": 1280, "height": 800})


def fill_date(page, legend: str, day: dt.date) -> None:
    group = page.get_by_role("group", name=legend)
    group.get_by_label("Day").fill(str(day.day))
    group.get_by_label("Month").fill(str(day.month))
    group.get_by_label("Year").fill(str(day.year))


def checked(page) -> None:
    assert_accessible(page)
    assert_fits_320(page)


def test_request_and_record_advice_and_a_managers_plan_steps(page, live_server):
    team = TeamFactory()
    manager = UserFactory(email="manager.advice@example.org", role=Role.TEAM_MANAGER, team=team)
    child = ChildFactory(team=team, given_name="Amelia", family_name="Jones")
    case = CaseFactory(child=child, lead_professional=manager, status="active")
    PlanFactory(child=child, case=case, requested_on="2026-09-01", status=PlanStatus.ASSESSING)

    page.goto(f"{live_server.url}/sign-in/")
    page.get_by_label("Email address").fill(manager.email)
    page.get_by_label("Password").fill("pathway-test")
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_load_state()
    page.goto(f"{live_server.url}/cases/{case.pk}/")
    expect(page.get_by_text("No advice has been asked for.")).to_be_visible()
    expect(page.get_by_text("Record a transfer: This needs a final plan")).to_be_visible()
    checked(page)

    page.get_by_role("link", name="Request advice").click()
    checked(page)
    page.get_by_label("Medical").check()
    page.get_by_label("Adviser's e-mail address").fill("paed@nhs.example")
    fill_date(page, "Date the advice was asked for", dt.date(2026, 10, 5))
    page.get_by_role("button", name="Record the request").click()
    expect(page.get_by_text("Due 16 November 2026", exact=False)).to_be_visible()
    checked(page)

    page.get_by_role("link", name=re.compile("Record the advice received")).click()
    checked(page)
    fill_date(page, "Date this happened", dt.date(2026, 11, 10))
    page.get_by_label("Advice").fill("Needs a sensory diet.")
    page.get_by_role("button", name="Record the advice received").click()
    expect(page.locator("dd", has_text="Received 10 November 2026")).to_be_visible()
    checked(page)
