"""A professional invited from the case page, in Chromium: the staff's form, the e-mailed link's
page with its error summary, and the page of a link already used; each axe-clean and usable at
320 CSS pixels without sideways scrolling (WCAG 1.4.10)."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from accounts.roles import Role
from tests.browser.accessibility import assert_accessible
from tests.factories import (
    CaseFactory,
    ChildFactory,
    OrganisationFactory,
    TeamFactory,
    UserFactory,
)
from workflows.models import Notification

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def checked(page) -> None:
    assert_accessible(page)
    page.set_viewport_size({"width": 320, "height": 800})
    page.wait_for_load_state("load")
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 320, f"{page.url} is {width}px wide at 320px"
    page.set_viewport_size({"width": 1280, "height": 800})


def test_a_senco_is_invited_from_the_case_page_and_chooses_a_password(page, live_server):
    team = TeamFactory()
    officer = UserFactory(email="officer.invite@example.org", role=Role.PRACTITIONER, team=team)
    child = ChildFactory(team=team, given_name="Amelia", family_name="Jones")
    case = CaseFactory(child=child, lead_professional=officer, status="active")
    OrganisationFactory(name="Rochester Primary School", agency="education")

    page.goto(f"{live_server.url}/sign-in/")
    page.get_by_label("Email address").fill(officer.email)
    page.get_by_label("Password").fill("pathway-test")
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_load_state()
    page.goto(f"{live_server.url}/cases/{case.pk}/")
    page.get_by_role(
        "link", name="Invite a professional to Amelia's team around the child"
    ).click()
    checked(page)

    page.get_by_role("button", name="Send the invitation").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Choose the organisation")
    checked(page)

    page.get_by_label("Organisation").select_option(label="Rochester Primary School")
    page.get_by_label("Full name").fill("Jo Bennett")
    page.get_by_label("Work email address").fill("jo@rochester-primary.example.org")
    page.get_by_label("Profession", exact=True).select_option(label="SENCO")
    page.get_by_label("Review convener").check()
    page.get_by_role("button", name="Send the invitation").click()
    expect(page.get_by_text("Jo Bennett has been invited to Amelia Jones's team.")).to_be_visible()
    page.get_by_role("button", name="Sign out").click()

    link = Notification.objects.get(kind="invitation").link
    page.goto(f"{live_server.url}{link}")
    expect(page.get_by_role("heading", level=1)).to_have_text("Choose your password")
    checked(page)
    page.get_by_label("New password", exact=True).fill("password")
    page.get_by_label("Confirm new password").fill("password")
    page.get_by_role("button", name="Save the password and sign in").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("This password is too common.")
    checked(page)

    page.get_by_label("New password", exact=True).fill("jo-bennett-chose-this")
    page.get_by_label("Confirm new password").fill("jo-bennett-chose-this")
    page.get_by_role("button", name="Save the password and sign in").click()
    page.wait_for_url(f"{live_server.url}/professional/")
    expect(page.get_by_text("Your password is set and you are signed in.")).to_be_visible()
    page.get_by_role("button", name="Sign out").click()

    page.goto(f"{live_server.url}{link}")
    expect(page.get_by_role("heading", level=1)).to_have_text("This link has already been used")
    checked(page)
