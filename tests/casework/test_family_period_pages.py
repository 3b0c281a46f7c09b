"""The family's period on the pages: the family's page (add more until the period ends, each
shown with its date) and the case page (the period and the list)."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine

import workflows
from accounts.roles import Role
from casework import services
from casework.models import Representation
from tests.factories import AssessingPlanFactory, ChildFactory, FamilyMemberFactory, staff
from tests.factories.casework import CaseFactory

D = dt.date
SECTIONS = {"section_b": "Needs", "section_e": "Outcomes", "section_f": "Provision"}


@pytest.fixture(autouse=True)
def today():
    with time_machine.travel(dt.datetime(2026, 3, 25, 9, tzinfo=dt.UTC), tick=False):
        yield


@pytest.fixture
def child(team):
    child = ChildFactory(team=team, date_of_birth=D(2016, 4, 2))
    CaseFactory(child=child, team=team)
    return child


@pytest.fixture
def parent(team, child):
    user = staff(Role.FAMILY, team)
    FamilyMemberFactory(child=child, name="Mum", relationship="mother", user=user)
    return user


@pytest.fixture
def plan(child, practitioner):
    plan = AssessingPlanFactory(
        child=child, requested_on=D(2026, 1, 5), assessing_on=D(2026, 2, 2)
    )
    plan = services.plan_update(by=practitioner, plan=plan, **SECTIONS)
    return workflows.transition(
        plan, "issue_draft", by=practitioner, on=D(2026, 3, 20), served_by="email"
    )


def test_the_familys_page_says_how_long_they_have_and_how_to_use_it(client, parent, plan):
    client.force_login(parent)

    page = client.get("/my-child/").content.decode()

    assert (
        "You have until Friday 3 April 2026 to tell us what you think of the draft plan, ask for "
        "a particular school, or ask for a meeting. If you have nothing more to add, tell us and "
        "we can finish the plan sooner."
    ) in page
    assert "What do you think of the draft plan?" in page


def test_the_family_adds_more_than_one_representation_each_shown_with_its_date(
    client, parent, plan
):
    client.force_login(parent)
    client.post(f"/plans/{plan.pk}/comments/", {"text": "Add swimming."})
    with time_machine.travel(dt.datetime(2026, 3, 27, 9, tzinfo=dt.UTC), tick=False):
        client.force_login(parent)  # a session does not outlast two idle days
        response = client.post(
            f"/plans/{plan.pk}/comments/",
            {"school_requested": "Oak School", "meeting_requested": "on"},
            follow=True,
        )

    page = response.content.decode()
    assert Representation.objects.count() == 2
    assert "25 March 2026" in page
    assert "Add swimming." in page
    assert "27 March 2026" in page
    assert "You asked for Oak School to be named" in page
    assert "You asked for a meeting." in page
    assert "Send more" in page


def test_an_empty_representation_shows_the_error_summary(client, parent, plan):
    client.force_login(parent)

    response = client.post(f"/plans/{plan.pk}/comments/", {"text": ""})

    assert response.status_code == 400
    page = response.content.decode()
    assert "govuk-error-summary" in page
    assert 'href="#id_text"' in page
    assert "You have until Friday 3 April 2026" in page


def test_after_the_period_the_family_sees_it_ended_and_cannot_post(client, parent, plan):
    with time_machine.travel(dt.datetime(2026, 4, 4, 9, tzinfo=dt.UTC), tick=False):
        client.force_login(parent)
        page = client.get("/my-child/").content.decode()
        refused = client.post(f"/plans/{plan.pk}/comments/", {"text": "Late"})

    assert "The time to comment ended on Friday 3 April 2026." in page
    assert "What do you think of the draft plan?" not in page
    assert refused.status_code == 409
    assert "ended on 3 April 2026" in refused.content.decode()
    assert not Representation.objects.exists()


def test_another_familys_plan_is_a_404_on_the_comment_page(client, team, plan):
    other = staff(Role.FAMILY, team)
    FamilyMemberFactory(
        child=ChildFactory(team=team), name="Dad", relationship="father", user=other
    )
    client.force_login(other)

    assert client.get(f"/plans/{plan.pk}/comments/").status_code == 404
    assert client.post(f"/plans/{plan.pk}/comments/", {"text": "x"}).status_code == 404


def test_the_case_page_shows_the_period_and_every_representation(
    client, parent, practitioner, plan
):
    services.representation_add(by=parent, plan=plan, text="Add swimming.", meeting_requested=True)
    client.force_login(practitioner)

    page = client.get(f"/cases/{plan.case_id}/").content.decode()

    assert "Friday 20 March 2026 (e-mail)" in page
    assert "Friday 3 April 2026" in page
    assert "can be issued from 4 April 2026" in page
    assert "Add swimming." in page
    assert "Meeting requested" in page


def test_staff_record_a_representation_sent_by_post_with_its_date(client, practitioner, plan):
    client.force_login(practitioner)

    response = client.post(
        f"/plans/{plan.pk}/representations/new/",
        {
            "made_on_0": "23",
            "made_on_1": "3",
            "made_on_2": "2026",
            "text": "By letter: add swimming.",
            "nothing_more_to_add": "on",
        },
    )

    assert response.status_code == 302
    kept = Representation.objects.get()
    assert (kept.made_on, kept.nothing_more_to_add, kept.by) == (
        D(2026, 3, 23),
        True,
        practitioner,
    )


def test_the_family_cannot_use_the_staff_form(client, parent, plan):
    client.force_login(parent)

    assert client.get(f"/plans/{plan.pk}/representations/new/").status_code == 403
