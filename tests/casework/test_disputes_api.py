"""`ehc-plans/{id}/disputes/`, `tribunal-order-steps/{id}/done/` and the plan's `appeal_by`:
the shapes, the refusals (400 on a field, 409 with the reason) and who may read and write."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from rest_framework.test import APIClient

import workflows
from accounts.roles import Role
from casework.models import AccessLog
from tests.factories import ChildFactory, FamilyMemberFactory, RequestedPlanFactory, staff

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
def plan(team, manager):
    child = ChildFactory(team=team, date_of_birth=D(2016, 4, 2))
    requested = RequestedPlanFactory(child=child, requested_on=D(2027, 1, 4))
    return workflows.transition(
        requested, "refuse_to_assess", by=manager, on=D(2027, 2, 1), reason="Needs met"
    )


def url(plan) -> str:
    return f"/api/v1/ehc-plans/{plan.pk}/disputes/"


def post(user, plan, **body):
    return api(user).post(url(plan), body, format="json")


def test_recording_an_appeal_answers_201_with_the_dispute(manager, plan):
    response = post(manager, plan, kind="appeal_registered", on="2027-03-01", order=None)

    assert response.status_code == 201, response.json()
    body = response.json()
    assert (body["kind"], body["on"], body["order"]) == ("appeal_registered", "2027-03-01", None)
    assert body["recorded_by"] == manager.pk
    assert body["about"] == "request"


def test_a_tribunal_decision_answers_with_each_step_its_label_and_due_date(manager, plan):
    post(manager, plan, kind="appeal_registered", on="2027-03-01")

    response = post(manager, plan, kind="tribunal_decision", on="2027-06-01", order="assess")

    assert response.status_code == 201, response.json()
    steps = [(s["kind"], s["label"], s["due_on"]) for s in response.json()["steps"]]
    assert steps == [
        ("tribunal_order", "Tell the family the assessment will go ahead", "2027-06-15"),
        (
            "tribunal_order",
            "If no plan is needed after the assessment, tell the family why",
            "2027-08-10",
        ),
        ("tribunal_order", "Send the final plan after the assessment", "2027-09-07"),
    ]


def test_the_plan_lists_its_disputes_in_date_order(manager, plan):
    post(manager, plan, kind="mediation_requested", on="2027-02-20")
    post(manager, plan, kind="mediation_held", on="2027-03-10")

    response = api(manager).get(url(plan))

    assert response.status_code == 200
    assert [item["kind"] for item in response.json()] == ["mediation_requested", "mediation_held"]
    assert AccessLog.objects.filter(user=manager, child=plan.child).exists()


def test_the_plan_shows_the_familys_appeal_date_moved_by_a_certificate(manager, plan):
    assert api(manager).get(f"/api/v1/ehc-plans/{plan.pk}/").json()["appeal_by"] == "2027-04-01"

    post(manager, plan, kind="mediation_certificate", on="2027-03-20")

    assert api(manager).get(f"/api/v1/ehc-plans/{plan.pk}/").json()["appeal_by"] == "2027-04-20"


def test_a_dispute_dated_in_the_future_is_a_400_on_its_date(manager, plan):
    response = post(manager, plan, kind="appeal_registered", on="2027-09-02")

    assert response.status_code == 400
    assert "on" in response.json()["fields"]


@pytest.mark.parametrize("kind", ["tribunal_decision", "concession"])
def test_a_decision_or_concession_without_an_order_is_a_400_on_the_order(manager, plan, kind):
    post(manager, plan, kind="appeal_registered", on="2027-03-01")

    response = post(manager, plan, kind=kind, on="2027-04-01")

    assert response.status_code == 400
    assert list(response.json()["fields"]) == ["order"]


def test_an_order_on_anything_else_is_a_400_on_the_order(manager, plan):
    response = post(manager, plan, kind="mediation_requested", on="2027-03-01", order="amend")

    assert response.status_code == 400
    assert list(response.json()["fields"]) == ["order"]


def test_an_unknown_kind_is_a_400_on_the_kind(manager, plan):
    response = post(manager, plan, kind="hearing", on="2027-03-01")

    assert response.status_code == 400
    assert "kind" in response.json()["fields"]


@pytest.mark.parametrize(
    ("first", "kind", "reason"),
    [
        (None, "mediation_held", "No request for mediation is waiting"),
        (None, "tribunal_decision", "No appeal is waiting for a decision"),
        (None, "concession", "No appeal is waiting for a decision"),
        ("appeal_registered", "appeal_registered", "is still waiting for a decision"),
        ("mediation_requested", "mediation_requested", "has not been held yet"),
    ],
)
def test_a_step_out_of_order_is_a_409_with_the_reason(manager, plan, first, kind, reason):
    if first:
        post(manager, plan, kind=first, on="2027-03-01")
    body = {"order": "assess"} if kind in ("tribunal_decision", "concession") else {}

    response = post(manager, plan, kind=kind, on="2027-03-02", **body)

    assert response.status_code == 409
    assert reason in response.json()["detail"]


def test_no_dispute_before_any_appealable_decision_409(manager, team):
    child = ChildFactory(team=team)
    requested = RequestedPlanFactory(child=child, requested_on=D(2027, 8, 1))

    response = post(manager, requested, kind="mediation_requested", on="2027-08-20")

    assert response.status_code == 409
    assert "no decision on this plan" in response.json()["detail"]


def test_a_mediation_dated_before_the_decision_is_a_400_on_its_date(manager, plan):
    response = post(manager, plan, kind="mediation_requested", on="2027-01-20")

    assert response.status_code == 400
    assert "before the decision" in response.json()["fields"]["on"][0]


def test_a_practitioner_may_read_but_not_record_a_dispute(team, manager, plan):
    practitioner = staff(Role.PRACTITIONER, team)

    assert api(practitioner).get(url(plan)).status_code == 200
    assert post(practitioner, plan, kind="appeal_registered", on="2027-03-01").status_code == 403


def test_another_teams_manager_gets_404_for_the_plans_disputes(other_team, plan):
    stranger = staff(Role.TEAM_MANAGER, other_team)

    assert api(stranger).get(url(plan)).status_code == 404
    assert post(stranger, plan, kind="appeal_registered", on="2027-03-01").status_code == 404


def test_the_family_reads_their_childs_disputes_and_cannot_record_one(team, manager, plan):
    parent = staff(Role.FAMILY, team)
    FamilyMemberFactory(child=plan.child, name="Mum", relationship="mother", user=parent)
    post(manager, plan, kind="appeal_registered", on="2027-03-01")

    assert [item["kind"] for item in api(parent).get(url(plan)).json()] == ["appeal_registered"]
    assert post(parent, plan, kind="appeal_registered", on="2027-03-02").status_code == 403


def test_another_family_gets_404(team, plan):
    other = staff(Role.FAMILY, team)
    FamilyMemberFactory(
        child=ChildFactory(team=team), name="Dad", relationship="father", user=other
    )

    assert api(other).get(url(plan)).status_code == 404


def test_a_manager_records_the_step_of_a_cease_order_as_done(manager, plan):
    post(manager, plan, kind="appeal_registered", on="2027-03-01")
    step = post(manager, plan, kind="concession", on="2027-04-01", order="cease").json()["steps"][
        0
    ]

    done = api(manager).post(
        f"/api/v1/tribunal-order-steps/{step['id']}/done/", {"on": "2027-04-02"}, format="json"
    )
    again = api(manager).post(
        f"/api/v1/tribunal-order-steps/{step['id']}/done/", {"on": "2027-04-02"}, format="json"
    )

    assert done.status_code == 200, done.json()
    assert (done.json()["due_on"], done.json()["deadline_status"]) == ("2027-04-01", "missed")
    assert again.status_code == 409


def test_another_team_cannot_see_an_order_step(manager, other_team, plan):
    post(manager, plan, kind="appeal_registered", on="2027-03-01")
    step = post(manager, plan, kind="concession", on="2027-04-01", order="cease").json()["steps"][
        0
    ]
    stranger = staff(Role.TEAM_MANAGER, other_team)

    response = api(stranger).post(
        f"/api/v1/tribunal-order-steps/{step['id']}/done/", {"on": "2027-04-02"}, format="json"
    )

    assert response.status_code == 404
