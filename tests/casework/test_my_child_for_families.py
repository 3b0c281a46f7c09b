"""My child, for a family (issue #20 item 6): who to contact and how, everything the family has
told us about the plan even once its period has closed, how to ask for a school or college, and
no page that tells a family to ask a team manager they do not have."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.utils.html import escape

import workflows
from accounts.roles import Role
from casework import services
from casework.models import Representation
from tests.factories import ChildFactory, FamilyMemberFactory, staff
from tests.factories.casework import CaseFactory, DraftPlanFactory, FinalPlanFactory

D = dt.date


@pytest.fixture(autouse=True)
def today():
    with time_machine.travel(dt.datetime(2026, 11, 2, 9, tzinfo=dt.UTC), tick=False):
        yield


@pytest.fixture
def social_worker(team):
    user = staff(Role.PRACTITIONER, team)
    user.full_name, user.email = "Priya Shah", "priya.shah@example.org"
    user.save()
    return user


@pytest.fixture
def child(team, social_worker):
    child = ChildFactory(team=team, given_name="Amelia", date_of_birth=D(2016, 4, 2))
    CaseFactory(child=child, team=team, lead_professional=social_worker)
    return child


@pytest.fixture
def parent(team, child):
    user = staff(Role.FAMILY, team)
    FamilyMemberFactory(child=child, name="Mum", relationship="mother", user=user)
    return user


def my_child(client, parent) -> str:
    client.force_login(parent)
    response = client.get("/my-child/")
    assert response.status_code == 200
    return response.content.decode()


def test_my_child_names_the_social_worker_and_the_case_officer_with_their_e_mail(
    client, parent, child, team
):
    plan = FinalPlanFactory(child=child, requested_on=D(2026, 1, 5))
    officer = plan.case_officer

    page = my_child(client, parent)

    assert "Your social worker" in page
    assert "Priya Shah" in page
    assert 'href="mailto:priya.shah@example.org"' in page
    assert escape(team.name) in page
    assert "Your case officer for the EHC plan" in page
    assert f'href="mailto:{officer.email}"' in page


def test_a_family_without_a_plan_is_given_the_sen_teams_contact(client, parent, settings):
    settings.PATHWAY_SEN_TEAM_CONTACT = "the SEN team, on 01634 111222"

    page = my_child(client, parent)

    assert "does not have an EHC plan or a request for one" in page
    assert "the SEN team, on 01634 111222" in page


def test_what_the_family_said_stays_listed_after_the_final_plan_is_issued(client, parent, child):
    with time_machine.travel(dt.datetime(2026, 3, 2, 9, tzinfo=dt.UTC), tick=False):
        plan = DraftPlanFactory(
            child=child,
            requested_on=D(2026, 1, 5),
            assessing_on=D(2026, 1, 20),
            draft_on=D(2026, 3, 2),
        )
        services.representation_add(
            by=parent,
            plan=plan,
            text="Please add swimming.",
            school_requested="Riverside School",
        )
    manager = staff(Role.TEAM_MANAGER, child.team)
    workflows.transition(plan, "issue_final", by=manager, on=D(2026, 4, 1))

    page = my_child(client, parent)

    assert "Please add swimming." in page
    assert "You asked for Riverside School to be named in the plan." in page
    assert Representation.objects.filter(plan=plan).count() == 1


def test_outside_the_familys_period_the_page_says_how_to_ask_for_a_school(client, parent, child):
    plan = FinalPlanFactory(child=child, requested_on=D(2026, 1, 5))

    page = my_child(client, parent)

    assert "Asking for a particular school or college" in page
    assert "when we send you a draft plan or propose changes to it" in page
    assert f'href="mailto:{plan.case_officer.email}"' in page
    assert "You have not sent us any comments on the plan yet." in page


def test_inside_the_familys_period_the_school_is_asked_for_on_the_form(client, parent, child):
    with time_machine.travel(dt.datetime(2026, 3, 2, 9, tzinfo=dt.UTC), tick=False):
        DraftPlanFactory(
            child=child,
            requested_on=D(2026, 1, 5),
            assessing_on=D(2026, 1, 20),
            draft_on=D(2026, 3, 2),
        )
        page = my_child(client, parent)

    assert "School or college you would like named in the plan (optional)" in page
    assert "To ask for a particular school or college, name it below." in page


def test_no_page_a_family_sees_tells_them_to_ask_a_team_manager(client, parent, child):
    FinalPlanFactory(child=child, requested_on=D(2026, 1, 5))

    pages = [my_child(client, parent)]
    refused = client.get("/caseload/")
    assert refused.status_code == 403
    pages.append(refused.content.decode())

    for page in pages:
        assert "team manager" not in page.lower()
    assert "contact your social worker or case officer" in pages[1]


def test_a_practitioner_refused_a_page_is_still_told_to_ask_their_team_manager(
    client, social_worker
):
    client.force_login(social_worker)

    refused = client.get("/my-child/")

    assert refused.status_code == 403
    assert "ask your team manager" in refused.content.decode()
