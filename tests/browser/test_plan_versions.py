"""A practitioner finds a plan's versions from the case page and compares the draft with the
final at 320 px wide, in Chromium, each page checked by axe-core."""

from __future__ import annotations

import datetime as dt

import pytest
from playwright.sync_api import expect

import workflows
from accounts.demo import DEMO_TEAM, load_demo_accounts
from accounts.models import Team, User
from casework import services
from tests.browser.accessibility import assert_accessible
from tests.browser.test_casework_journey import sign_in_as
from tests.browser.test_chronology import assert_no_sideways_scroll
from tests.factories import AssessingCaseFactory, ChildFactory
from tests.factories.casework import DraftPlanFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
D = dt.date


def test_a_practitioner_compares_the_draft_with_the_final_at_320_px(page, live_server):
    load_demo_accounts()
    team = Team.objects.get(name=DEMO_TEAM)
    practitioner = User.objects.get(email="practitioner@example.org")
    manager = User.objects.get(email="manager@example.org")
    child = ChildFactory(team=team, given_name="Ruby", family_name="Shah")
    case = AssessingCaseFactory(child=child, practitioner=practitioner)
    plan = DraftPlanFactory(
        child=child,
        requested_on=D(2026, 5, 1),
        assessing_on=D(2026, 6, 1),
        draft_on=D(2026, 8, 3),
        practitioner=practitioner,
        manager=manager,
    )
    services.plan_update(
        by=practitioner, plan=plan, section_f="Speech and language therapy twice a week."
    )
    workflows.transition(plan, "issue_final", by=manager, on=D(2026, 9, 1))
    page.set_viewport_size({"width": 320, "height": 800})

    sign_in_as(page, live_server, "practitioner@example.org")
    page.goto(f"{live_server.url}/cases/{case.pk}/")
    page.get_by_role("link", name="Plan versions").click()
    expect(page.get_by_text("Version 2: final", exact=True)).to_be_visible()
    assert_accessible(page)
    assert_no_sideways_scroll(page)

    page.get_by_label("First version").select_option("1")
    page.get_by_label("Second version").select_option("2")
    page.get_by_role("button", name="Compare").click()
    expect(
        page.get_by_role("heading", name="F. Special educational provision Changed")
    ).to_be_visible()
    expect(page.get_by_text("Speech and language therapy twice a week.")).to_be_visible()
    assert page.locator("strong.govuk-tag", has_text="Changed").count() == 1
    assert_accessible(page)
    assert_no_sideways_scroll(page)
