"""Issue #19's journey in Chromium: a parent with no account asks for an EHC needs assessment
online; the team manager accepts it from the queue, which starts the plan on the day the request
arrived; later, with the family's login, the parent reads the draft plan as version 1 and
downloads its letter. Every page on the way is axe-clean and usable at 320 CSS pixels."""

from __future__ import annotations

import datetime as dt

import pytest
from playwright.sync_api import expect

import workflows
from accounts.roles import Role
from casework import services
from casework.models import EHCPlan, EHCRequest
from tests.browser.test_ehc_request_pages import checked
from tests.factories import TeamFactory, UserFactory
from workflows import clock
from workflows.models import Deadline

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TEST_PASSWORD = "pathway-test"  # the factories' password


def _sign_in(page, live_server, email: str) -> None:
    page.context.clear_cookies()
    page.goto(f"{live_server.url}/sign-in/")
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password").fill(TEST_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_load_state()


def test_an_online_request_becomes_a_plan_whose_draft_and_letter_the_family_reads(
    page, live_server
):
    team = TeamFactory()
    manager = UserFactory(email="manager.online@example.org", role=Role.TEAM_MANAGER, team=team)
    today = clock.today()

    # A parent with no account asks online.
    page.goto(f"{live_server.url}/request-an-assessment/")
    page.get_by_label("The child or young person's full name").fill("Rohan Shah")
    page.get_by_label("Day").fill("14")
    page.get_by_label("Month").fill("3")
    page.get_by_label("Year").fill("2018")
    page.get_by_label("Your full name").fill("Anjali Shah")
    page.get_by_label("Your email address").fill("anjali.shah@example.org")
    page.get_by_label("I am their parent or carer").check()
    page.get_by_label("Why do you think they need an assessment?").fill(
        "Rohan is often sent home from school and is not making progress."
    )
    page.get_by_role("button", name="Send the request").click()
    expect(page.get_by_role("heading", name="Request received")).to_be_visible()
    checked(page)

    # The manager accepts it from the queue, adding Rohan as a new child.
    _sign_in(page, live_server, manager.email)
    page.goto(f"{live_server.url}/ehc-requests/")
    page.get_by_label("Add a new child: Rohan Shah, born 14 March 2018").check()
    page.get_by_role("button", name="Accept the request").click()
    expect(page.get_by_text("Request accepted", exact=False)).to_be_visible()
    checked(page)
    plan = EHCPlan.objects.get(online_request=EHCRequest.objects.get())
    assert plan.requested_on == today
    decision = Deadline.objects.for_subject(plan).get(kind="decision_to_assess")
    assert decision.due_on == today + dt.timedelta(weeks=6)

    # The council gives the family a login, agrees to assess and sends the draft.
    parent = UserFactory(email="anjali.shah@example.org", role=Role.FAMILY)
    services.family_member_add(
        by=manager,
        child=plan.child,
        name="Anjali Shah",
        relationship="mother",
        email=parent.email,
        has_parental_responsibility=True,
    )
    plan.child.family_members.filter(email=parent.email).update(user=parent)
    plan = workflows.transition(plan, "agree_to_assess", by=manager, on=today)
    plan = services.plan_update(
        by=manager,
        plan=plan,
        section_a="Rohan loves trains.",
        section_b="Difficulties with communication.",
        section_e="Will ask for help with a communication aid.",
        section_f="Daily small-group support.",
    )
    workflows.transition(plan, "issue_draft", by=manager, on=today, served_by="email")

    # The parent reads the draft letter and the draft as version 1.
    _sign_in(page, live_server, parent.email)
    expect(page.get_by_role("heading", name="Our letters to you")).to_be_visible()
    with page.expect_download() as letter:
        page.get_by_role("link", name="Download the letter of", exact=False).first.click()
    assert letter.value.suggested_filename.endswith(".pdf")
    checked(page)
    page.get_by_role("link", name="Plan versions", exact=False).first.click()
    expect(page.get_by_text("Version 1: draft")).to_be_visible()
    checked(page)
