"""The uptake report reads right: charts legible with units, the England figure only beside a
figure it measures the same way, the spreadsheet in words, and due dates as the plan writes
them."""

from __future__ import annotations

import base64
import io
import re
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from accounts.roles import Role
from commissioning import charts
from commissioning.models import Action, ActionStatus
from commissioning.services import plan_load
from tests.commissioning.conftest import D, budget
from tests.commissioning.test_report_api import measure, report
from tests.factories import ChildFactory, UserFactory

MONTHS = ["Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec", "Jan", "Feb", "Mar"]


@pytest.fixture
def plan(db):
    return plan_load(slug="medway-2011")[0]


@pytest.fixture
def commissioner(db):
    return UserFactory(role=Role.COMMISSIONER)


def texts(svg: str) -> list[str]:
    return re.findall(r"<text[^>]*>([^<]*)</text>", svg)


def monthly(values):
    return [(f"{month} 2026", value) for month, value in zip(MONTHS * 2, values, strict=False)]


def test_chart_text_is_at_least_12_px_with_the_unit_on_its_axis():
    svg = charts.trend_svg(monthly(range(24)), axis_title="Number of children", target=Decimal(9))

    sizes = [float(size) for size in re.findall(r"font-size: ([\d.]+)px", svg)]
    assert sizes
    assert min(sizes) >= 12
    assert "Number of children" in texts(svg)
    # Drawn in points: on the page each is 4/3 of a CSS pixel, and the page never shrinks it.
    assert re.search(r'width="([\d.]+)pt"', svg)[1] == f"{charts.INCHES[0] * 72:.1f}"


def test_a_monthly_chart_labels_every_third_month_so_labels_do_not_overlap():
    svg = charts.trend_svg(monthly(range(24)), axis_title="Number of children")

    month_labels = [text for text in texts(svg) if text in MONTHS]
    assert month_labels == ["Apr", "Jul", "Oct", "Jan"] * 2


def test_a_quarterly_chart_labels_every_quarter():
    points = [(f"2026-27 Q{n}", n) for n in range(1, 5)]

    svg = charts.trend_svg(points, axis_title="Per cent (%)")

    assert [text for text in texts(svg) if text.startswith("Q")] == ["Q1", "Q2", "Q3", "Q4"]


def test_money_is_charted_in_thousands_of_pounds():
    title, scale = charts.axis("personal_budget_spend")

    svg = charts.trend_svg([("2026-27", Decimal("45000.00"))], axis_title=title, scale=scale)

    assert title == "£ thousands"
    assert "40" in texts(svg)
    assert "45000" not in " ".join(texts(svg))


@pytest.mark.parametrize(
    ("metric", "title"),
    [
        ("personal_budgets_active", "Number of children"),
        ("referrals_received", "Number of referrals"),
        ("ehc_within_20_weeks_pct", "Per cent (%)"),
        ("residential_nights", "Number of nights"),
    ],
)
def test_each_chart_axis_says_what_it_counts(db, metric, title):
    assert charts.axis(metric)[0] == title


def test_the_page_keeps_each_chart_at_its_drawn_size_in_its_own_scroll_region(
    client, plan, commissioner
):
    client.force_login(commissioner)

    page = client.get("/commissioning/?period=2026-27&granularity=month").content.decode()

    chart = re.search(
        r'<div class="app-table-scroll" tabindex="0" role="region" aria-label="Chart of [^"]+">'
        r'\s*<img class="app-chart" src="data:image/svg\+xml;base64,([^"]+)" '
        rf'width="{charts.WIDTH_PX}" height="{charts.HEIGHT_PX}"',
        page,
    )
    assert chart
    svg = base64.b64decode(chart[1]).decode()
    assert [text for text in texts(svg) if text in MONTHS] == ["Apr", "Jul", "Oct", "Jan"] * 2
    assert "in number of children" in page or "in per cent (%)" in page
    # The same measure under two themes is two regions: each needs a name of its own.
    regions = re.findall(r'role="region" aria-label="([^"]+)"', page)
    assert len(regions) == len(set(regions)) > 1


def test_the_monthly_breakdown_table_scrolls_in_its_own_region_not_the_page(
    client, plan, team, manager
):
    for _ in range(7):
        budget(ChildFactory(team=team), D(2026, 4, 1), D(2027, 3, 31), direct="10.00")
    client.force_login(manager)

    page = client.get("/commissioning/?granularity=month&breakdown=team").content.decode()

    wide = re.findall(
        r'<div class="app-table-scroll" tabindex="0" role="region" '
        r'aria-label="([^"]+) by team, under [^"]+">'
        r'\s*<table class="govuk-table app-table--compact">',
        page,
    )
    assert wide == [
        "Children with a personal budget",
        "Children with a personal budget taken as a direct payment",
    ]
    assert page.count("by team</caption>") == len(wide)


def test_the_england_share_of_plans_is_not_shown_as_comparable_with_a_count(plan, manager):
    data = report(manager, plan).json()

    count = measure(data, "personal_budgets_active")

    assert count["unit"] == "count"
    assert count["comparator"]["unit"] == "percent"
    assert count["comparator"]["unit_label"] == "% of plans, England"
    assert count["comparator"]["comparable"] is False


