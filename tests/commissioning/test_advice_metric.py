"""`advice_within_6_weeks_pct`: advice answered within reg 8(1)'s 6 weeks, by agency."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
import time_machine

from casework.models.advice import AdviceRequest
from commissioning.metrics.catalogue import METRICS, Breakdown
from commissioning.metrics.evaluator import TOTAL, evaluate, year_buckets
from tests.commissioning.conftest import YEAR_START
from tests.factories import ChildFactory, DeadlineFactory, PlanFactory, UserFactory

D = dt.date
TODAY = D(2027, 6, 1)
BUCKETS = year_buckets(YEAR_START)
KEY = "advice_within_6_weeks_pct"


@pytest.fixture(autouse=True)
def today():
    with time_machine.travel(dt.datetime(2027, 6, 1, 9, tzinfo=dt.UTC), tick=False):
        yield


@pytest.fixture
def advice(team):
    plan = PlanFactory(child=ChildFactory(team=team), requested_on=D(2026, 1, 5))
    by = UserFactory()

    def asked(kind, requested_on, received_on=None):
        return AdviceRequest.objects.create(
            plan=plan,
            kind=kind,
            adviser_email="adviser@example.org",
            requested_on=requested_on,
            received_on=received_on,
            recorded_by=by,
        )

    asked("medical", D(2026, 5, 1), D(2026, 6, 12))  # on the last of its 6 weeks
    asked("educational", D(2026, 6, 1), D(2026, 7, 20))  # late: counted when it fell due
    asked("psychological", D(2026, 9, 1))  # never came: late from 13 October
    asked("social_care", D(2026, 10, 1), D(2026, 10, 20))
    asked("post_16", D(2027, 3, 10))  # falls due in the next year
    asked("other", D(2027, 5, 25))  # still inside its 6 weeks today
    asked("medical", D(2026, 2, 10), D(2026, 4, 2))  # late, due in March: the year before


def value(table, group, label="2026-27"):
    return table[group][label].value(METRICS[KEY].unit)


def test_advice_answered_or_due_in_the_year_counted_once_each(advice):
    table = evaluate(KEY, BUCKETS, today=TODAY)

    assert value(table, TOTAL) == Decimal("50.0")
    assert (table[TOTAL]["2026-27"].count, table[TOTAL]["2026-27"].denominator) == (2, 4)


def test_late_advice_counts_in_the_period_it_fell_due_not_the_one_it_came(advice):
    table = evaluate(KEY, BUCKETS, today=TODAY)

    assert (table[TOTAL]["Jul 2026"].count, table[TOTAL]["Jul 2026"].denominator) == (0, 1)
    assert table[TOTAL]["Oct 2026"].denominator == 2  # the psychologist's, and social care's
    assert value(table, TOTAL, "Jun 2026") == Decimal("100.0")


def test_advice_by_agency_education_health_and_social_care(advice):
    table = evaluate(KEY, BUCKETS, today=TODAY, breakdown=Breakdown.AGENCY)

    assert value(table, "education") == Decimal("0.0")  # educational and psychological
    assert value(table, "health") == Decimal("100.0")
    assert value(table, "social_care") == Decimal("100.0")
    assert "other" not in table


def test_the_metric_can_be_broken_down_by_agency_and_no_other_can():
    assert Breakdown.AGENCY in METRICS[KEY].breakdowns
    assert [key for key, found in METRICS.items() if Breakdown.AGENCY in found.breakdowns] == [KEY]


def test_advice_made_moot_is_left_out(advice):
    moot = AdviceRequest.objects.get(kind="psychological")
    DeadlineFactory(
        subject=moot,
        kind="advice",
        opened_on=moot.requested_on,
        due_on=D(2026, 10, 13),
        status="not_required",
        closed_on=D(2026, 9, 20),
    )

    table = evaluate(KEY, BUCKETS, today=TODAY)

    assert (table[TOTAL]["2026-27"].count, table[TOTAL]["2026-27"].denominator) == (2, 3)
