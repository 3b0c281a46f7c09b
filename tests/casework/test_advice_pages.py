"""The case page's advice, transfers and re-assessments: listed with due dates and status, each
step reachable from the page, and a step that cannot be taken shown with the reason."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine

from accounts.roles import Role
from casework.models import PlanStatus
from casework.models.advice import AdviceRequest, Reassessment, Transfer
from casework.services import advice as services
from tests.factories import CaseFactory, ChildFactory, PlanFactory, staff
from workflows.models import Deadline, DeadlineStatus

D = dt.date


@pytest.fixture(autouse=True)
def today():
    with time_machine.travel(dt.datetime(2027, 2, 1, 9, tzinfo=dt.UTC), tick=False):
        yield


@pytest.fixture
def case(team, practitioner):
    child = ChildFactory(team=team, given_name="Amelia")
    return CaseFactory(child=child, lead_professional=practitioner, status="active")


def plan_of(case, status):
    return PlanFactory(child=case.child, case=case, requested_on=D(2026, 11, 2), status=status)


def test_the_case_page_lists_advice_with_its_due_date_and_status(client, practitioner, case):
    plan = plan_of(case, PlanStatus.ASSESSING)
    services.advice_request(
        by=practitioner,
        plan=plan,
        kind="medical",
        adviser_email="paed@example.org",
        requested_on=D(2027, 1, 4),
    )
    client.force_login(practitioner)

    page = client.get(f"/cases/{case.pk}/").content.decode()

    assert "Medical advice" in page
    assert "Due 15 February 2027" in page
    assert "Record the advice received" in page
    assert f"/plans/{plan.pk}/advice/new/" in page


def test_staff_request_advice_and_record_it_from_the_pages(client, practitioner, case):
    plan = plan_of(case, PlanStatus.ASSESSING)
    client.force_login(practitioner)

    response = client.post(
        f"/plans/{plan.pk}/advice/new/",
        {
            "kind": "psychological",
            "adviser_email": "ep@example.org",
            "requested_on_0": "4",
            "requested_on_1": "1",
            "requested_on_2": "2027",
        },
    )

    assert response.status_code == 302
    request = AdviceRequest.objects.get()
    response = client.post(
        f"/advice/{request.pk}/steps/submit/",
        {"on_0": "20", "on_1": "1", "on_2": "2027", "advice": "Needs 1:1."},
    )
    assert response.status_code == 302
    deadline = Deadline.objects.get(kind="advice")
    assert (deadline.status, deadline.closed_on) == (DeadlineStatus.MET, D(2027, 1, 20))


def test_the_advice_form_names_a_bad_date(client, practitioner, case):
    plan = plan_of(case, PlanStatus.ASSESSING)
    client.force_login(practitioner)

    response = client.post(
        f"/plans/{plan.pk}/advice/new/",
        {
            "kind": "medical",
            "adviser_email": "a@example.org",
            "requested_on_0": "2",
            "requested_on_1": "2",
            "requested_on_2": "2027",
        },
    )

    assert response.status_code == 400
    assert "The date must be today or in the past." in response.content.decode()


def test_a_practitioner_is_told_why_they_cannot_record_a_transfer(client, practitioner, case):
    plan_of(case, PlanStatus.FINAL)
    client.force_login(practitioner)

    page = client.get(f"/cases/{case.pk}/").content.decode()

    assert "Record a transfer: Only a team manager can record this." in page


def test_advice_cannot_be_asked_for_on_a_final_plan_and_the_page_says_why(
    client, practitioner, case
):
    plan_of(case, PlanStatus.FINAL)
    client.force_login(practitioner)

    page = client.get(f"/cases/{case.pk}/").content.decode()

    assert "Request advice: Advice is asked for during a needs assessment" in page


def test_a_manager_records_a_transfer_and_the_family_told_from_the_pages(client, manager, case):
    plan = plan_of(case, PlanStatus.FINAL)
    client.force_login(manager)

    response = client.post(
        f"/plans/{plan.pk}/transfers/new/",
        {
            "direction": "in",
            "other_council": "Kent County Council",
            "moved_on_0": "1",
            "moved_on_1": "12",
            "moved_on_2": "2026",
            "notice_received_on_0": "20",
            "notice_received_on_1": "11",
            "notice_received_on_2": "2026",
        },
    )

    assert response.status_code == 302
    transfer = Transfer.objects.get()
    page = client.get(f"/cases/{case.pk}/").content.decode()
    assert "Due 12 January 2027" in page
    assert "This step is for a plan transferred out to another council." in page
    response = client.post(
        f"/transfers/{transfer.pk}/steps/give_notice/", {"on_0": "5", "on_1": "1", "on_2": "2027"}
    )
    assert response.status_code == 302
    assert Deadline.objects.get(kind="transfer_in_notice").status == DeadlineStatus.MET


def test_a_manager_records_and_decides_a_re_assessment_from_the_pages(client, manager, case):
    plan = plan_of(case, PlanStatus.FINAL)
    client.force_login(manager)

    client.post(
        f"/plans/{plan.pk}/reassessments/new/",
        {"requested_on_0": "4", "requested_on_1": "1", "requested_on_2": "2027"},
    )
    reassessment = Reassessment.objects.get()
    response = client.post(
        f"/reassessments/{reassessment.pk}/steps/reassess/",
        {"on_0": "15", "on_1": "1", "on_2": "2027", "reason": ""},
    )

    assert response.status_code == 302
    assert Deadline.objects.get(kind="reassessment_final").due_on == D(2027, 4, 23)


def test_a_practitioner_may_not_decide_a_re_assessment(client, practitioner, manager, case):
    plan = plan_of(case, PlanStatus.FINAL)
    reassessment = services.reassessment_request(by=manager, plan=plan, requested_on=D(2027, 1, 4))
    client.force_login(practitioner)

    response = client.get(f"/reassessments/{reassessment.pk}/steps/refuse/")

    assert response.status_code == 403


def test_another_teams_records_are_not_found_on_the_pages(client, manager, case, other_team):
    plan = plan_of(case, PlanStatus.FINAL)
    reassessment = services.reassessment_request(by=manager, plan=plan, requested_on=D(2027, 1, 4))
    client.force_login(staff(Role.TEAM_MANAGER, other_team))

    assert client.get(f"/plans/{plan.pk}/transfers/new/").status_code == 404
    assert client.get(f"/reassessments/{reassessment.pk}/steps/refuse/").status_code == 404
