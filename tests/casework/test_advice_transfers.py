"""A plan moving between councils (SEND Regs 2014 reg 15): `transfer_out_sent` (reg 15(2)),
`transfer_in_notice` (reg 15(4)) and the next review after a transfer in (reg 15(5))."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from rest_framework.test import APIClient

from accounts.roles import Role
from casework.models import PlanStatus
from casework.models.advice import Transfer
from tests.factories import ChildFactory, DeadlineFactory, PlanFactory, staff
from workflows.models import Deadline, DeadlineStatus, TransitionLog

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
    return PlanFactory(
        child=child,
        requested_on=D(2025, 1, 6),
        first_final_issued_on=D(2025, 5, 20),
        status=PlanStatus.FINAL,
    )


def record(user, plan, direction, moved_on, notice_received_on):
    return api(user).post(
        f"/api/v1/ehc-plans/{plan.pk}/transfers/",
        {
            "direction": direction,
            "other_council": "Kent County Council",
            "moved_on": moved_on.isoformat(),
            "notice_received_on": notice_received_on.isoformat(),
        },
        format="json",
    )


def deadline(kind: str) -> Deadline:
    return Deadline.objects.get(kind=kind)


@pytest.mark.parametrize(
    ("notice", "moved_on", "due_on"),
    [
        # 15 working days' notice exactly: the plan goes on the day of the move
        (D(2026, 11, 2), D(2026, 11, 23), D(2026, 11, 23)),
        # told after the move: 15 working days beginning with that Monday, Christmas, Boxing
        # Day (observed 28 December) and New Year's Day skipped; "after" would be 7 January
        (D(2026, 12, 14), D(2026, 12, 1), D(2027, 1, 6)),
        # told on a Saturday: the first of the 15 is the Monday
        (D(2026, 12, 5), D(2026, 12, 4), D(2026, 12, 29)),
        # 14 working days' notice of a Saturday move: due the Friday, a day before the move
        (D(2027, 4, 5), D(2027, 4, 24), D(2027, 4, 23)),
    ],
)
def test_transfer_out_is_due_on_the_move_or_within_15_working_days_beginning_with_the_notice(
    manager, plan, notice, moved_on, due_on
):
    response = record(manager, plan, "out", moved_on, notice)

    assert response.status_code == 201, response.json()
    assert response.json()["due_on"] == due_on.isoformat()
    assert deadline("transfer_out_sent").due_on == due_on
    assert not Deadline.objects.filter(kind="transfer_in_notice").exists()


@pytest.mark.parametrize(
    ("sent_on", "status"),
    [("2026-11-23", DeadlineStatus.MET), ("2026-11-24", DeadlineStatus.MISSED)],
)
def test_recording_the_plan_sent_closes_transfer_out_sent(
    manager, practitioner, plan, sent_on, status
):
    transfer = record(manager, plan, "out", D(2026, 11, 23), D(2026, 11, 2)).json()

    response = api(practitioner).post(
        f"/api/v1/transfers/{transfer['id']}/sent/", {"sent_on": sent_on}, format="json"
    )

    assert response.status_code == 200, response.json()
    assert response.json()["status"] == "sent"
    assert (
        deadline("transfer_out_sent").status,
        str(deadline("transfer_out_sent").closed_on),
    ) == (
        status,
        sent_on,
    )


@pytest.mark.parametrize(
    ("notice", "moved_on", "due_on"),
    [
        (D(2026, 10, 20), D(2026, 11, 2), D(2026, 12, 14)),  # plan there for the move
        (D(2026, 11, 20), D(2026, 11, 2), D(2027, 1, 1)),  # came late; due on a bank holiday
    ],
)
def test_transfer_in_notice_is_due_6_weeks_after_the_transfer(
    manager, plan, notice, moved_on, due_on
):
    response = record(manager, plan, "in", moved_on, notice)

    assert response.status_code == 201, response.json()
    assert deadline("transfer_in_notice").due_on == due_on
    assert not Deadline.objects.filter(kind="transfer_out_sent").exists()


def test_telling_the_family_closes_transfer_in_notice(manager, plan):
    transfer = record(manager, plan, "in", D(2026, 11, 2), D(2026, 10, 20)).json()

    response = api(manager).post(
        f"/api/v1/transfers/{transfer['id']}/notice-given/",
        {"given_on": "2026-12-15"},
        format="json",
    )

    assert response.status_code == 200, response.json()
    notice = deadline("transfer_in_notice")
    assert (notice.status, notice.closed_on) == (DeadlineStatus.MISSED, D(2026, 12, 15))


def test_each_closing_step_belongs_to_its_direction(manager, plan):
    transfer = record(manager, plan, "in", D(2026, 11, 2), D(2026, 10, 20)).json()

    response = api(manager).post(
        f"/api/v1/transfers/{transfer['id']}/sent/", {"sent_on": "2026-11-03"}, format="json"
    )

    assert response.status_code == 409
    assert deadline("transfer_in_notice").status == DeadlineStatus.OPEN


def annual_review(plan, due_on, status=DeadlineStatus.OPEN):
    return DeadlineFactory(
        subject=plan,
        kind="annual_review",
        opened_on=D(2026, 2, 1),
        due_on=due_on,
        status=status,
        team=plan.child.team,
    )


@pytest.mark.parametrize(
    ("moved_on", "review_due", "now_due"),
    [
        # due sooner than 3 months after the transfer: moved to the end of those 3 months
        (D(2026, 11, 2), D(2026, 12, 15), D(2027, 2, 1)),
        # a month end: 3 months beginning with 30 November end on 27 February
        (D(2026, 11, 30), D(2026, 12, 15), D(2027, 2, 27)),
        # its own 12 months end later: it keeps its date
        (D(2026, 11, 2), D(2027, 6, 1), D(2027, 6, 1)),
    ],
)
def test_after_a_transfer_in_the_review_is_due_by_the_later_of_its_date_and_3_months(
    manager, plan, moved_on, review_due, now_due
):
    review = annual_review(plan, review_due)

    record(manager, plan, "in", moved_on, moved_on - dt.timedelta(days=10))

    review.refresh_from_db()
    assert (review.due_on, review.status) == (now_due, DeadlineStatus.OPEN)
    moved = TransitionLog.objects.filter(transition="reschedule", subject_id=review.pk)
    assert moved.count() == (1 if now_due != review_due else 0)


def test_a_missed_review_is_not_moved_by_a_transfer_in(manager, plan):
    review = annual_review(plan, D(2026, 10, 1), status=DeadlineStatus.MISSED)

    record(manager, plan, "in", D(2026, 11, 2), D(2026, 10, 20))

    review.refresh_from_db()
    assert (review.due_on, review.status) == (D(2026, 10, 1), DeadlineStatus.MISSED)


@pytest.mark.parametrize(
    "status", [PlanStatus.REQUESTED, PlanStatus.ASSESSING, PlanStatus.DRAFT, PlanStatus.CEASED]
)
def test_a_transfer_on_a_plan_that_is_not_final_is_409(manager, plan, status):
    type(plan).objects.filter(pk=plan.pk).update(status=status)

    response = record(manager, plan, "out", D(2026, 11, 23), D(2026, 11, 2))

    assert response.status_code == 409
    assert not Transfer.objects.exists()


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"notice_received_on": "2027-09-02"}, "notice_received_on"),
        ({"direction": "sideways"}, "direction"),
        ({"other_council": ""}, "other_council"),
    ],
)
def test_bad_transfers_are_400_naming_the_field(manager, plan, body, field):
    payload = {
        "direction": "out",
        "other_council": "Kent County Council",
        "moved_on": "2026-11-23",
        "notice_received_on": "2026-11-02",
    }

    response = api(manager).post(
        f"/api/v1/ehc-plans/{plan.pk}/transfers/", payload | body, format="json"
    )

    assert response.status_code == 400
    assert field in response.json()["fields"]


def test_a_practitioner_may_not_record_a_transfer_and_another_team_cannot_see_one(
    practitioner, manager, plan, other_team
):
    assert record(practitioner, plan, "out", D(2026, 11, 23), D(2026, 11, 2)).status_code == 403
    transfer = record(manager, plan, "out", D(2026, 11, 23), D(2026, 11, 2)).json()
    outsider = staff(Role.TEAM_MANAGER, other_team)

    assert record(outsider, plan, "out", D(2026, 11, 23), D(2026, 11, 2)).status_code == 404
    assert api(outsider).get(f"/api/v1/transfers/{transfer['id']}/").status_code == 404
    sent = api(outsider).post(
        f"/api/v1/transfers/{transfer['id']}/sent/", {"sent_on": "2026-11-23"}, format="json"
    )
    assert sent.status_code == 404
