"""A practitioner reads a child's chronology and adds and corrects a case note at 320 px wide, in
Chromium, each page checked by axe-core."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from playwright.sync_api import expect

from accounts.demo import DEMO_TEAM, load_demo_accounts
from accounts.models import Team, User
from casework.models import CaseNote
from tests.browser.accessibility import assert_accessible
from tests.browser.test_casework_journey import sign_in_as
from tests.browser.test_exceptions_pages import fill_date
from tests.factories import AssessingCaseFactory, ChildFactory
from workflows import clock

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def assert_no_sideways_scroll(page) -> None:
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 320, f"{page.url} is {width}px wide at 320px"


def test_a_practitioner_adds_and_corrects_a_case_note_at_320_px(page, live_server):
    load_demo_accounts()
    team = Team.objects.get(name=DEMO_TEAM)
    practitioner = User.objects.get(email="practitioner@example.org")
    child = ChildFactory(team=team, given_name="Ruby", family_name="Shah")
    case = AssessingCaseFactory(child=child, practitioner=practitioner)
    page.set_viewport_size({"width": 320, "height": 800})

    sign_in_as(page, live_server, "practitioner@example.org")
    page.goto(f"{live_server.url}/cases/{case.pk}/")
    page.get_by_role("link", name=re.compile(r"^Chronology")).click()
    expect(page.get_by_role("heading", name="Referral accepted")).to_be_visible()
    assert_accessible(page)
    assert_no_sideways_scroll(page)

    page.get_by_role("button", name="Add the note").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Enter what happened")
    assert_accessible(page)
    assert_no_sideways_scroll(page)

    fill_date(page, "Date of the note", clock.today() - dt.timedelta(days=1))
    page.get_by_label("Visit", exact=True).check()
    page.get_by_label("Who was present (optional)").fill("Mum and Ruby")
    page.get_by_label("What happened").fill("Ruby showed me her new wheelchair.")
    page.get_by_label("The team and the family").check()
    page.get_by_role("button", name="Add the note").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("added")
    expect(page.get_by_text("Ruby showed me her new wheelchair.")).to_be_visible()
    assert_accessible(page)

    page.get_by_role("link", name=re.compile(r"^Correct this note")).click()
    expect(page.get_by_text("You are correcting")).to_be_visible()
    fill_date(page, "Date of the note", clock.today() - dt.timedelta(days=1))
    page.get_by_label("Visit", exact=True).check()
    page.get_by_label("What happened").fill("It was her new walking frame.")
    page.get_by_role("button", name="Add the correction").click()
    expect(page.get_by_text("It was her new walking frame.")).to_be_visible()
    assert_accessible(page)
    assert_no_sideways_scroll(page)
    assert CaseNote.objects.filter(child=child).count() == 2
    assert CaseNote.objects.get(corrects__isnull=False).visibility == "family"
