"""The phase-transfer deadline of SEND Regulations 2014 reg 18(1) and 18(2): its due day, what
opens it (a transfer within 12 months, however recorded), what meets it (a final plan naming the
new setting), and that it is never opened twice for one transfer nor waived."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine

import workflows
from casework import services
from casework.models import PlanStatus
from casework.tasks import open_phase_transfer_deadlines
from tests.factories import ChildFactory, PlanFactory
from workflows.models import Deadline, DeadlineStatus

D = dt.date
MOVE = D(2028, 9, 1)


def travel(day):
    return time_machine.travel(dt.datetime.combine(day, dt.time(12), dt.UTC), tick=False)


def final_plan(team, manager, **fields):
    plan = PlanFactory(
        child=ChildFactory(team=team, date_of_birth=D(2017, 3, 1)),
        requested_on=D(2027, 1, 4),
        status=PlanStatus.DRAFT,
        draft_issued_on=D(2027, 5, 1),
        **fields,
    )
    with travel(D(2027, 6, 1)):
        return workflows.transition(plan, "issue_final", by=manager, on=D(2027, 6, 1))


def phase_transfers():
    return list(Deadline.objects.filter(kind="phase_transfer").order_by("pk"))


@pytest.fixture
def moving(team, practitioner, manager):
    """A final plan whose move to secondary school on 1 September 2028 is recorded on
    1 October 2027, after the plan became final: its deadline is 14 February 2028."""
    plan = final_plan(team, manager)
    with travel(D(2027, 10, 1)):
        services.plan_update(
            by=practitioner, plan=plan, phase_transfer_on=MOVE, phase_transfer="school"
        )
    return plan


def test_a_transfer_recorded_after_the_final_opens_the_deadline_then(moving):
    (deadline,) = phase_transfers()
    assert (deadline.opened_on, deadline.due_on) == (D(2027, 10, 1), D(2028, 2, 14))


def test_a_transfer_more_than_12_months_away_opens_when_it_comes_within_12(
    team, practitioner, manager
):
    plan = final_plan(team, manager)
    with travel(D(2027, 8, 1)):
        services.plan_update(
            by=practitioner, plan=plan, phase_transfer_on=MOVE, phase_transfer="school"
        )
        assert open_phase_transfer_deadlines() == 0
    assert phase_transfers() == []

    with travel(D(2027, 9, 1)):
        assert open_phase_transfer_deadlines() == 1
        assert open_phase_transfer_deadlines() == 0  # a second run opens nothing

    assert [d.due_on for d in phase_transfers()] == [D(2028, 2, 14)]


def test_a_transfer_recorded_before_the_first_final_opens_with_it(team, manager):
    with travel(D(2027, 10, 1)):
        plan = PlanFactory(
            child=ChildFactory(team=team),
            status=PlanStatus.DRAFT,
            draft_issued_on=D(2027, 9, 1),
            phase_transfer="post_16",
            phase_transfer_on=MOVE,
        )
        workflows.transition(plan, "issue_final", by=manager, on=D(2027, 10, 1))

    assert [d.due_on for d in phase_transfers()] == [D(2028, 3, 30)]


def test_a_move_between_post_16_institutions_is_due_5_months_before_it(
    team, practitioner, manager
):
    plan = final_plan(team, manager)
    with travel(D(2027, 10, 1)):
        services.plan_update(
            by=practitioner,
            plan=plan,
            phase_transfer_on=D(2028, 7, 31),
            phase_transfer="post_16_to_post_16",
        )

    assert [d.due_on for d in phase_transfers()] == [D(2028, 2, 29)]  # 31 July less 5 months


def amend_naming_the_school(plan, practitioner, manager):
    services.review_create(by=practitioner, plan=plan, meeting_on=D(2028, 1, 10))
    workflows.transition(plan, "amend", by=manager, on=D(2028, 1, 20))
    services.plan_update(by=practitioner, plan=plan, phase_transfer_setting="Chatham Grammar")


@pytest.mark.parametrize(
    ("issued_on", "status"),
    [(D(2028, 2, 14), DeadlineStatus.MET), (D(2028, 2, 15), DeadlineStatus.MISSED)],
)
def test_the_amended_plan_naming_the_new_school_meets_it_on_the_due_day_not_after(
    moving, practitioner, manager, issued_on, status
):
    with travel(D(2028, 3, 1)):
        amend_naming_the_school(moving, practitioner, manager)
        workflows.services.deadlines_mark_missed(today=issued_on)
        workflows.transition(moving, "issue_final", by=manager, on=issued_on)

    (deadline,) = phase_transfers()
    assert (deadline.status, deadline.closed_on) == (status, issued_on)


def test_a_final_plan_not_naming_the_new_setting_leaves_it_running(moving, practitioner, manager):
    with travel(D(2028, 2, 1)):
        services.review_create(by=practitioner, plan=moving, meeting_on=D(2028, 1, 10))
        workflows.transition(moving, "amend", by=manager, on=D(2028, 1, 12))
        workflows.transition(moving, "issue_final", by=manager, on=D(2028, 1, 31))

    (deadline,) = phase_transfers()
    assert (deadline.status, deadline.closed_on) == (DeadlineStatus.OPEN, None)


def test_never_opened_again_for_the_same_transfer(moving, practitioner, manager):
    with travel(D(2028, 3, 1)):
        amend_naming_the_school(moving, practitioner, manager)
        workflows.transition(moving, "issue_final", by=manager, on=D(2028, 2, 10))
        services.review_create(by=practitioner, plan=moving, meeting_on=D(2028, 2, 20))
        workflows.transition(moving, "maintain", by=manager, on=D(2028, 2, 25))
        services.plan_update(by=practitioner, plan=moving, section_k="Updated advice")
        open_phase_transfer_deadlines()

    assert [(d.status, d.due_on) for d in phase_transfers()] == [
        (DeadlineStatus.MET, D(2028, 2, 14))
    ]


def test_a_missed_phase_transfer_is_never_waived_by_maintain(moving, practitioner, manager):
    with travel(D(2028, 3, 1)):
        workflows.services.deadlines_mark_missed(today=D(2028, 2, 15))
        services.review_create(by=practitioner, plan=moving, meeting_on=D(2028, 2, 20))
        workflows.transition(moving, "maintain", by=manager, on=D(2028, 2, 25))

    (deadline,) = phase_transfers()
    assert deadline.status == DeadlineStatus.MISSED


def test_a_withdrawn_transfer_makes_it_not_required(moving, practitioner):
    with travel(D(2027, 11, 1)):
        services.plan_update(by=practitioner, plan=moving, phase_transfer_on=None)

    (deadline,) = phase_transfers()
    assert (deadline.status, deadline.closed_on) == (DeadlineStatus.NOT_REQUIRED, D(2027, 11, 1))


def test_a_changed_transfer_date_replaces_it_and_a_missed_one_stays_missed(moving, practitioner):
    with travel(D(2028, 3, 1)):
        workflows.services.deadlines_mark_missed(today=D(2028, 2, 15))
        services.plan_update(
            by=practitioner,
            plan=moving,
            phase_transfer_on=D(2028, 12, 1),
            phase_transfer="post_16_to_post_16",
        )

    old, new = phase_transfers()
    assert (old.status, old.closed_on) == (DeadlineStatus.MISSED, D(2028, 3, 1))
    assert (new.status, new.due_on) == (DeadlineStatus.OPEN, D(2028, 7, 1))
