"""A team manager records and withdraws an exception and changes the case officer, at 320 px
wide, in Chromium, each page checked by axe-core."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from playwright.sync_api import expect

from accounts.demo import DEMO_TEAM, load_demo_accounts
from accounts.models import Team, User
from tests.browser.accessibility import assert_accessible
from tests.browser.test_casework_journey import sign_in_as
from tests.factories import AssessingCaseFactory, ChildFactory, RequestedPlanFactory
from workflows import clock
from workflows.models import DeadlineException

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def fill_date(page, legend: str, day: dt.date) -> None:
    group = page.get_by_role("group", name=legend)
    group.get_by_label("Day").fill(str(day.day))
    group.get_by_label("Month").fill(str(day.month))
    group.get_by_label("Year").fill(str(day.year))


def test_a_manager_records_and_withdraws_an_exception_at_320_px(page, live_server):
    load_demo_accounts()
    team = Team.objects.get(name=DEMO_TEAM)
    practitioner = User.objects.get(email="practitioner@example.org")
    child = ChildFactory(team=team, given_name="Ruby", family_name="Shah")
    case = AssessingCaseFactory(child=child, practitioner=practitioner)
    requested = clock.today() - dt.timedelta(weeks=10)
    RequestedPlanFactory(child=child, practitioner=practitioner, requested_on=requested)
    page.set_viewport_size({"width": 320, "height": 800})

    sign_in_as(page, live_server, "manager@example.org")
    page.goto(f"{live_server.url}/cases/{case.pk}/")
    expect(page.get_by_text("Owner: ", exact=False).first).to_be_visible()
    assert_accessible(page)

    page.get_by_role("link", name="Issue the final plan: exceptions to the time limit").click()
    assert_accessible(page)
    page.get_by_role("button", name="Record the exception").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Choose the ground")
    assert_accessible(page)

    page.get_by_label("Advice was asked of a school or post-16 institution").check()
    page.get_by_label("What happened").fill("The school was closed after a flood")
    fill_date(page, "First day the setting was closed", requested)
    fill_date(page, "Last day the setting was closed", requested + dt.timedelta(weeks=5))
    fill_date(page, "Date the advice was asked for", requested + dt.timedelta(days=3))
    page.get_by_role("button", name="Record the exception").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("recorded")
    assert_accessible(page)

    page.get_by_role("link", name=re.compile(r"^Withdraw")).click()
    assert_accessible(page)
    page.get_by_label("Why is the exception withdrawn?").fill("Recorded on the wrong child")
    page.get_by_role("button", name="Withdraw the exception").click()
    expect(page.locator(".govuk-tag", has_text="Withdrawn")).to_be_visible()
    assert_accessible(page)
    assert DeadlineException.objects.get().withdrawn_at is not None

    page.goto(f"{live_server.url}/cases/{case.pk}/")
    page.get_by_role("link", name=re.compile(r"^Change\s+the case officer")).click()
    assert_accessible(page)
    page.get_by_label("Case officer").select_option(label="Tom Okafor")
    page.get_by_role("button", name="Change the case officer").click()
    expect(page.locator(".govuk-summary-list__value", has_text="Tom Okafor")).to_be_visible()
    assert_accessible(page)
