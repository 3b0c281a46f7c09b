"""A professional's advice and review pages in Chromium: axe-clean, and usable at 320 CSS pixels
without sideways scrolling (WCAG 1.4.10)."""

from __future__ import annotations

import datetime as dt

import pytest
from playwright.sync_api import expect

from casework.models import PlanStatus
from casework.services import advice as advice_services
from tests.browser.accessibility import assert_accessible
from tests.browser.test_advice_pages import assert_fits_320
from tests.factories import (
    ChildFactory,
    PlanFactory,
    ProfessionalFactory,
    TeamFactory,
    professional_in_team,
    staff,
)
from workflows import clock

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def checked(page) -> None:
    assert_accessible(page)
    assert_fits_320(page)


def sign_in(page, live_server, user, next_url: str) -> None:
    page.goto(f"{live_server.url}/sign-in/?next={next_url}")
    page.get_by_label("Email address").fill(user.email)
    page.get_by_label("Password").fill("pathway-test")
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_load_state()


def test_an_adviser_reads_what_others_gave_and_answers_with_a_document(
    page, live_server, tmp_path
):
    team = TeamFactory()
    practitioner = staff("practitioner", team)
    child = ChildFactory(team=team, given_name="Amelia", family_name="Jones")
    plan = PlanFactory(
        child=child,
        requested_on=clock.today() - dt.timedelta(days=60),
        status=PlanStatus.ASSESSING,
        section_a="Amelia loves swimming.",
    )
    adviser = ProfessionalFactory(organisation__agency="health").user
    other = ProfessionalFactory().user
    asked_on = clock.today() - dt.timedelta(days=50)  # past the 6 weeks
    for who, kind in ((adviser, "medical"), (other, "educational")):
        advice_services.advice_request(
            by=practitioner, plan=plan, kind=kind, requested_on=asked_on, adviser=who
        )
    given = other.advice_asked.get()
    advice_services.advice_submit(by=other, request=given, advice="Reading age 6.")
    upload = tmp_path / "clinic letter.pdf"
    upload.write_bytes(b"%PDF-1.4\n%%EOF\n")

    sign_in(page, live_server, adviser, "/professional/advice/")
    expect(page.get_by_role("heading", name="Advice requests")).to_be_visible()
    expect(page.get_by_text("overdue", exact=False)).to_be_visible()
    checked(page)

    page.get_by_role("link", name="Give your advice").click()
    expect(page.get_by_text("Reading age 6.")).to_be_visible()
    expect(page.get_by_text("Amelia loves swimming.")).to_be_visible()
    checked(page)

    page.get_by_role("button", name="Send your advice").click()
    expect(page.get_by_text("There is a problem")).to_be_visible()
    checked(page)

    page.get_by_label("Your advice").fill("Needs a hoist at school.")
    page.get_by_label("Documents (optional)").set_input_files(str(upload))
    page.get_by_label("Why the advice is late").fill("The clinic was closed.")
    page.get_by_role("button", name="Send your advice").click()
    expect(page.get_by_text("Your advice has been sent")).to_be_visible()
    expect(page.get_by_text("Sent", exact=False).first).to_be_visible()
    checked(page)


def test_the_review_convener_records_the_meeting(page, live_server):
    team = TeamFactory()
    child = ChildFactory(team=team, given_name="Amelia", family_name="Jones")
    plan = PlanFactory(child=child, requested_on="2025-04-01", status=PlanStatus.FINAL)
    convener = professional_in_team(child, agency="education", part="review_convener")
    meeting = clock.today() - dt.timedelta(days=3)

    sign_in(page, live_server, convener, f"/professional/reviews/{plan.pk}/")
    expect(page.get_by_role("heading", name="Annual review of the EHC plan")).to_be_visible()
    checked(page)

    page.get_by_role("button", name="Record the meeting").click()
    expect(page.get_by_text("There is a problem")).to_be_visible()
    checked(page)

    meeting_group = page.get_by_role("group", name="Date of the review meeting")
    meeting_group.get_by_label("Day").fill(str(meeting.day))
    meeting_group.get_by_label("Month").fill(str(meeting.month))
    meeting_group.get_by_label("Year").fill(str(meeting.year))
    page.get_by_role("button", name="Record the meeting").click()
    expect(page.get_by_text("The review meeting has been recorded.")).to_be_visible()
    expect(page.get_by_text("Send the review report")).to_be_visible()
    checked(page)
