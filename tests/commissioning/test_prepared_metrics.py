"""The metrics' SQL compiled once per shape (`workflows.prepared`) gives exactly the figures of
the same querysets built and compiled by Django for each call, whatever the year, the day the
report is taken on, the teams and the breakdown: a date or team frozen into the compiled SQL
would give wrong figures silently."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.db import connection
from django.db.models.sql.compiler import SQLCompiler
from django.test.utils import CaptureQueriesContext

from commissioning.metrics.catalogue import METRICS, Breakdown
from commissioning.metrics.evaluator import TOTAL, evaluate, evaluate_with, year_buckets
from tests.factories import PersonalBudgetFactory, ReferralFactory, TeamFactory

D = dt.date


def _compiled_each_time(shape: str, build: Any, **parameters: Any) -> list[dict[str, Any]]:
    return list(build(**parameters))


def _buckets(*years: int) -> list[Any]:
    return [bucket for year in years for bucket in year_buckets(D(year, 4, 1))]


@pytest.fixture
def other_team(caseload):
    other = TeamFactory()
    ReferralFactory(case__child__team=other, received_on=D(2026, 5, 2))
    ReferralFactory(case__child__team=other, received_on=D(2027, 5, 2))
    PersonalBudgetFactory(
        child__team=other,
        child__date_of_birth=D(2012, 2, 29),
        team=other,
        approved_on=D(2026, 4, 1),
        start_on=D(2026, 4, 1),
        end_on=D(2028, 3, 31),
    )
    return other


# The years of the buckets, the day the report is taken on, and which teams: each run in turn
# on one connection, so that every one after the first reuses SQL compiled for another.
CALLS = [
    ((2026,), D(2027, 6, 1), "all"),
    ((2026,), D(2026, 11, 15), "all"),
    ((2025,), D(2026, 11, 15), "ours"),
    ((2027,), D(2028, 2, 29), "both"),
    ((2025, 2026), D(2026, 8, 31), "other"),
    ((2026, 2027), D(2028, 2, 29), "all"),
    ((2026, 2027), D(2027, 3, 31), "both"),
]


@pytest.mark.parametrize("key", sorted(METRICS))
def test_a_metrics_prepared_sql_gives_the_figures_of_sql_compiled_for_each_call(
    caseload, team, other_team, key
):
    teams = {"all": None, "ours": [team.pk], "other": [other_team.pk]}
    teams["both"] = [other_team.pk, team.pk]
    for breakdown in (None, *METRICS[key].breakdowns):
        for years, today, which in CALLS:
            arguments = {"today": today, "teams": teams[which], "breakdown": breakdown}
            prepared = evaluate(key, _buckets(*years), **arguments)
            each_time = evaluate_with(_compiled_each_time, key, _buckets(*years), **arguments)
            assert prepared == each_time, (breakdown, years, today, which)


def test_the_figures_follow_the_day_the_report_is_taken_on_once_compiled(caseload):
    buckets = _buckets(2026)

    def active(today):
        table = evaluate("personal_budgets_active", buckets, today=today)
        return table[TOTAL]["2026-27"].count

    # On 31 March 2027 A and H; on 30 November 2026 G was still running, and F too.
    assert active(D(2027, 6, 1)) == 2
    assert active(D(2026, 11, 30)) == 4
    assert active(D(2027, 6, 1)) == 2


def test_a_child_born_on_29_february_changes_band_in_the_year_of_their_birthday(other_team):
    def band(year):
        table = evaluate(
            "personal_budgets_active",
            _buckets(year),
            today=D(2030, 1, 1),
            teams=[other_team.pk],
            breakdown=Breakdown.AGE_BAND,
        )
        return [group for group, figures in table.items() if group != TOTAL]

    # 15 on 31 March 2027, 16 on 31 March 2028 (the day after 28 February counts).
    assert band(2026) == ["11–15"]
    assert band(2027) == ["16–19"]
    assert band(2026) == ["11–15"]


def test_a_second_report_of_the_same_shape_compiles_no_sql(caseload, team, monkeypatch):
    def report(today, teams):
        for key in sorted(METRICS):
            for breakdown in (None, *METRICS[key].breakdowns):
                evaluate(key, _buckets(2025, 2026), today=today, teams=teams, breakdown=breakdown)

    report(D(2026, 6, 1), [team.pk])
    compiled = []
    as_sql = SQLCompiler.as_sql

    def spy(self, *args, **kwargs):
        compiled.append(self.query)
        return as_sql(self, *args, **kwargs)

    monkeypatch.setattr(SQLCompiler, "as_sql", spy)
    with CaptureQueriesContext(connection) as queries:
        report(D(2027, 2, 28), [team.pk + 1])
    assert compiled == []
    assert len(queries) > 0


def test_no_team_to_count_for_gives_figures_of_nothing_without_a_query(caseload):
    with CaptureQueriesContext(connection) as queries:
        table = evaluate("personal_budget_spend", _buckets(2026), today=D(2027, 6, 1), teams=[])
    assert len(queries) == 0
    assert table[TOTAL]["2026-27"].count == 0
    assert table[TOTAL]["2026-27"].amount == Decimal(0)
