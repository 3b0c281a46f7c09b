"""Sign in as each demo role in Chromium, land on that role's page, and check it with axe-core."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from accounts.demo import DEMO_PASSWORD, load_demo_accounts
from tests.browser.accessibility import assert_accessible

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ROLES = [
    ("practitioner@example.org", "/caseload/", "My caseload"),
    ("manager@example.org", "/team/", "Team dashboard"),
    ("parent@example.org", "/my-child/", "My child"),
    ("provider@example.org", "/provider/", "Bookings"),
    ("commissioner@example.org", "/commissioning/", "Uptake report"),
]


def sign_in(page, live_server, email: str, password: str) -> None:
    page.goto(f"{live_server.url}/sign-in/")
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()


def test_sign_in_page_has_no_accessibility_violations(page, live_server):
    page.goto(f"{live_server.url}/sign-in/")

    assert page.title().startswith("Sign in")
    assert_accessible(page)


def test_wrong_password_shows_the_error_summary_and_stays_accessible(page, live_server):
    load_demo_accounts()

    sign_in(page, live_server, "parent@example.org", "wrong-password")

    summary = page.locator(".govuk-error-summary")
    expect(summary).to_be_visible()
    expect(summary).to_contain_text("Enter a correct email address and password.")
    expect(page).to_have_title(re.compile(r"^Error: Sign in"))
    assert_accessible(page)


@pytest.mark.parametrize(("email", "path", "heading"), ROLES)
def test_each_demo_role_signs_in_and_lands_on_its_page(page, live_server, email, path, heading):
    load_demo_accounts()

    sign_in(page, live_server, email, DEMO_PASSWORD)

    page.wait_for_url(f"{live_server.url}{path}")
    expect(page.get_by_role("heading", level=1)).to_have_text(heading)
    assert_accessible(page)
    page.get_by_role("button", name="Sign out").click()
    page.wait_for_url(f"{live_server.url}/sign-in/")
