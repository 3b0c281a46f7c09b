"""Waiving a council-policy deadline from the pages, and an exception reachable from every
deadline row: a manager waives a local target with a reason; a time limit in law is never
waived, and its row and page lead to its exceptions."""

from __future__ import annotations

import datetime as dt

import pytest

from accounts.roles import Role
from casework.models import CaseStatus
from tests.factories import CaseFactory, ChildFactory, DeadlineFactory, staff
from workflows import clock
from workflows.models import Deadline, DeadlineStatus, TransitionLog


@pytest.fixture
def case(team, practitioner):
    return CaseFactory(
        child=ChildFactory(team=team), status=CaseStatus.ASSESSING, lead_professional=practitioner
    )


@pytest.fixture
def local_target(case):
    return DeadlineFactory(subject=case, kind="assessment_complete")


@pytest.fixture
def in_law(case):
    return DeadlineFactory(subject=case, kind="final_plan")


def waive_page(deadline) -> str:
    return f"/deadlines/{deadline.pk}/waive/"


def exceptions_page(deadline) -> str:
    return f"/deadlines/{deadline.pk}/exceptions/"


def test_a_manager_waives_a_local_target_with_a_reason(client, local_target, manager):
    client.force_login(manager)

    response = client.post(waive_page(local_target), {"reason": "The family asked to wait"})

    assert response.status_code == 302
    waived = Deadline.objects.get(pk=local_target.pk)
    assert (waived.status, waived.waiver_reason) == (
        DeadlineStatus.WAIVED,
        "The family asked to wait",
    )
    assert TransitionLog.objects.filter(transition="waive", actor=manager).exists()


def test_the_reason_is_required_in_our_words(client, local_target, manager):
    client.force_login(manager)

    response = client.post(waive_page(local_target), {"reason": ""})

    assert response.status_code == 400
    assert "Enter why the deadline is waived." in response.content.decode()
    assert Deadline.objects.get(pk=local_target.pk).status == DeadlineStatus.OPEN


def test_a_practitioner_is_told_a_manager_decides_and_cannot_waive(
    client, local_target, practitioner
):
    client.force_login(practitioner)

    page = client.get(waive_page(local_target)).content.decode()
    refused = client.post(waive_page(local_target), {"reason": "Busy"})

    assert "Only a team manager can waive a deadline." in page
    assert "<textarea" not in page
    assert refused.status_code == 403
    assert Deadline.objects.get(pk=local_target.pk).status == DeadlineStatus.OPEN


def test_a_time_limit_in_law_is_not_waived_and_leads_to_its_exceptions(client, in_law, manager):
    client.force_login(manager)

    page = client.get(waive_page(in_law)).content.decode()
    refused = client.post(waive_page(in_law), {"reason": "Busy"})

    assert "This is a time limit in law: it cannot be waived; record an exception instead." in page
    assert exceptions_page(in_law) in page
    assert refused.status_code == 409
    assert Deadline.objects.get(pk=in_law.pk).status == DeadlineStatus.OPEN


def test_a_closed_deadline_cannot_be_waived_again(client, local_target, manager):
    client.force_login(manager)
    client.post(waive_page(local_target), {"reason": "The family asked to wait"})

    assert client.post(waive_page(local_target), {"reason": "Again"}).status_code == 409


def test_another_teams_manager_is_told_the_deadline_does_not_exist(
    client, local_target, other_team
):
    client.force_login(staff(Role.TEAM_MANAGER, other_team))

    assert client.get(waive_page(local_target)).status_code == 404
    assert client.post(waive_page(local_target), {"reason": "x"}).status_code == 404


def test_each_deadline_row_on_the_case_page_says_what_can_be_done(
    client, case, local_target, in_law, manager, practitioner
):
    client.force_login(manager)
    page = client.get(f"/cases/{case.pk}/").content.decode()
    assert waive_page(local_target) in page
    assert exceptions_page(in_law) in page
    assert "a time limit in law: it cannot be waived" in page

    client.force_login(practitioner)
    page = client.get(f"/cases/{case.pk}/").content.decode()
    assert waive_page(local_target) not in page
    assert "a team manager decides whether to waive it" in page
    assert exceptions_page(in_law) in page


def test_the_caseload_links_the_next_deadline_to_its_exceptions(
    client, case, in_law, practitioner, django_assert_max_num_queries
):
    client.force_login(practitioner)
    client.get("/caseload/")  # the session and the user's roles, once

    with django_assert_max_num_queries(12):
        page = client.get("/caseload/").content.decode()

    assert exceptions_page(in_law) in page


def test_the_team_dashboard_links_deadlines_at_risk(client, case, local_target, in_law, manager):
    Deadline.objects.update(due_on=clock.today() + dt.timedelta(days=5))
    client.force_login(manager)

    page = client.get("/team/").content.decode()

    assert waive_page(local_target) in page
    assert exceptions_page(in_law) in page
