"""A team manager follows the case page's link to see who has looked at a child's records."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from accounts.demo import DEMO_PASSWORD, load_demo_accounts
from accounts.models import Team, User
from tests.browser.accessibility import assert_accessible
from tests.browser.test_sign_in import sign_in
from tests.factories import CaseFactory, ChildFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_manager_reads_the_access_log_of_a_childs_records(page, live_server):
    load_demo_accounts()
    case = CaseFactory(child=ChildFactory(team=Team.objects.get(), given_name="Ella"))
    practitioner = User.objects.get(email="practitioner@example.org")

    sign_in(page, live_server, practitioner.email, DEMO_PASSWORD)
    page.goto(f"{live_server.url}/cases/{case.pk}/")
    page.get_by_role("button", name="Sign out").click()
    sign_in(page, live_server, "manager@example.org", DEMO_PASSWORD)
    page.goto(f"{live_server.url}/cases/{case.pk}/")
    page.get_by_role("link", name="Who has looked at Ella's records").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Who has looked at these records")
    expect(page.get_by_text("practitioner@example.org")).to_be_visible()
    assert_accessible(page)
