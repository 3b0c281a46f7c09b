"""Two uptake reports never disagree on a cell they both show (DESIGN §7, disclosure control).

A cell is one figure of one metric, for one group of a breakdown (or the total) and one period:
(metric, group, period label), e.g. (children_short_breaks_non_residential, "5–10", "2026-27 Q2").
A report shows the cells of its trend (every period of its granularity over its years), the
year's actual, and with a breakdown each group's trend and year total. Reports of different
financial years, granularities and breakdowns overlap: the 2026-27 quarters are in the 2026-27
and in the 2027-28 quarter reports, the 2026-27 year in the month, quarter and year reports of
2026-27 and in the year reports after it, and the totals with and without a breakdown. Wherever
two reports show a cell, they show the same: the same number, or both `c`. Otherwise the pair
would give away what each hides (an age taken on a different day moved a child between bands).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from accounts.roles import Role
from commissioning.metrics.catalogue import Breakdown
from commissioning.selectors import uptake_report
from commissioning.services import plan_load
from tests.commissioning.conftest import budget
from tests.factories import (
    CaseFactory,
    ChildFactory,
    PackageFactory,
    ReferralFactory,
    ServiceFactory,
    SessionFactory,
    UserFactory,
)

TODAY = dt.date(2028, 6, 1)  # after every year a report below asks for
FIRST, LAST = dt.date(2025, 4, 1), dt.date(2028, 3, 31)
PERIODS = ["2026-27", "2027-28"]  # next to each other: their reports overlap most

days = st.dates(min_value=FIRST, max_value=LAST)
# Birthdays near the edges of the bands, so that children cross from one band to the next.
births = st.builds(
    lambda upper, offset: dt.date(2027 - upper - 1, 3, 31) + dt.timedelta(days=offset),
    st.sampled_from([4, 10, 15, 19]),
    st.integers(min_value=-500, max_value=500),
)
children = st.lists(
    st.fixed_dictionaries(
        {
            "born": births,
            "need": st.sampled_from(["ASD", "SLD"]),
            "sessions": st.lists(days, max_size=4, unique=True),
            "referral": st.none() | days,
            "budget": st.none() | days,
        }
    ),
    min_size=1,
    max_size=8,
)
reports = st.tuples(
    st.sampled_from(PERIODS),
    st.sampled_from(["year", "quarter", "month"]),
    st.sampled_from([Breakdown.AGE_BAND] * 3 + [None, Breakdown.PRIMARY_NEED]),
)


def cells(report) -> dict[tuple[str, str, str], object]:
    shown: dict[tuple[str, str, str], object] = {}
    for row in report.measures:
        metric = row.measure.metric
        if not row.trend:
            continue
        shown[(metric, "total", report.period)] = row.actual
        for label, value in row.trend:
            shown[(metric, "total", label)] = value
        for group, values, total in row.breakdown or []:
            shown[(metric, group, report.period)] = total
            for label, value in zip(report.trend_periods, values, strict=True):
                shown[(metric, group, label)] = value
    return shown


@pytest.fixture
def world(team):
    plan = plan_load(slug="medway-2011")[0]
    club = ServiceFactory(
        provider__name="Test provider",
        name="Club",
        unit_cost=Decimal("10.00"),
        capacity=10,
        min_age=0,
        max_age=25,
    )
    readers = {
        # Suppressed: the pair must hide the same cells. A manager's figures are as they are,
        # so that a child counted in another band shows as a different number, not two `c`s.
        "commissioner": UserFactory(role=Role.COMMISSIONER),
        "manager": UserFactory(role=Role.TEAM_MANAGER, team=team),
    }
    return plan, club, readers, UserFactory(role=Role.PRACTITIONER)


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    caseload=children,
    first=reports,
    second=reports,
    reader=st.sampled_from(["commissioner", "manager", "manager"]),
)
def test_two_reports_never_disagree_on_a_cell_they_both_show(
    world, team, caseload, first, second, reader
):
    plan, club, readers, worker = world
    with transaction.atomic():
        for made in caseload:
            child = ChildFactory(team=team, date_of_birth=made["born"], primary_need=made["need"])
            case = CaseFactory(child=child)
            package = PackageFactory(child=child, service=club, start_on=FIRST, end_on=LAST)
            for day in made["sessions"]:
                SessionFactory(
                    package=package, date=day, units=1, status="delivered", booked_by=worker
                )
            if made["referral"] is not None:
                ReferralFactory(case=case, received_on=made["referral"])
            if made["budget"] is not None:
                start = made["budget"]
                budget(child, start, start + dt.timedelta(days=200))
        shown = [
            cells(
                uptake_report(
                    readers[reader],
                    plan=plan,
                    period=period,
                    granularity=granularity,
                    breakdown=breakdown,
                    today=TODAY,
                )
            )
            for period, granularity, breakdown in (first, second)
        ]
        transaction.set_rollback(True)

    shared = shown[0].keys() & shown[1].keys()
    disagreeing = {cell: (shown[0][cell], shown[1][cell]) for cell in shared}
    disagreeing = {cell: pair for cell, pair in disagreeing.items() if pair[0] != pair[1]}
    assert not disagreeing, (first, second, disagreeing)


def test_a_childs_age_band_is_the_same_in_the_quarter_and_the_next_years_report(world, team):
    """The finding: a child who turns 5 in May 2027 was in 0–4 in the 2026-27 report (ages on
    31 March 2027) and in 5–10 in the 2027-28 report's 2026-27 columns (ages on a later day)."""
    plan, club, _, worker = world
    child = ChildFactory(team=team, date_of_birth=dt.date(2022, 5, 10))
    package = PackageFactory(child=child, service=club, start_on=FIRST, end_on=LAST)
    SessionFactory(
        package=package, date=dt.date(2026, 8, 1), units=1, status="delivered", booked_by=worker
    )
    manager = UserFactory(role=Role.TEAM_MANAGER, team=team)  # unsuppressed: the raw figures

    found = {}
    for period in ("2026-27", "2027-28"):
        report = uptake_report(
            manager, plan=plan, period=period, breakdown=Breakdown.AGE_BAND, today=TODAY
        )
        found[period] = cells(report)
    key = ("children_short_breaks_non_residential", "0–4", "2026-27 Q2")

    assert found["2026-27"][key] == found["2027-28"][key] == 1
