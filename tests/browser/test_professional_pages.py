"""A professional's *My children* and a child's page in Chromium: axe-clean, and usable at 320
CSS pixels without sideways scrolling (WCAG 1.4.10)."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.browser.accessibility import assert_accessible
from tests.browser.test_advice_pages import assert_fits_320
from tests.factories import (
    ChildFactory,
    PlanFactory,
    TeamFactory,
    TeamMemberFactory,
    professional_in_team,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_senco_finds_their_child_and_reads_the_childs_page(page, live_server):
    child = ChildFactory(team=TeamFactory(), given_name="Amelia", family_name="Jones")
    child.family_members.create(
        name="Sam Jones",
        relationship="mother",
        email="sam.jones.with.a.long.address@example.org",
        phone="07700 900001",
        has_parental_responsibility=True,
    )
    TeamMemberFactory(child=child, name="Kim Okafor", part="key_worker", email="kim@example.org")
    PlanFactory(child=child, status="final")
    senco = professional_in_team(child, agency="education", part="review_convener")

    page.goto(f"{live_server.url}/sign-in/")
    page.get_by_label("Email address").fill(senco.email)
    page.get_by_label("Password").fill("pathway-test")
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", name="My children")).to_be_visible()
    expect(page.get_by_text("Review convener")).to_be_visible()
    assert_accessible(page)
    assert_fits_320(page)

    page.get_by_role("link", name="Amelia Jones").click()
    expect(page.get_by_role("heading", name="Parents and carers")).to_be_visible()
    expect(page.get_by_text("sam.jones.with.a.long.address@example.org")).to_be_visible()
    assert_accessible(page)
    assert_fits_320(page)
