"""What a plan's ending makes moot: its advice, transfer and re-assessment deadlines become
not required, counted in no timeliness figure; advice already in stays met."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine

import workflows
from casework.models import PlanStatus
from casework.services import advice as services
from tests.factories import ChildFactory, PlanFactory
from workflows.models import Deadline, DeadlineStatus

D = dt.date


@pytest.fixture(autouse=True)
def today():
    with time_machine.travel(dt.datetime(2027, 2, 1, 9, tzinfo=dt.UTC), tick=False):
        yield


@pytest.fixture
def plan(team):
    child = ChildFactory(team=team)
    return PlanFactory(child=child, requested_on=D(2026, 11, 2), status=PlanStatus.ASSESSING)


def ask(by, plan, kind, requested_on):
    return services.advice_request(
        by=by, plan=plan, kind=kind, adviser_email="a@example.org", requested_on=requested_on
    )


def test_deciding_not_to_issue_makes_outstanding_advice_not_required(plan, practitioner, manager):
    answered = ask(practitioner, plan, "medical", D(2026, 12, 1))
    services.advice_submit(
        by=practitioner, request=answered, advice="A", received_on=D(2027, 1, 5)
    )
    outstanding = ask(practitioner, plan, "educational", D(2026, 12, 1))

    workflows.transition(
        plan, "decide_not_to_issue", by=manager, on=D(2027, 1, 10), reason="Needs met in school"
    )

    statuses = {
        d.subject_id: (d.status, d.closed_on) for d in Deadline.objects.filter(kind="advice")
    }
    assert statuses == {
        answered.pk: (DeadlineStatus.MET, D(2027, 1, 5)),
        outstanding.pk: (DeadlineStatus.NOT_REQUIRED, D(2027, 1, 10)),
    }


def test_ceasing_the_plan_makes_a_pending_re_assessment_and_transfer_not_required(plan, manager):
    type(plan).objects.filter(pk=plan.pk).update(status=PlanStatus.FINAL)
    services.reassessment_request(by=manager, plan=plan, requested_on=D(2027, 1, 20))
    services.transfer_record(
        by=manager,
        plan=plan,
        direction="out",
        other_council="Kent",
        moved_on=D(2027, 3, 1),
        notice_received_on=D(2027, 1, 20),
    )
    type(plan).objects.filter(pk=plan.pk).update(status=PlanStatus.UNDER_REVIEW)

    workflows.transition(plan, "cease", by=manager, on=D(2027, 1, 25), reason="Moved away")

    moot = Deadline.objects.filter(kind__in=["reassessment_decision", "transfer_out_sent"])
    assert [d.status for d in moot] == [DeadlineStatus.NOT_REQUIRED] * 2
