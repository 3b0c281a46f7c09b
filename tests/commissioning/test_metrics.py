"""Each metric of DESIGN §7 against the hand-built caseload of conftest.py."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from commissioning.metrics.catalogue import METRICS, Breakdown
from commissioning.metrics.evaluator import TOTAL, evaluate, year_buckets
from tests.commissioning.conftest import YEAR_START

AFTER_THE_YEAR = dt.date(2027, 6, 1)
BUCKETS = year_buckets(YEAR_START)


def figure(key, label="2026-27", **kwargs):
    table = evaluate(key, BUCKETS, today=AFTER_THE_YEAR, **kwargs)
    return table[TOTAL][label].value(METRICS[key].unit)


EXPECTED = {
    # first and last day of the year in; 31 March and 1 April outside
    "referrals_received": 2,
    # one of two completed by its deadline
    "assessments_within_45_working_days_pct": Decimal("50.0"),
    # C and D requested in the year; A, B and E before it
    "ehc_requests": 2,
    # A, B and C issued for the first time; E only re-issued after amendment
    "ehc_final_plans_issued": 3,
    # A (exactly 20 weeks) in time, C late; B left out for its exception
    "ehc_within_20_weeks_pct": Decimal("50.0"),
    "ehc_within_20_weeks_pct_incl_exceptions": Decimal("33.3"),
    # decided exactly 4 weeks after the meeting, and a month after
    "review_decisions_within_4_weeks_pct": Decimal("50.0"),
    # of E's three decided annual_review deadlines due in the year, one met: one late, one not
    # held; the one no longer required and the case's review are left out
    "reviews_on_time_pct": Decimal("33.3"),
    # A and H active on 31 March; F ended the day before, G in December
    "personal_budgets_active": 2,
    "direct_payments_active": 1,
    # 100.00 + 50.50 − 20.25; the commitment and next year's payment are not spend
    "personal_budget_spend": Decimal("130.25"),
    # A, B, and D (family-based is not residential); C's session was only booked
    "children_short_breaks_non_residential": 3,
    "children_short_breaks_residential": 1,
    "residential_nights": Decimal("2.0"),
    "family_based_nights": Decimal("3.0"),
    # 5 and 4 of 5, 3, 4, 1 given in the year
    "family_satisfaction_pct": Decimal("50.0"),
    # no advice was asked for in this caseload (tests/commissioning/test_advice_metric.py)
    "advice_within_6_weeks_pct": None,
    # the caseload has no disputes: tests/commissioning/test_disputes_metrics.py counts them
    "mediation_cases": 0,
    "tribunal_appeals": 0,
}


def test_every_metric_of_the_design_is_registered_and_checked_here():
    assert set(METRICS) == set(EXPECTED)


@pytest.mark.parametrize(("key", "expected"), EXPECTED.items())
def test_metric_gives_the_known_answer_for_the_year(caseload, key, expected):
    assert figure(key) == expected


def test_referrals_fall_in_the_quarters_of_their_dates(caseload):
    assert figure("referrals_received", "2026-27 Q1") == 1
    assert figure("referrals_received", "2026-27 Q2") == 0
    assert figure("referrals_received", "2026-27 Q4") == 1
    assert figure("referrals_received", "Apr 2026") == 1
    assert figure("referrals_received", "Mar 2027") == 1


def test_budgets_active_are_counted_on_each_periods_last_day(caseload):
    # On 31 December: A, F and H (G ended on 1 December).
    assert figure("personal_budgets_active", "2026-27 Q3") == 3
    # On 30 November, G was still running.
    assert figure("personal_budgets_active", "Nov 2026") == 4


def test_a_period_not_over_is_counted_to_today(db):
    table = evaluate("personal_budgets_active", BUCKETS, today=dt.date(2026, 3, 1))
    assert table[TOTAL]["2026-27"].count == 0


def test_a_rate_with_nothing_to_count_is_no_data_not_zero(caseload):
    assert figure("family_satisfaction_pct", "2026-27 Q3") is None
    assert figure("referrals_received", "2026-27 Q3") == 0


def test_each_metric_is_one_query_and_a_breakdown_one_more(caseload, django_assert_num_queries):
    # The content type of a plan is cached after its first use.
    evaluate("ehc_within_20_weeks_pct", BUCKETS, today=AFTER_THE_YEAR)
    for key in METRICS:
        with django_assert_num_queries(1):
            evaluate(key, BUCKETS, today=AFTER_THE_YEAR)
        with django_assert_num_queries(2):
            evaluate(key, BUCKETS, today=AFTER_THE_YEAR, breakdown=Breakdown.TEAM)


def test_breakdown_by_setting_counts_a_child_in_each(caseload):
    table = evaluate(
        "children_short_breaks_residential",
        BUCKETS,
        today=AFTER_THE_YEAR,
        breakdown=Breakdown.SERVICE_TYPE,
    )
    assert table["residential_overnight"]["2026-27"].count == 1
    assert table[TOTAL]["2026-27"].count == 1


def test_breakdown_by_age_band_uses_age_at_the_end_of_the_period(caseload, team):
    child = caseload["A"]
    child.date_of_birth = dt.date(2022, 4, 1)  # 4 on 31 March 2027, 5 the next day
    child.save()
    table = evaluate(
        "direct_payments_active",
        BUCKETS,
        today=AFTER_THE_YEAR,
        breakdown=Breakdown.AGE_BAND,
    )
    assert table["0–4"]["2026-27"].count == 1


def test_other_teams_are_left_out_when_scoped(caseload, other_team):
    assert figure("referrals_received", teams=[other_team.pk]) == 0
    assert figure("referrals_received", teams=[caseload["A"].team_id]) == 2
