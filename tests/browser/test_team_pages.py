"""The team around the child in Chromium: the staff page and the family's My child section,
axe-clean and usable at 320 CSS pixels without sideways scrolling (WCAG 1.4.10)."""

from __future__ import annotations

import datetime as dt

import pytest
from playwright.sync_api import expect

from accounts.roles import Role
from tests.browser.test_advice_pages import checked
from tests.factories import (
    CaseFactory,
    ChildFactory,
    FamilyMemberFactory,
    OrganisationFactory,
    TeamFactory,
    TeamMemberFactory,
    UserFactory,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def sign_in(page, live_server, email: str) -> None:
    page.goto(f"{live_server.url}/sign-in/")
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password").fill("pathway-test")
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_load_state()


def test_staff_add_a_key_worker_and_the_family_sees_them_on_my_child(page, live_server):
    team = TeamFactory()
    practitioner = UserFactory(
        email="practitioner.team@example.org", role=Role.PRACTITIONER, team=team
    )
    child = ChildFactory(team=team, given_name="Amelia", family_name="Jones")
    case = CaseFactory(child=child, lead_professional=practitioner, status="active")
    family = UserFactory(email="parent.team@example.org", role=Role.FAMILY)
    FamilyMemberFactory(child=child, user=family, relationship="mother")
    TeamMemberFactory(
        child=child,
        name="Dr Priya Shah",
        organisation=OrganisationFactory(name="Medway NHS Foundation Trust", agency="health"),
        part="adviser",
    )

    sign_in(page, live_server, practitioner.email)
    page.goto(f"{live_server.url}/cases/{case.pk}/")
    page.get_by_role("link", name="Team around the child", exact=True).click()
    expect(page.get_by_text("No key worker has been named yet", exact=False)).to_be_visible()
    checked(page)

    today = dt.date.today()
    page.get_by_label("Full name").fill("Sam Okafor")
    page.get_by_label("Profession", exact=True).select_option("social_worker")
    page.get_by_label("Key worker").check()
    page.get_by_label("E-mail address").fill("sam@example.org")
    page.get_by_label("Day").fill(str(today.day))
    page.get_by_label("Month").fill(str(today.month))
    page.get_by_label("Year").fill(str(today.year))
    page.get_by_role("button", name="Add to the team").click()
    expect(page.get_by_text("Sam Okafor has been added to the team.")).to_be_visible()
    checked(page)

    page.get_by_role("button", name="Sign out").click()
    sign_in(page, live_server, family.email)
    page.goto(f"{live_server.url}/my-child/")
    expect(page.get_by_text("Your key worker is Sam Okafor", exact=False)).to_be_visible()
    expect(page.get_by_text("sam@example.org")).to_be_visible()
    checked(page)

    page.get_by_role("link", name="Give or withdraw consent", exact=False).click()
    expect(
        page.get_by_text("regulation 6 of the SEND Regulations 2014", exact=False)
    ).to_be_visible()
    checked(page)
    page.get_by_label("Health").check()
    page.get_by_label("No, I withdraw consent").check()
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text("You have withdrawn consent for health.")).to_be_visible()
