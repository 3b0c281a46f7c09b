"""The family reads and downloads a decision letter from My child, and the officer sees it on
the case page, in Chromium: axe-clean and usable at 320 CSS pixels (WCAG 1.4.10)."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

import workflows
from accounts.roles import Role
from casework.models import PlanStatus
from tests.browser.accessibility import assert_accessible
from tests.factories import (
    CaseFactory,
    ChildFactory,
    FamilyMemberFactory,
    PlanFactory,
    TeamFactory,
    UserFactory,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def checked(page) -> None:
    assert_accessible(page)
    page.set_viewport_size({"width": 320, "height": 800})
    page.wait_for_load_state("load")
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 320, f"{page.url} is {width}px wide at 320px"
    page.set_viewport_size({"width": 1280, "height": 800})


def sign_in(page, live_server, email: str) -> None:
    page.goto(f"{live_server.url}/sign-in/")
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password").fill("pathway-test")
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_load_state()


def test_the_family_downloads_the_refusal_letter_and_the_officer_sees_it(page, live_server):
    team = TeamFactory()
    manager = UserFactory(email="manager.letters@example.org", role=Role.TEAM_MANAGER, team=team)
    parent = UserFactory(email="mum.letters@example.org", role=Role.FAMILY)
    child = ChildFactory(team=team, given_name="Amelia", family_name="Jones")
    FamilyMemberFactory(child=child, name="Mum", relationship="mother", user=parent)
    case = CaseFactory(child=child, lead_professional=manager, status="active")
    plan = PlanFactory(child=child, case=case, status=PlanStatus.REQUESTED)
    workflows.transition(plan, "refuse_to_assess", by=manager, reason="Needs met at school")

    sign_in(page, live_server, parent.email)
    page.goto(f"{live_server.url}/my-child/")
    expect(page.get_by_text("Decision not to carry out a needs assessment")).to_be_visible()
    checked(page)
    with page.expect_download() as download:
        page.get_by_role("link", name="Download the letter", exact=False).click()
    assert download.value.suggested_filename.endswith(".pdf")

    page.context.clear_cookies()
    sign_in(page, live_server, manager.email)
    page.goto(f"{live_server.url}/cases/{case.pk}/")
    expect(page.get_by_text("Letters sent to the family")).to_be_visible()
    checked(page)
