"""Moot deadlines are not_required, never met (DESIGN §5): the process they timed ended another
way. They are left out of every rate; a missed one stays missed."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine

import workflows
from casework import services
from casework.models import PlanStatus
from tests.factories import ChildFactory, PlanFactory, ReceivedReferralFactory
from workflows.models import Deadline, DeadlineStatus

D = dt.date


@pytest.fixture(autouse=True)
def today():
    with time_machine.travel(dt.datetime(2027, 9, 1, 12, tzinfo=dt.UTC), tick=False):
        yield


def status_of(kind):
    deadline = Deadline.objects.get(kind=kind)
    return deadline.status, deadline.closed_on


def requested_plan(team, practitioner):
    plan = services.plan_request(
        by=practitioner,
        child=ChildFactory(team=team),
        requested_on=D(2027, 3, 1),
        requested_by="parent",
    )
    return services.plan_update(
        by=practitioner, plan=plan, section_b="Needs", section_e="Outcomes", section_f="Provision"
    )


def test_final_plan_not_required_after_a_refusal_to_assess(team, practitioner, manager):
    plan = requested_plan(team, practitioner)

    workflows.transition(plan, "refuse_to_assess", by=manager, on=D(2027, 4, 5), reason="x")

    assert status_of("final_plan") == (DeadlineStatus.NOT_REQUIRED, D(2027, 4, 5))
    assert status_of("decision_to_assess") == (DeadlineStatus.MET, D(2027, 4, 5))


def test_final_plan_not_required_after_a_decision_not_to_issue(team, practitioner, manager):
    plan = requested_plan(team, practitioner)
    workflows.transition(plan, "agree_to_assess", by=manager, on=D(2027, 4, 5))

    workflows.transition(plan, "decide_not_to_issue", by=manager, on=D(2027, 6, 1), reason="x")

    assert status_of("final_plan") == (DeadlineStatus.NOT_REQUIRED, D(2027, 6, 1))
    assert status_of("decision_not_to_issue") == (DeadlineStatus.MET, D(2027, 6, 1))


def test_decision_not_to_issue_not_required_once_a_draft_is_issued(team, practitioner, manager):
    plan = requested_plan(team, practitioner)
    workflows.transition(plan, "agree_to_assess", by=manager, on=D(2027, 4, 5))

    workflows.transition(plan, "issue_draft", by=practitioner, on=D(2027, 6, 1))

    assert status_of("decision_not_to_issue") == (DeadlineStatus.NOT_REQUIRED, D(2027, 6, 1))


def test_a_late_draft_leaves_a_missed_decision_not_to_issue_missed(team, practitioner, manager):
    plan = requested_plan(team, practitioner)
    workflows.transition(plan, "agree_to_assess", by=manager, on=D(2027, 4, 5))
    workflows.services.deadlines_mark_missed(today=D(2027, 6, 25))  # due 21 June

    workflows.transition(plan, "issue_draft", by=practitioner, on=D(2027, 6, 28))

    assert status_of("decision_not_to_issue") == (DeadlineStatus.MISSED, D(2027, 6, 28))


def test_a_missed_final_plan_stays_missed_after_a_decision_not_to_issue(
    team, practitioner, manager
):
    plan = requested_plan(team, practitioner)
    workflows.transition(plan, "agree_to_assess", by=manager, on=D(2027, 4, 5))
    workflows.services.deadlines_mark_missed(today=D(2027, 7, 20))  # both due by 19 July

    workflows.transition(plan, "decide_not_to_issue", by=manager, on=D(2027, 7, 21), reason="x")

    assert status_of("final_plan") == (DeadlineStatus.MISSED, D(2027, 7, 21))


def test_assessment_not_required_when_the_referral_is_signposted(team, practitioner):
    case = ReceivedReferralFactory(
        child=ChildFactory(team=team), practitioner=practitioner, received_on=D(2027, 8, 2)
    ).case

    workflows.transition(case, "signpost", by=practitioner, on=D(2027, 8, 3), reason="Early help")

    assert status_of("referral_decision") == (DeadlineStatus.MET, D(2027, 8, 3))
    assert status_of("assessment_complete") == (DeadlineStatus.NOT_REQUIRED, D(2027, 8, 3))


def test_assessment_and_case_review_not_required_when_the_case_is_closed(
    team, practitioner, manager
):
    case = ReceivedReferralFactory(
        child=ChildFactory(team=team), practitioner=practitioner, received_on=D(2027, 8, 2)
    ).case
    workflows.transition(case, "accept_referral", by=practitioner, on=D(2027, 8, 2))

    workflows.transition(case, "close", by=manager, on=D(2027, 8, 20), reason="Family moved")

    assert status_of("assessment_complete") == (DeadlineStatus.NOT_REQUIRED, D(2027, 8, 20))


def test_a_ceased_plan_leaves_a_missed_report_missed(team, practitioner, manager):
    plan = PlanFactory(child=ChildFactory(team=team), status=PlanStatus.FINAL)
    services.review_create(by=practitioner, plan=plan, meeting_on=D(2027, 7, 1))
    workflows.services.deadlines_mark_missed(today=D(2027, 7, 20))  # the report was due 15 July

    workflows.transition(plan, "cease", by=manager, on=D(2027, 7, 22), reason="x")

    assert status_of("review_report") == (DeadlineStatus.MISSED, D(2027, 7, 22))
