"""A practitioner's reminder of a deadline that only a team manager's decision meets says that
it is waiting for a team manager; other reminders do not."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine

from tests.factories import ReferredCaseFactory
from workflows.models import Deadline, Notification
from workflows.reminder_messages import kinds_met_by_a_decision, reminders_notify
from workflows.reminders import reminders_sweep

D = dt.date
WAITING = "it is waiting for a team manager, in their decisions queue."


@pytest.fixture(autouse=True)
def monday():
    with time_machine.travel(dt.datetime(2026, 12, 14, 9, tzinfo=dt.UTC), tick=False):
        yield


@pytest.fixture
def case(team, practitioner):
    return ReferredCaseFactory(
        child__team=team, practitioner=practitioner, received_on=D(2026, 12, 14)
    )


def test_the_decisions_of_managers_are_the_kinds_that_wait_for_them():
    assert {"decision_to_assess", "final_plan"} <= kinds_met_by_a_decision()
    assert "assessment_complete" not in kinds_met_by_a_decision()


def test_a_reminder_of_a_managers_decision_says_it_waits_for_a_team_manager(case, practitioner):
    Deadline.objects.filter(case_id=case.pk, kind="referral_decision").delete()
    Deadline.objects.filter(case_id=case.pk).update(
        kind="decision_to_assess", due_on=D(2026, 12, 17)
    )

    reminders_sweep()
    reminders_notify()

    (message,) = Notification.objects.filter(recipient=practitioner, kind="reminder")
    assert message.body.endswith(WAITING)


def test_a_reminder_of_the_practitioners_own_step_does_not(case, practitioner):
    Deadline.objects.filter(case_id=case.pk, kind="referral_decision").delete()
    Deadline.objects.filter(case_id=case.pk).update(due_on=D(2026, 12, 17))

    reminders_sweep()
    reminders_notify()

    (message,) = Notification.objects.filter(recipient=practitioner, kind="reminder")
    assert WAITING not in message.body
