"""A team manager allocates a case from its page and reads the caseload per worker on the team
dashboard, at 320 px wide, in Chromium, each page checked by axe-core; a practitioner is told
who allocates."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from accounts.demo import DEMO_TEAM, load_demo_accounts
from accounts.models import Team, User
from tests.browser.accessibility import assert_accessible
from tests.browser.test_casework_journey import sign_in_as
from tests.factories import AssessingCaseFactory, ChildFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def assert_fits_320(page) -> None:
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 320, f"{page.url} is {width}px wide at 320px"


def test_a_manager_reassigns_a_case_and_reads_the_caseloads_at_320_px(page, live_server):
    load_demo_accounts()
    team = Team.objects.get(name=DEMO_TEAM)
    practitioner = User.objects.get(email="practitioner@example.org")
    child = ChildFactory(team=team, given_name="Ruby", family_name="Shah")
    case = AssessingCaseFactory(child=child, practitioner=practitioner)
    page.set_viewport_size({"width": 320, "height": 800})

    sign_in_as(page, live_server, "practitioner@example.org")
    page.goto(f"{live_server.url}/cases/{case.pk}/")
    expect(page.get_by_text("A team manager allocates cases")).to_be_visible()

    sign_in_as(page, live_server, "manager@example.org")
    page.goto(f"{live_server.url}/cases/{case.pk}/")
    page.get_by_role("link", name=re.compile(r"^Allocate or reassign")).click()
    assert_accessible(page)
    assert_fits_320(page)
    page.get_by_label("Tom Okafor: 0 open cases").check()
    page.get_by_role("button", name="Allocate the case").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text(
        "Case reassigned to Tom Okafor"
    )
    assert_accessible(page)

    page.goto(f"{live_server.url}/team/")
    region = page.get_by_role("region", name="Caseload per worker")
    expect(region).to_contain_text("Tom Okafor")
    region.focus()
    assert_accessible(page)
    assert_fits_320(page)
    case.refresh_from_db()
    assert case.lead_professional.email == "practitioner2@example.org"


def test_an_empty_answer_is_shown_in_the_error_summary(page, live_server):
    load_demo_accounts()
    team = Team.objects.get(name=DEMO_TEAM)
    practitioner = User.objects.get(email="practitioner@example.org")
    case = AssessingCaseFactory(child=ChildFactory(team=team), practitioner=practitioner)
    page.set_viewport_size({"width": 320, "height": 800})

    sign_in_as(page, live_server, "manager@example.org")
    page.goto(f"{live_server.url}/cases/{case.pk}/allocate/")
    # The current lead is chosen already; a manager who clears it (as a script or an old
    # browser may) sends no answer.
    page.evaluate("document.querySelectorAll('input[type=radio]').forEach(r => r.checked = false)")
    page.get_by_role("button", name="Allocate the case").click()

    expect(page.locator(".govuk-error-summary")).to_contain_text(
        "Choose who will be the lead professional."
    )
    assert_accessible(page)
