"""Advice for an EHC needs assessment (SEND Regs 2014 reg 6(1), reg 8(1)): one `advice` deadline
per request, 6 calendar weeks, closed by the advice received."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from rest_framework.test import APIClient

from accounts.roles import Role
from casework.models import PlanStatus
from casework.models.advice import AdviceRequest
from tests.factories import ChildFactory, PlanFactory, UserFactory, staff
from workflows.models import Deadline, DeadlineStatus, TransitionLog
from workflows.registry import registry

D = dt.date


@pytest.fixture(autouse=True)
def today():
    with time_machine.travel(dt.datetime(2027, 9, 1, 9, tzinfo=dt.UTC), tick=False):
        yield


def api(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


@pytest.fixture
def plan(team):
    child = ChildFactory(team=team, date_of_birth=D(2016, 4, 2))
    return PlanFactory(child=child, requested_on=D(2026, 11, 2), status=PlanStatus.ASSESSING)


def ask(user, plan, **body):
    payload = {"kind": "medical", "adviser_email": "Paed@NHS.example", "requested_on": None}
    return api(user).post(
        f"/api/v1/ehc-plans/{plan.pk}/advice-requests/", payload | body, format="json"
    )


def advice_deadline(request_id: int) -> Deadline:
    return Deadline.objects.get(kind="advice", subject_id=request_id)


@pytest.mark.parametrize(
    ("requested_on", "due_on"),
    [
        (D(2026, 11, 20), D(2027, 1, 1)),  # due on New Year's Day, a bank holiday: it stays
        (D(2026, 12, 31), D(2027, 2, 11)),  # across the year end
        (D(2027, 1, 31), D(2027, 3, 14)),  # a month end: calendar weeks, a Sunday
        (D(2027, 2, 12), D(2027, 3, 26)),  # due on Good Friday 2027: it stays
    ],
)
def test_advice_is_due_6_calendar_weeks_after_the_request_around_holidays_and_month_ends(
    practitioner, plan, requested_on, due_on
):
    response = ask(practitioner, plan, requested_on=requested_on.isoformat())

    assert response.status_code == 201, response.json()
    body = response.json()
    assert (body["due_on"], body["agency"], body["status"]) == (
        due_on.isoformat(),
        "health",
        "requested",
    )
    deadline = advice_deadline(body["id"])
    assert (deadline.due_on, deadline.status, deadline.opened_on) == (
        due_on,
        DeadlineStatus.OPEN,
        requested_on,
    )
    assert body["adviser_email"] == "paed@nhs.example"


def test_each_adviser_gets_a_deadline_of_their_own(practitioner, plan):
    first = ask(practitioner, plan, requested_on="2027-01-04").json()
    second = ask(practitioner, plan, kind="psychological", requested_on="2027-01-11").json()

    deadlines = Deadline.objects.filter(kind="advice").order_by("due_on")
    assert [(d.subject_id, d.due_on) for d in deadlines] == [
        (first["id"], D(2027, 2, 15)),
        (second["id"], D(2027, 2, 22)),
    ]
    assert [d.status for d in deadlines] == [DeadlineStatus.OPEN, DeadlineStatus.OPEN]


@pytest.mark.parametrize(
    ("received_on", "status"),
    [("2027-02-15", DeadlineStatus.MET), ("2027-02-16", DeadlineStatus.MISSED)],
)
def test_recording_the_advice_closes_its_deadline_met_on_the_due_day_missed_the_day_after(
    practitioner, plan, received_on, status
):
    request = ask(practitioner, plan, requested_on="2027-01-04").json()

    response = api(practitioner).post(
        f"/api/v1/advice-requests/{request['id']}/submit/",
        {"advice": "Needs a sensory diet at school.", "received_on": received_on},
        format="json",
    )

    assert response.status_code == 200, response.json()
    assert (response.json()["status"], response.json()["received_on"]) == (
        "received",
        received_on,
    )
    deadline = advice_deadline(request["id"])
    assert (deadline.status, deadline.closed_on.isoformat()) == (status, received_on)
    assert TransitionLog.objects.filter(transition="submit", subject_id=request["id"]).exists()


def test_the_adviser_in_the_team_may_submit_and_their_address_is_kept(practitioner, team, plan):
    adviser = staff(Role.PRACTITIONER, team)
    request = ask(
        practitioner, plan, adviser=adviser.pk, adviser_email="", requested_on="2027-01-04"
    )
    assert request.status_code == 201, request.json()
    assert request.json()["adviser_email"] == adviser.email

    response = api(adviser).post(
        f"/api/v1/advice-requests/{request.json()['id']}/submit/",
        {"advice": "Advice.", "received_on": "2027-01-20"},
        format="json",
    )

    assert response.status_code == 200


def test_submitting_twice_is_a_409(practitioner, plan):
    request = ask(practitioner, plan, requested_on="2027-01-04").json()
    url = f"/api/v1/advice-requests/{request['id']}/submit/"
    body = {"advice": "Advice.", "received_on": "2027-01-20"}
    assert api(practitioner).post(url, body, format="json").status_code == 200

    assert api(practitioner).post(url, body, format="json").status_code == 409


@pytest.mark.parametrize(
    "status", [PlanStatus.REQUESTED, PlanStatus.DRAFT, PlanStatus.FINAL, PlanStatus.REFUSED]
)
def test_advice_is_asked_for_only_while_the_plan_is_being_assessed(practitioner, plan, status):
    type(plan).objects.filter(pk=plan.pk).update(status=status)

    response = ask(practitioner, plan, requested_on="2027-01-04")

    assert response.status_code == 409
    assert not AdviceRequest.objects.exists()


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"requested_on": "2027-09-02"}, "requested_on"),  # tomorrow
        ({"requested_on": "2026-11-01"}, "requested_on"),  # before the plan's request
        ({"requested_on": "2027-01-04", "kind": "astrological"}, "kind"),
        ({"requested_on": "2027-01-04", "adviser_email": ""}, "adviser_email"),
    ],
)
def test_bad_advice_requests_are_400_naming_the_field(practitioner, plan, body, field):
    response = ask(practitioner, plan, **body)

    assert response.status_code == 400
    assert field in response.json()["fields"]
    assert not Deadline.objects.filter(kind="advice").exists()


def test_an_adviser_outside_the_childs_team_is_400(practitioner, plan, other_team):
    outsider = staff(Role.PRACTITIONER, other_team)

    response = ask(practitioner, plan, adviser=outsider.pk, requested_on="2027-01-04")

    assert response.status_code == 400
    assert "adviser" in response.json()["fields"]


@pytest.mark.parametrize(
    ("received_on", "message"),
    [("2027-09-02", "future"), ("2027-01-03", "before")],
)
def test_advice_received_in_the_future_or_before_it_was_asked_for_is_400(
    practitioner, plan, received_on, message
):
    request = ask(practitioner, plan, requested_on="2027-01-04").json()

    response = api(practitioner).post(
        f"/api/v1/advice-requests/{request['id']}/submit/",
        {"advice": "Advice.", "received_on": received_on},
        format="json",
    )

    assert response.status_code == 400
    assert message in response.json()["fields"]["received_on"][0]
    assert advice_deadline(request["id"]).status == DeadlineStatus.OPEN


def test_another_teams_staff_and_the_family_cannot_see_or_add_advice(
    practitioner, plan, other_team
):
    request = ask(practitioner, plan, requested_on="2027-01-04").json()
    outsider = staff(Role.PRACTITIONER, other_team)
    family = UserFactory(role=Role.FAMILY)
    plan.child.family_members.create(name="Parent", relationship="mother", user=family)

    for user in (outsider, family):
        assert api(user).get(f"/api/v1/advice-requests/{request['id']}/").status_code == 404
        assert api(user).get(f"/api/v1/ehc-plans/{plan.pk}/advice-requests/").status_code == 404
    assert ask(outsider, plan, requested_on="2027-01-04").status_code == 404
    assert api(outsider).get("/api/v1/advice-requests/").json()["results"] == []


def test_the_plans_list_shows_its_requests_with_due_dates(practitioner, plan):
    ask(practitioner, plan, requested_on="2027-01-04")

    listed = api(practitioner).get(f"/api/v1/ehc-plans/{plan.pk}/advice-requests/").json()

    assert [(row["kind"], row["due_on"]) for row in listed["results"]] == [
        ("medical", "2027-02-15")
    ]


def test_the_advice_deadline_is_owned_as_the_plans_are(practitioner, plan):
    request = ask(practitioner, plan, requested_on="2027-01-04").json()

    assert advice_deadline(request["id"]).owner_id == registry.machine_for(type(plan)).owner_of(
        plan
    )
