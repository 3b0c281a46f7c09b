"""The review kinds counted from the review meeting: annual_review (CFA 2014 s44(1)),
under_five_review (Code of Practice 9.178), review_report and review_decision (SEND Regs 2014
regs 20, 21) and amended_final (reg 22(3), R (L) v Devon CC)."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine

import workflows
from casework import services
from casework.models import PlanStatus
from tests.factories import ChildFactory, PlanFactory
from workflows.errors import TransitionNotAllowed
from workflows.models import Deadline, DeadlineStatus

D = dt.date
ISSUED = D(2025, 9, 1)
MEETING = D(2026, 7, 10)
SCHOOL_AGE = D(2015, 5, 1)


@pytest.fixture(autouse=True)
def today():
    with time_machine.travel(dt.datetime(2027, 9, 1, 12, tzinfo=dt.UTC), tick=False):
        yield


def final_plan(team, manager, born=SCHOOL_AGE):
    plan = PlanFactory(
        child=ChildFactory(team=team, date_of_birth=born),
        requested_on=D(2025, 4, 1),
        status=PlanStatus.DRAFT,
        draft_issued_on=D(2025, 8, 1),
    )
    return workflows.transition(plan, "issue_final", by=manager, on=ISSUED)


def of_kind(kind):
    return Deadline.objects.filter(kind=kind).order_by("opened_on", "pk")


def running(kind):
    return Deadline.objects.filter(kind=kind).running().get()


def test_first_final_plan_opens_the_annual_review_the_day_before_its_anniversary(team, manager):
    final_plan(team, manager)

    assert running("annual_review").due_on == D(2026, 8, 31)


def test_annual_review_counted_from_the_meeting_through_maintain(team, practitioner, manager):
    plan = final_plan(team, manager)

    services.review_create(by=practitioner, plan=plan, meeting_on=MEETING)
    workflows.transition(plan, "maintain", by=manager, on=D(2026, 8, 7))

    first, second = of_kind("annual_review")
    assert (first.status, first.closed_on) == (DeadlineStatus.MET, MEETING)
    assert (second.opened_on, second.due_on, second.status) == (
        MEETING,
        D(2027, 7, 9),
        DeadlineStatus.OPEN,
    )


def test_annual_review_counted_from_the_meeting_through_amend_and_the_amended_issue(
    team, practitioner, manager
):
    plan = final_plan(team, manager)
    services.review_create(by=practitioner, plan=plan, meeting_on=MEETING)

    workflows.transition(plan, "amend", by=manager, on=D(2026, 8, 7))
    workflows.transition(plan, "issue_final", by=manager, on=D(2026, 10, 2))

    assert of_kind("annual_review").count() == 2  # the amended issue opens none
    assert running("annual_review").due_on == D(2027, 7, 9)


def test_a_review_meeting_after_the_due_day_stays_missed_and_the_next_counts_from_it(
    team, practitioner, manager
):
    plan = final_plan(team, manager)
    workflows.services.deadlines_mark_missed(today=D(2026, 9, 2))

    services.review_create(by=practitioner, plan=plan, meeting_on=D(2026, 9, 10))

    first, second = of_kind("annual_review")
    assert (first.status, first.closed_on) == (DeadlineStatus.MISSED, D(2026, 9, 10))
    assert second.due_on == D(2027, 9, 9)


def test_the_review_starts_only_on_the_day_of_its_meeting(team, practitioner, manager):
    plan = final_plan(team, manager)
    review = services.review_create(by=practitioner, plan=plan)
    workflows.transition(review, "hold_meeting", by=practitioner, meeting_on=MEETING)

    with pytest.raises(TransitionNotAllowed, match="held on 10 July 2026"):
        workflows.transition(plan, "start_review", by=practitioner, on=D(2026, 7, 17))

    workflows.transition(plan, "start_review", by=practitioner, on=MEETING)
    assert running("review_report").due_on == D(2026, 7, 24)


def test_review_report_in_2_and_decision_in_4_weeks_of_the_meeting(team, practitioner, manager):
    plan = final_plan(team, manager)

    services.review_create(by=practitioner, plan=plan, meeting_on=MEETING)

    assert running("review_report").due_on == D(2026, 7, 24)
    assert running("review_decision").due_on == D(2026, 8, 7)


def test_under_five_review_in_6_months_beside_the_statutory_12(team, practitioner, manager):
    plan = final_plan(team, manager, born=D(2022, 3, 1))

    assert running("under_five_review").due_on == D(2026, 2, 28)
    assert running("annual_review").due_on == D(2026, 8, 31)
    services.review_create(by=practitioner, plan=plan, meeting_on=D(2026, 2, 20))

    assert running("under_five_review").due_on == D(2026, 8, 19)
    assert running("annual_review").due_on == D(2027, 2, 19)
    assert not Deadline.objects.statutory().filter(kind="under_five_review").exists()


def test_no_under_five_review_once_the_child_is_five_at_the_meeting(team, practitioner, manager):
    plan = final_plan(team, manager, born=D(2021, 7, 1))

    services.review_create(by=practitioner, plan=plan, meeting_on=MEETING)

    assert not Deadline.objects.filter(kind="under_five_review").running().exists()
    assert running("annual_review").due_on == D(2027, 7, 9)


@pytest.mark.parametrize(
    ("amended_on", "due_on"),
    [
        (D(2026, 7, 31), D(2026, 9, 25)),  # notice 3 weeks after the meeting: its 8 weeks
        (D(2026, 8, 7), D(2026, 10, 2)),  # at 4 weeks: both limits the same day
        (D(2026, 8, 21), D(2026, 10, 2)),  # a late notice: 12 weeks after the meeting (Devon)
    ],
)
def test_amended_final_the_earlier_of_8_weeks_after_the_notice_and_12_after_the_meeting(
    team, practitioner, manager, amended_on, due_on
):
    plan = final_plan(team, manager)
    services.review_create(by=practitioner, plan=plan, meeting_on=MEETING)

    workflows.transition(plan, "amend", by=manager, on=amended_on)

    assert running("amended_final").due_on == due_on


def test_cease_makes_the_next_review_and_an_unsent_report_not_required(
    team, practitioner, manager
):
    plan = final_plan(team, manager)
    services.review_create(by=practitioner, plan=plan, meeting_on=MEETING)

    workflows.transition(plan, "cease", by=manager, on=D(2026, 7, 20), reason="Moved to Wales")

    statuses = dict(
        Deadline.objects.filter(closed_on=D(2026, 7, 20)).values_list("kind", "status")
    )
    assert statuses == {
        "annual_review": DeadlineStatus.NOT_REQUIRED,
        "review_report": DeadlineStatus.NOT_REQUIRED,
        "review_decision": DeadlineStatus.MET,
    }


def test_a_corrected_meeting_date_re_dates_what_the_meeting_opened(team, practitioner, manager):
    plan = final_plan(team, manager)
    review = services.review_create(by=practitioner, plan=plan, meeting_on=MEETING)

    services.review_update(by=practitioner, review=review, meeting_on=D(2026, 7, 3))

    assert running("annual_review").due_on == D(2027, 7, 2)
    assert running("review_report").due_on == D(2026, 7, 17)
    assert running("review_decision").due_on == D(2026, 7, 31)
