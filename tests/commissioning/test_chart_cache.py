"""The uptake report's charts are drawn once for the same figures (DESIGN §12): counted by the
calls to draw one, not by time."""

from __future__ import annotations

import re
from decimal import Decimal
from unittest import mock

import pytest
from django.core.cache import cache

from accounts.roles import Role
from commissioning import charts
from commissioning.services import plan_load
from tests.factories import UserFactory


@pytest.fixture
def draws():
    """Every chart drawn, counted; the cache starts empty."""
    cache.clear()
    with mock.patch.object(charts, "trend_svg", side_effect=charts.trend_svg) as spy:
        yield spy
    cache.clear()


def chart_sources(response) -> list[str]:
    return re.findall(r'class="app-chart" src="([^"]+)"', response.content.decode())


def test_the_report_page_draws_its_charts_once_for_the_same_figures(client, db, draws):
    plan_load(slug="medway-2011")
    client.force_login(UserFactory(role=Role.COMMISSIONER))

    first = client.get("/commissioning/")
    drawn = draws.call_count
    second = client.get("/commissioning/")

    assert first.status_code == second.status_code == 200
    assert drawn > 0
    assert draws.call_count == drawn
    assert chart_sources(second) == chart_sources(first)


def test_the_report_by_month_draws_its_own_charts(client, db, draws):
    plan_load(slug="medway-2011")
    client.force_login(UserFactory(role=Role.COMMISSIONER))
    client.get("/commissioning/?granularity=quarter")
    by_quarter = draws.call_count

    client.get("/commissioning/?granularity=month")

    assert draws.call_count > by_quarter


def test_a_changed_figure_target_or_axis_is_drawn_again(draws):
    points = [("2026-27 Q1", 4), ("2026-27 Q2", "c")]
    charts.trend_chart(points, axis_title="Number of children")
    charts.trend_chart(list(points), axis_title="Number of children")
    assert draws.call_count == 1

    charts.trend_chart([("2026-27 Q1", 5), ("2026-27 Q2", "c")], axis_title="Number of children")
    charts.trend_chart(points, axis_title="Number of children", target=Decimal(6))
    charts.trend_chart(points, axis_title="Number of plans")
    charts.trend_chart(points, axis_title="Number of children", scale=1_000)

    assert draws.call_count == 5


def test_a_count_an_amount_and_a_suppressed_figure_are_different_charts():
    count = charts.chart_key("trend", [("Q1", 5)])
    amount = charts.chart_key("trend", [("Q1", Decimal("5"))])
    suppressed = charts.chart_key("trend", [("Q1", "5")])

    assert len({count, amount, suppressed}) == 3
