"""The family's journey in Chromium, from referral to final EHC plan, checked by axe-core."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from playwright.sync_api import expect

from accounts.demo import DEMO_PASSWORD, load_demo_accounts
from accounts.models import User
from casework.models import Child, EHCPlan
from tests.browser.accessibility import assert_accessible
from workflows import clock

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def sign_in_as(page, live_server, email: str) -> None:
    page.goto(f"{live_server.url}/sign-in/")
    if page.get_by_role("button", name="Sign out").count():
        page.get_by_role("button", name="Sign out").click()
        page.wait_for_url(re.compile(r"/sign-in/"))
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_load_state()


def fill_date(page, legend: str, day: dt.date) -> None:
    group = page.get_by_role("group", name=legend)
    group.get_by_label("Day").fill(str(day.day))
    group.get_by_label("Month").fill(str(day.month))
    group.get_by_label("Year").fill(str(day.year))


def take_step(page, step: str) -> None:
    """Press a step's button on the case page, check its form page, and confirm it, dated today
    (a step a time limit in law counts from must be dated)."""
    # The link names what it acts on for screen readers: "Accept the referral (the case)".
    page.get_by_role("link", name=re.compile(rf"^{re.escape(step)}( \(|$)")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(step)
    assert_accessible(page)
    fill_date(page, "Date this happened", clock.today())
    page.get_by_role("button", name=step, exact=True).click()
    expect(page.locator(".govuk-notification-banner--success")).to_be_visible()
    assert_accessible(page)


def test_referral_to_final_plan(page, live_server):
    load_demo_accounts()

    # A practitioner records a referral with consent.
    sign_in_as(page, live_server, "practitioner@example.org")
    expect(page.get_by_role("heading", level=1)).to_have_text("My caseload")
    assert_accessible(page)
    page.get_by_role("link", name="Record a referral").click()
    assert_accessible(page)
    page.get_by_label("Child's first name").fill("Ruby")
    page.get_by_label("Child's last name").fill("Shah")
    fill_date(page, "Date of birth", dt.date(2017, 3, 4))
    page.get_by_label("Primary need").select_option("ASD")
    fill_date(page, "Date the referral was received", dt.date(2026, 1, 5))
    page.get_by_label("School or college").check()
    page.get_by_label("Reason for the referral").fill("Struggling with the school day.")
    page.get_by_label("The family consents").check()
    page.get_by_role("button", name="Record the referral").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Ruby Shah")
    assert_accessible(page)
    case_url = page.url
    # The family's login is linked to the child by an administrator.
    child = Child.objects.get(given_name="Ruby")
    child.family_members.create(
        name="Sarah Shah",
        relationship="mother",
        user=User.objects.get(email="parent@example.org"),
    )

    # ... accepts it, records the assessment, completes it and records an EHC request.
    take_step(page, "Accept the referral")
    page.get_by_role("link", name="Record the assessment").click()
    assert_accessible(page)
    fill_date(page, "Date the assessment started", dt.date(2026, 1, 6))
    fill_date(page, "Date the assessment was completed", dt.date(2026, 2, 2))
    page.get_by_label("Eligible for specialist support").check()
    page.get_by_role("button", name="Save the assessment").click()
    take_step(page, "Complete the assessment")
    page.get_by_role("link", name="Record a request for an EHC needs assessment").click()
    assert_accessible(page)
    fill_date(page, "Date of the request for an EHC needs assessment", dt.date(2026, 2, 3))
    page.get_by_label("Parent or carer").check()
    page.get_by_role("button", name="Record the request").click()
    expect(page.get_by_text("Requested 3 February 2026")).to_be_visible()

    # A manager agrees to assess.
    sign_in_as(page, live_server, "manager@example.org")
    expect(page.get_by_role("heading", level=1)).to_have_text("Team dashboard")
    assert_accessible(page)
    page.goto(case_url)
    take_step(page, "Agree to assess")

    # The practitioner writes the plan and issues the draft.
    sign_in_as(page, live_server, "practitioner@example.org")
    page.goto(case_url)
    page.get_by_role("link", name="Edit the plan sections").click()
    assert_accessible(page)
    page.get_by_label("Section B: Special educational needs").fill("Social communication.")
    page.get_by_label("Section E: Outcomes").fill("Will join a lunchtime club.")
    page.get_by_label("Section F: Special educational provision").fill("Daily 1:1 support.")
    page.get_by_role("button", name="Save the plan").click()
    take_step(page, "Issue the draft plan")

    # The parent reads it and comments, then says they have nothing more to add (reg 13(1)).
    sign_in_as(page, live_server, "parent@example.org")
    expect(page.get_by_role("heading", level=1)).to_have_text("My child")
    expect(page.get_by_text("The draft EHC plan is ready.")).to_be_visible()
    expect(page.get_by_text("You have until")).to_be_visible()
    assert_accessible(page)
    page.get_by_label("What do you think of the draft plan?").fill("Add a lunchtime club.")
    page.get_by_label("School or college you would like named").fill("Oak Tree School")
    page.get_by_role("button", name="Send", exact=True).click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("We have received")
    expect(page.get_by_text("What you have told us")).to_be_visible()
    assert_accessible(page)
    page.get_by_label("I have nothing more to add").check()
    page.get_by_role("button", name="Send more").click()
    expect(page.get_by_text("You told us you have nothing more to add.")).to_be_visible()
    assert_accessible(page)

    # The manager issues the final plan.
    sign_in_as(page, live_server, "manager@example.org")
    page.goto(case_url)
    expect(page.get_by_text("School requested: Oak Tree School")).to_be_visible()
    take_step(page, "Issue the final plan")
    assert EHCPlan.objects.get(child=child).status == "final"
