"""Re-assessment of a final plan: `reassessment_decision` within 15 days of the request
(SEND Regs 2014 reg 25(1)); `reassessment_final` within 14 weeks of the decision (reg 27(2)),
with the exceptions of reg 27(3)."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from rest_framework.test import APIClient

from accounts.roles import Role
from casework.deadlines import EXCEPTIONS_REG_10_4
from casework.deadlines.advice import REASSESSMENT_DECISION, REASSESSMENT_FINAL
from casework.models import PlanStatus
from casework.models.advice import Reassessment
from tests.factories import ChildFactory, PlanFactory, staff
from workflows.models import Deadline, DeadlineStatus

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
    child = ChildFactory(team=team, date_of_birth=D(2012, 4, 2))
    return PlanFactory(
        child=child,
        requested_on=D(2023, 1, 6),
        first_final_issued_on=D(2023, 5, 20),
        status=PlanStatus.FINAL,
    )


def request(user, plan, requested_on):
    return api(user).post(
        f"/api/v1/ehc-plans/{plan.pk}/reassessments/",
        {"requested_on": requested_on.isoformat()},
        format="json",
    )


def decide(user, reassessment_id, decision, decided_on, reason=""):
    return api(user).post(
        f"/api/v1/reassessments/{reassessment_id}/decide/",
        {"decision": decision, "decided_on": decided_on.isoformat(), "reason": reason},
        format="json",
    )


def deadline(kind: str) -> Deadline:
    return Deadline.objects.get(kind=kind)


@pytest.mark.parametrize(
    ("requested_on", "due_on"),
    [
        (D(2026, 12, 18), D(2027, 1, 2)),  # a Friday; across Christmas, due on a Saturday
        (D(2027, 1, 31), D(2027, 2, 15)),  # a month end
        (D(2024, 2, 14), D(2024, 2, 29)),  # into 29 February
    ],
)
def test_the_decision_to_re_assess_is_due_15_days_after_the_request(
    manager, plan, requested_on, due_on
):
    response = request(manager, plan, requested_on)

    assert response.status_code == 201, response.json()
    assert (deadline("reassessment_decision").due_on, response.json()["status"]) == (
        due_on,
        "requested",
    )


@pytest.mark.parametrize(
    ("decided_on", "status"),
    [(D(2026, 12, 1), DeadlineStatus.MET), (D(2026, 12, 2), DeadlineStatus.MISSED)],
)
def test_deciding_to_re_assess_closes_the_decision_and_opens_14_weeks_for_the_plan(
    manager, plan, decided_on, status
):
    reassessment = request(manager, plan, D(2026, 11, 16)).json()

    response = decide(manager, reassessment["id"], "reassess", decided_on)

    assert response.status_code == 200, response.json()
    assert response.json()["status"] == "reassessing"
    assert deadline("reassessment_decision").status == status
    final = deadline("reassessment_final")
    assert (final.due_on, final.status) == (decided_on + dt.timedelta(weeks=14), "open")


def test_14_weeks_from_a_decision_on_30_november_end_on_8_march(manager, plan):
    reassessment = request(manager, plan, D(2026, 11, 16)).json()

    decide(manager, reassessment["id"], "reassess", D(2026, 11, 30))

    assert deadline("reassessment_final").due_on == D(2027, 3, 8)


def test_refusing_closes_the_decision_opens_nothing_and_needs_a_reason(manager, plan):
    reassessment = request(manager, plan, D(2026, 11, 16)).json()
    without = decide(manager, reassessment["id"], "refuse", D(2026, 11, 20))
    assert without.status_code == 400
    assert "reason" in without.json()["fields"]

    response = decide(manager, reassessment["id"], "refuse", D(2026, 11, 20), "Needs unchanged")

    assert response.status_code == 200
    assert (response.json()["status"], response.json()["reason"]) == ("refused", "Needs unchanged")
    assert deadline("reassessment_decision").status == DeadlineStatus.MET
    assert not Deadline.objects.filter(kind="reassessment_final").exists()


@pytest.mark.parametrize(
    ("issued_on", "status"),
    [(D(2027, 3, 8), DeadlineStatus.MET), (D(2027, 3, 9), DeadlineStatus.MISSED)],
)
def test_the_plan_issued_after_the_re_assessment_closes_reassessment_final(
    manager, plan, issued_on, status
):
    reassessment = request(manager, plan, D(2026, 11, 16)).json()
    decide(manager, reassessment["id"], "reassess", D(2026, 11, 30))

    response = api(manager).post(
        f"/api/v1/reassessments/{reassessment['id']}/final-issued/",
        {"issued_on": issued_on.isoformat()},
        format="json",
    )

    assert response.status_code == 200, response.json()
    assert response.json()["status"] == "completed"
    final = deadline("reassessment_final")
    assert (final.status, final.closed_on) == (status, issued_on)


def test_advice_may_be_asked_for_during_a_re_assessment(manager, practitioner, plan):
    reassessment = request(manager, plan, D(2026, 11, 16)).json()
    body = {"kind": "educational", "adviser_email": "ep@example.org", "requested_on": "2026-12-01"}
    url = f"/api/v1/ehc-plans/{plan.pk}/advice-requests/"
    assert api(practitioner).post(url, body, format="json").status_code == 409

    decide(manager, reassessment["id"], "reassess", D(2026, 11, 30))

    assert api(practitioner).post(url, body, format="json").status_code == 201


@pytest.mark.parametrize(
    "status", [PlanStatus.REQUESTED, PlanStatus.ASSESSING, PlanStatus.DRAFT, PlanStatus.REFUSED]
)
def test_a_re_assessment_on_a_plan_that_is_not_final_is_409(manager, plan, status):
    type(plan).objects.filter(pk=plan.pk).update(status=status)

    assert request(manager, plan, D(2026, 11, 16)).status_code == 409
    assert not Reassessment.objects.exists()


def test_deciding_to_re_assess_a_plan_no_longer_final_is_409(manager, plan):
    reassessment = request(manager, plan, D(2026, 11, 16)).json()
    type(plan).objects.filter(pk=plan.pk).update(status=PlanStatus.UNDER_REVIEW)

    assert decide(manager, reassessment["id"], "reassess", D(2026, 11, 30)).status_code == 409
    assert deadline("reassessment_decision").status == DeadlineStatus.OPEN


def test_a_second_request_while_one_is_under_way_is_409(manager, plan):
    request(manager, plan, D(2026, 11, 16))

    assert request(manager, plan, D(2026, 11, 17)).status_code == 409


@pytest.mark.parametrize(
    ("requested_on", "decided_on", "field"),
    [
        (D(2027, 9, 2), None, "requested_on"),
        (D(2022, 12, 1), None, "requested_on"),  # before the plan was requested
        (D(2026, 11, 16), D(2026, 11, 15), "decided_on"),
        (D(2026, 11, 16), D(2027, 9, 2), "decided_on"),
    ],
)
def test_bad_dates_are_400_naming_the_field(manager, plan, requested_on, decided_on, field):
    response = request(manager, plan, requested_on)
    if decided_on is not None:
        response = decide(manager, response.json()["id"], "reassess", decided_on)

    assert response.status_code == 400
    assert field in response.json()["fields"]


def test_only_a_manager_records_and_another_team_sees_nothing(
    practitioner, manager, plan, other_team
):
    assert request(practitioner, plan, D(2026, 11, 16)).status_code == 403
    reassessment = request(manager, plan, D(2026, 11, 16)).json()
    assert (
        decide(practitioner, reassessment["id"], "refuse", D(2026, 11, 20), "r").status_code == 403
    )
    outsider = staff(Role.TEAM_MANAGER, other_team)

    assert request(outsider, plan, D(2026, 11, 16)).status_code == 404
    assert api(outsider).get(f"/api/v1/reassessments/{reassessment['id']}/").status_code == 404
    assert decide(outsider, reassessment["id"], "refuse", D(2026, 11, 20), "r").status_code == 404


def test_only_the_final_after_re_assessment_admits_the_reg_27_3_exceptions():
    assert REASSESSMENT_FINAL.exceptions == EXCEPTIONS_REG_10_4
    assert REASSESSMENT_DECISION.exceptions == ()
