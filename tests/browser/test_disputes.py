"""A team manager records an appeal and the council's concession from the case page, sees the
steps the concession requires, and the family reads their appeal date: axe-clean, and usable at
320 CSS pixels wide without sideways scrolling (WCAG 1.4.10)."""

from __future__ import annotations

import datetime as dt

import pytest
from playwright.sync_api import expect

import workflows
from accounts.demo import DEMO_PASSWORD, load_demo_accounts
from accounts.models import Team, User
from casework.models import EHCPlan
from tests.browser.accessibility import assert_accessible
from tests.browser.test_sign_in import sign_in
from tests.factories import CaseFactory, ChildFactory, FamilyMemberFactory, RequestedPlanFactory
from workflows import clock

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def no_sideways_scroll(page) -> None:
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 320, f"{page.url} is {width}px wide at 320px"


def test_manager_records_an_appeal_and_a_concession_and_the_family_sees_the_date(
    page, live_server
):
    load_demo_accounts()
    team = Team.objects.get()
    manager = User.objects.get(email="manager@example.org")
    child = ChildFactory(team=team, given_name="Ella")
    FamilyMemberFactory(
        child=child,
        name="Mum",
        relationship="mother",
        user=User.objects.get(email="parent@example.org"),
    )
    case = CaseFactory(child=child, status="active")
    decided_on = clock.today() - dt.timedelta(days=20)
    requested = RequestedPlanFactory(child=child, requested_on=decided_on - dt.timedelta(weeks=5))
    EHCPlan.objects.filter(pk=requested.pk).update(case=case)
    plan = workflows.transition(
        EHCPlan.objects.get(pk=requested.pk),
        "refuse_to_assess",
        by=manager,
        on=decided_on,
        reason="Needs met at school",
    )
    page.set_viewport_size({"width": 320, "height": 800})

    sign_in(page, live_server, manager.email, DEMO_PASSWORD)
    page.goto(f"{live_server.url}/cases/{case.pk}/")
    assert_accessible(page)
    no_sideways_scroll(page)
    for kind, day, order in (
        ("Appeal registered with the Tribunal", decided_on + dt.timedelta(days=5), None),
        (
            "The council conceded the appeal",
            decided_on + dt.timedelta(days=10),
            "Carry out an EHC needs assessment",
        ),
    ):
        page.get_by_role("link", name="Record mediation or an appeal").click()
        expect(page.get_by_role("heading", level=1)).to_have_text("Record mediation or an appeal")
        assert_accessible(page)
        no_sideways_scroll(page)
        page.get_by_label(kind).check()
        page.get_by_label("Day").fill(str(day.day))
        page.get_by_label("Month").fill(str(day.month))
        page.get_by_label("Year").fill(str(day.year))
        if order:
            page.get_by_label(order).check()
        page.get_by_role("button", name="Record it").click()
        expect(page.get_by_text("It has been recorded.")).to_be_visible()

    expect(page.get_by_text("Tell the family the assessment will go ahead")).to_be_visible()
    assert_accessible(page)
    no_sideways_scroll(page)

    page.get_by_role("link", name="Record mediation or an appeal").click()
    page.get_by_label("Mediation held").check()
    page.get_by_role("button", name="Record it").click()
    expect(page.locator(".govuk-error-summary")).to_be_visible()
    assert_accessible(page)

    page.get_by_role("button", name="Sign out").click()
    sign_in(page, live_server, "parent@example.org", DEMO_PASSWORD)
    page.goto(f"{live_server.url}/my-child/")
    expect(
        page.get_by_text("If you disagree, you can appeal to the SEND Tribunal until")
    ).to_be_visible()
    assert plan.appeal_by is not None
    assert_accessible(page)
    no_sideways_scroll(page)