def test_the_page_shows_the_england_figure_with_its_unit_and_says_it_is_not_a_count(
    client, plan, commissioner
):
    client.force_login(commissioner)

    page = client.get("/commissioning/?period=2026-27").content.decode()

    assert "England, in its own unit" in page
    assert "3.7% of plans, England" in page
    assert "A share of plans, not a count: not comparable with the figure for children with " \
        "a personal budget." in page  # fmt: skip


def test_the_spreadsheet_says_at_least_yes_and_no_in_words(plan, team, manager):
    for _ in range(7):
        budget(ChildFactory(team=team), D(2026, 4, 1), D(2027, 3, 31), direct="10.00")

    response = report(manager, plan, format="xlsx")

    book = load_workbook(io.BytesIO(response.content))
    header = [cell.value for cell in book["Measures"][1]]
    rows = [dict(zip(header, row, strict=True)) for row in book["Measures"].iter_rows(
        min_row=2, values_only=True)]  # fmt: skip
    with_target = [row for row in rows if row["target"] is not None]
    assert with_target
    assert {row["direction"] for row in with_target} <= {"at least", "at most"}
    assert {row["illustrative target"] for row in with_target} == {"Yes"}
    assert {row["against target"] for row in with_target} <= {
        None,
        "Target met",
        "Within 10% of target",
        "Off target",
    }
    budgets = next(row for row in rows if row["metric"] == "personal_budgets_active")
    assert budgets["national unit"] == "% of plans, England"
    assert budgets["same measure as actual"] == "No"
    actions = book["Actions"]
    overdue = actions[1][[cell.value for cell in actions[1]].index("overdue")].column
    answers = {row[overdue - 1].value for row in actions.iter_rows(min_row=2)}
    assert answers == {"Yes", "No"}
    values = [cell for sheet in book for row in sheet.iter_rows() for cell in row]
    assert not any(cell.value in ("at_least", "at_most") for cell in values)
    assert not any(isinstance(cell.value, bool) for cell in values)


def test_an_action_with_its_own_date_shows_it_as_the_plan_writes_it(plan):
    assert Action.objects.get(theme__plan=plan, number=10).due_as_written() == "By 3/12"


def test_an_action_dated_only_by_its_steps_shows_the_steps_dates(plan):
    one = Action.objects.get(theme__plan=plan, number=1)

    assert one.due_as_written() == (
        "By step: (a) By 10/11; (b) By 12/11; (c) By 2/12; (d) 2/12 – 9/12; (e) 10/12"
    )


def test_an_action_without_a_date_says_so_and_is_never_overdue(plan):
    ongoing = Action.objects.get(theme__plan=plan, number=5)
    Action.objects.filter(pk=ongoing.pk).update(status=ActionStatus.OVERDUE)
    ongoing.refresh_from_db()

    assert ongoing.due_on is None
    assert ongoing.due_as_written() == "No date in the plan (it says \u201cOngoing\u201d)"
    assert not ongoing.is_overdue(D(2030, 1, 1))


def test_the_plan_page_shows_no_date_without_an_overdue_tag(client, plan, commissioner):
    client.force_login(commissioner)

    page = client.get(f"/commissioning/plans/{plan.pk}/").content.decode()

    row = re.search(r'<tr class="govuk-table__row" id="action-19">(.*?)</tr>', page, re.S)[1]
    assert "No date in the plan (it says \u201c[Sally to complete plse]\u201d)" in row
    assert "Overdue" not in row
    assert "Due: not given" not in page
    dated = re.search(r'<tr class="govuk-table__row" id="action-1">(.*?)</tr>', page, re.S)[1]
    assert "Due: By step: (a) By 10/11;" in dated
    assert "Overdue" in dated


def test_the_report_tracker_shows_due_dates_as_written(client, plan, commissioner):
    client.force_login(commissioner)

    page = client.get("/commissioning/?period=2026-27").content.decode()

    assert "No date in the plan (it says \u201cOngoing\u201d)" in page
    assert '<td class="govuk-table__cell">By 3/12</td>' in page


def test_a_bar_is_as_tall_as_its_figure_on_the_value_axis_and_a_suppressed_figure_is_a_mark():
    svg = charts.trend_svg(
        [("2026-27 Q1", 40), ("2026-27 Q2", 20), ("2026-27 Q3", "c")],
        axis_title="Number of children",
        target=Decimal(30),
    )

    bars = [
        float(h)
        for h in re.findall(r'<rect x="[\d.]+" y="[\d.]+" width="[\d.]+" height="([\d.]+)"', svg)
    ]
    assert len(bars) == 2
    assert bars[0] == pytest.approx(2 * bars[1], abs=0.2)
    assert texts(svg)[: len(["0", "10", "20", "30", "40"])] == ["0", "10", "20", "30", "40"]
    assert "c" in texts(svg)
    assert "target" in texts(svg)
    assert "stroke-dasharray" in svg


def test_the_target_label_is_outlined_in_white_so_it_reads_over_a_taller_bar():
    svg = charts.trend_svg(
        [("2026-27 Q1", 40), ("2026-27 Q2", 90)],
        axis_title="Number of children",
        target=Decimal(30),
    )

    label = re.search(r"<text [^>]*>target</text>", svg)[0]
    assert 'stroke="#ffffff"' in label
    assert 'paint-order="stroke"' in label
