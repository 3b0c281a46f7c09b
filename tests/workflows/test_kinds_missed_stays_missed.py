"""Nothing turns a missed deadline into anything else (DESIGN §5): a step that satisfies it, a
newer one of its kind, or the end of its process closes it, and it stays missed."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine

import workflows
from tests.engine import models as engine
from tests.engine.models import State
from tests.workflows.test_engine import errand_in
from workflows import deadlines
from workflows.models import Deadline, DeadlineStatus

CLOSED_ON = dt.date(2026, 12, 18)


@pytest.fixture(autouse=True)
def frozen_today():
    with time_machine.travel(dt.datetime(2026, 12, 18, 10, tzinfo=dt.UTC), tick=False):
        yield


@pytest.fixture
def missed(team, practitioner):
    """An errand whose decision, due 8 December, the nightly sweep has marked missed."""
    errand = errand_in(State.DRAFT, team)
    workflows.transition(errand, "submit", by=practitioner, on=dt.date(2026, 12, 1))
    assert deadlines.deadlines_mark_missed() == 1
    return errand


def decision():
    return Deadline.objects.get(kind=engine.ERRAND_DECISION.value)


def test_a_missed_deadline_satisfied_by_a_step_stays_missed(missed):
    deadlines.deadlines_close(
        missed, (), satisfies=(engine.ERRAND_DECISION,), on=CLOSED_ON, by="step"
    )

    assert (decision().status, decision().closed_on) == (DeadlineStatus.MISSED, CLOSED_ON)


def test_a_missed_deadline_replaced_by_a_newer_one_stays_missed(missed):
    deadlines.deadlines_open(missed, (engine.ERRAND_DECISION,), on=CLOSED_ON, by="renew")

    old, new = Deadline.objects.filter(kind=engine.ERRAND_DECISION.value).order_by("pk")
    assert (old.status, old.closed_on) == (DeadlineStatus.MISSED, CLOSED_ON)
    assert new.status == DeadlineStatus.OPEN


def test_a_missed_deadline_no_longer_required_stays_missed(missed):
    changed = deadlines.deadlines_not_required(
        missed, (engine.ERRAND_DECISION,), on=CLOSED_ON, by="withdraw"
    )

    assert changed == 0
    assert (decision().status, decision().closed_on) == (DeadlineStatus.MISSED, CLOSED_ON)
    assert not Deadline.objects.running().exists()


def test_an_open_deadline_satisfied_by_a_step_is_met(team, practitioner):
    errand = errand_in(State.DRAFT, team)
    workflows.transition(errand, "submit", by=practitioner, on=dt.date(2026, 12, 14))

    deadlines.deadlines_close(
        errand, (), satisfies=(engine.ERRAND_DECISION,), on=CLOSED_ON, by="step"
    )

    assert decision().status == DeadlineStatus.MET


def test_a_missed_deadline_stays_missed_when_a_backdated_step_closes_it(missed):
    backdated = dt.date(2026, 12, 5)

    deadlines.deadlines_close(missed, (engine.ERRAND_DECISION,), on=backdated, by="late entry")

    assert (decision().status, decision().closed_on) == (DeadlineStatus.MISSED, backdated)
