"""The team around the child from start to end in Chromium (issue #18): a council officer invites
a SENCO into Amelia's team as her review convener; the SENCO chooses a password from the e-mailed
link, answers an advice request for another child, and records Amelia's review meeting; Amelia's
parent then sees the team and the key worker's contact details. Every page on the way is
axe-clean and usable at 320 CSS pixels without sideways scrolling."""

from __future__ import annotations

import datetime as dt

import pytest
from playwright.sync_api import expect

import workflows
from accounts.models import User
from accounts.roles import Role
from casework.models import PlanStatus
from casework.services.advice import advice_request
from tests.browser.test_invitations import checked
from tests.factories import (
    CaseFactory,
    ChildFactory,
    ConsentFactory,
    OrganisationFactory,
    PlanFactory,
    TeamFactory,
    TeamMemberFactory,
    UserFactory,
)
from workflows import clock
from workflows.models import Deadline, Notification

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


TEST_PASSWORD = "pathway-test"  # the factories' password


def _sign_in(page, live_server, email: str) -> None:
    page.goto(f"{live_server.url}/sign-in/")
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password").fill(TEST_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_load_state()


def _fill_date(page, prefix: str, day: dt.date) -> None:
    for part, value in enumerate((day.day, day.month, day.year)):
        page.locator(f'[name="{prefix}_{part}"]').fill(str(value))


@pytest.fixture
def council():
    today = clock.today()
    team = TeamFactory()
    officer = UserFactory(email="officer.journey@example.org", role=Role.PRACTITIONER, team=team)
    manager = UserFactory(email="manager.journey@example.org", role=Role.TEAM_MANAGER, team=team)
    parent = UserFactory(email="parent.journey@example.org", role=Role.FAMILY)
    amelia = ChildFactory(team=team, given_name="Amelia", family_name="Jones")
    amelia.family_members.create(
        name="Sam Jones", relationship="mother", user=parent, has_parental_responsibility=True
    )
    case = CaseFactory(child=amelia, lead_professional=officer, status="active")
    plan = PlanFactory(
        child=amelia,
        requested_on=today - dt.timedelta(days=400),
        status=PlanStatus.DRAFT,
        draft_issued_on=today - dt.timedelta(days=300),
    )
    plan = workflows.transition(plan, "issue_final", by=manager, on=today - dt.timedelta(days=280))
    TeamMemberFactory(
        child=amelia,
        name="Kim Okafor",
        part="key_worker",
        profession="social_worker",
        email="kim.okafor@example.org",
        phone="01634 331234",
        starts_on=today - dt.timedelta(days=200),
    )
    ConsentFactory(child=amelia, agency="education", on=today - dt.timedelta(days=200))
    ben = ChildFactory(team=team, given_name="Ben", family_name="Ahmed")
    assessing = PlanFactory(
        child=ben, requested_on=today - dt.timedelta(days=20), status=PlanStatus.ASSESSING
    )
    OrganisationFactory(name="Rochester Primary School", agency="education")
    return {"officer": officer, "parent": parent, "case": case, "plan": plan, "ben": assessing}


def test_a_senco_invited_into_the_team_answers_advice_and_records_the_review(
    page, live_server, council
):
    today = clock.today()
    # The council officer invites the SENCO from Amelia's case page.
    _sign_in(page, live_server, council["officer"].email)
    page.goto(f"{live_server.url}/cases/{council['case'].pk}/")
    page.get_by_role(
        "link", name="Invite a professional to Amelia's team around the child"
    ).click()
    page.get_by_label("Organisation").select_option(label="Rochester Primary School")
    page.get_by_label("Full name").fill("Jo Bennett")
    page.get_by_label("Work email address").fill("jo@rochester-primary.example.org")
    page.get_by_label("Profession", exact=True).select_option(label="SENCO")
    page.get_by_label("Review convener").check()
    page.get_by_role("button", name="Send the invitation").click()
    expect(page.get_by_text("Jo Bennett has been invited to Amelia Jones's team.")).to_be_visible()
    page.get_by_role("button", name="Sign out").click()

    # Meanwhile the council asks her for educational advice on Ben, who is being assessed.
    senco = User.objects.get(email="jo@rochester-primary.example.org")
    advice_request(
        by=council["officer"],
        plan=council["ben"],
        kind="educational",
        requested_on=today - dt.timedelta(days=3),
        adviser=senco,
    )

    # She chooses her password from the e-mailed link and lands on My children.
    link = Notification.objects.get(kind="invitation", recipient=senco).link
    page.goto(f"{live_server.url}{link}")
    page.get_by_label("New password", exact=True).fill("jo-bennett-chose-this")
    page.get_by_label("Confirm new password").fill("jo-bennett-chose-this")
    page.get_by_role("button", name="Save the password and sign in").click()
    expect(page.get_by_role("heading", name="My children")).to_be_visible()
    expect(page.get_by_role("link", name="Amelia Jones")).to_be_visible()
    expect(page.get_by_role("link", name="Ben Ahmed")).to_be_visible()
    checked(page)

    # She answers the advice request.
    page.get_by_role("link", name="Your advice requests and when each is due").click()
    checked(page)
    page.get_by_role("link", name="Give your advice for Ben Ahmed").click()
    checked(page)
    page.get_by_label("Your advice").fill(
        "Ben reads at age-related expectations; he needs help to start written tasks."
    )
    page.get_by_role("button", name="Send your advice").click()
    expect(page.get_by_text("Your advice has been sent. Thank you.")).to_be_visible()
    advice = Deadline.objects.get(kind="advice")
    assert (advice.status, advice.closed_on) == ("met", today)

    # She records Amelia's review meeting, and sees the council's dates that follow from it.
    page.goto(f"{live_server.url}/professional/")
    page.get_by_role("link", name="Amelia Jones").click()
    expect(page.get_by_role("link", name="kim.okafor@example.org")).to_be_visible()
    checked(page)
    page.get_by_role("link", name="Record the review meeting and the report sent").click()
    checked(page)
    meeting = today - dt.timedelta(days=2)
    _fill_date(page, "meeting-meeting_on", meeting)
    page.get_by_role("button", name="Record the meeting").click()
    expect(page.get_by_text("The meeting has been recorded.")).to_be_visible()
    checked(page)
    report = Deadline.objects.for_subject(council["plan"]).get(kind="review_report")
    assert report.due_on == meeting + dt.timedelta(weeks=2)
    page.get_by_role("button", name="Sign out").click()

    # Amelia's parent sees who is in her team, and how to reach the key worker.
    _sign_in(page, live_server, council["parent"].email)
    expect(page.get_by_text("Your key worker is Kim Okafor")).to_be_visible()
    expect(page.get_by_role("link", name="kim.okafor@example.org")).to_be_visible()
    expect(page.get_by_text("Jo Bennett")).to_be_visible()
    checked(page)
