"""The uptake report API and its exports: access, bad input, suppression, CSV/XLSX, queries."""

from __future__ import annotations

import csv
import io
from decimal import Decimal

import pytest
from openpyxl import load_workbook
from rest_framework.test import APIClient

from accounts.roles import Role
from commissioning.models import Action, ImplementationPlan, Measure
from commissioning.services import action_update, plan_load
from tests.commissioning.conftest import D, budget
from tests.factories import ChildFactory, FeedbackFactory, UserFactory

URL = "/api/v1/commissioning/reports/uptake/"


@pytest.fixture
def plan(db) -> ImplementationPlan:
    return plan_load(slug="medway-2011")[0]


@pytest.fixture
def commissioner(db):
    return UserFactory(role=Role.COMMISSIONER)


def api(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def report(user, of_plan, **params):
    query = {"plan": of_plan.pk, "period": "2026-27", "granularity": "quarter"} | params
    return api(user).get(URL, query)


def measure(data, metric):
    return next(m for t in data["themes"] for m in t["measures"] if m["metric"] == metric)


def test_report_gives_actual_target_variance_and_rag_per_measure(plan, team, manager):
    for _ in range(3):
        budget(ChildFactory(team=team), D(2026, 4, 1), D(2027, 3, 31))

    with_time = report(manager, plan, period="2025-26")
    data = report(manager, plan).json()

    assert with_time.status_code == 200
    found = measure(data, "personal_budgets_active")
    assert found["actual"] == 3
    assert found["target"] == {
        "value": "12.00",
        "direction": "at_least",
        "baseline": "4.00",
        "illustrative": True,
    }
    assert found["variance"] == "-9.00"
    assert found["rag"] == "red"
    assert [p["period"] for p in found["trend"]][-4:] == [
        "2026-27 Q1",
        "2026-27 Q2",
        "2026-27 Q3",
        "2026-27 Q4",
    ]
    assert len(data["actions"]) == 23


def test_commissioners_see_small_counts_as_c_and_managers_see_them(
    plan, team, manager, commissioner
):
    for _ in range(3):
        budget(ChildFactory(team=team), D(2026, 4, 1), D(2027, 3, 31))

    as_commissioner = measure(report(commissioner, plan).json(), "personal_budgets_active")
    as_manager = measure(report(manager, plan).json(), "personal_budgets_active")

    assert as_commissioner["actual"] == "c"
    assert as_commissioner["variance"] == "c"
    assert as_commissioner["rag"] is None
    assert as_manager["actual"] == 3


def test_managers_see_only_their_own_teams_figures(plan, team, other_team, manager):
    budget(ChildFactory(team=other_team), D(2026, 4, 1), D(2027, 3, 31))

    data = report(manager, plan).json()

    assert measure(data, "personal_budgets_active")["actual"] == 0
    assert data["scope"]["suppressed"] is False


def test_a_rate_is_suppressed_with_its_counts(plan, commissioner, team):
    parent = UserFactory(role=Role.FAMILY)
    for rating in (5, 5, 5, 5, 5, 5, 5, 2):  # 7 of 8: the 7 is shown, but not the 1
        FeedbackFactory(  # one per child per quarter: eight children
            child=ChildFactory(team=team), given_by=parent, given_on=D(2026, 5, 1), rating=rating
        )

    found = measure(report(commissioner, plan).json(), "family_satisfaction_pct")

    assert found["actual"] == "87.5"


def test_an_empty_period_is_zeros_and_no_data_not_an_error(plan, commissioner):
    data = report(commissioner, plan, period="2030-31").json()

    assert measure(data, "personal_budgets_active")["actual"] == 0
    assert measure(data, "family_satisfaction_pct")["actual"] is None


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"plan": 999999}, "plan"),
        ({"plan": "abc"}, "plan"),
        ({"period": "2026-28"}, "period"),
        ({"period": ""}, "period"),
        ({"granularity": "week"}, "granularity"),
        ({"breakdown": "postcode"}, "breakdown"),
        ({"format": "pdf"}, "format"),
    ],
)
def test_bad_parameters_answer_400_naming_the_parameter(plan, commissioner, params, field):
    response = report(commissioner, plan, **params)

    assert response.status_code == 400
    assert response["Content-Type"].startswith("application/json")
    assert field in response.json()["fields"]


@pytest.mark.parametrize("role", [Role.FAMILY, Role.PROVIDER])
def test_families_and_providers_are_refused_the_report(plan, role):
    response = report(UserFactory(role=role), plan)

    assert response.status_code == 403
    assert response.json()["code"] == "not_permitted"


def test_the_reports_query_count_does_not_grow_with_the_data(
    plan, team, manager, django_assert_max_num_queries
):
    api(manager).get(URL, {"plan": plan.pk, "period": "2026-27"})  # warm the caches
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as few:
        report(manager, plan)
    for _ in range(20):
        budget(ChildFactory(team=team), D(2026, 4, 1), D(2027, 3, 31), direct="10.00")
    with CaptureQueriesContext(connection) as many:
        report(manager, plan, breakdown="team")
    with CaptureQueriesContext(connection) as many_plain:
        report(manager, plan)

    assert len(many_plain) == len(few)
    assert len(many) <= len(few) + 4  # one more query per metric for the breakdown


def test_csv_export_writes_text_that_looks_like_a_formula_as_text(plan, commissioner):
    action = Action.objects.get(number=5)
    action_update(by=commissioner, action=action, status="on_track", note='=HYPERLINK("x")')

    response = report(commissioner, plan, format="csv")

    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert "attachment" in response["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    notes = [row for row in rows if row and row[0] == "5"]
    assert notes[0][-1] == '\'=HYPERLINK("x")'
    assert not any(cell.startswith(("=", "+", "@")) for row in rows for cell in row)


def test_xlsx_opens_with_openpyxl_and_matches_the_json(plan, team, manager):
    for _ in range(7):
        budget(ChildFactory(team=team), D(2026, 4, 1), D(2027, 3, 31), direct="10.00")
    action_update(
        by=UserFactory(role=Role.COMMISSIONER),
        action=Action.objects.get(number=9),
        status="at_risk",
        note="@SUM(A1:A9)",
    )
    data = report(manager, plan).json()

    response = report(manager, plan, format="xlsx")

    book = load_workbook(io.BytesIO(response.content))
    assert book.sheetnames == ["About", "Measures", "Trend", "Actions"]
    sheet = book["Measures"]
    rows = list(sheet.iter_rows(min_row=2, values_only=True))
    by_metric = {row[3]: row for row in rows}
    for theme in data["themes"]:
        for found in theme["measures"]:
            if found["metric"]:
                row = by_metric[found["metric"]]
                actual = found["actual"]
                assert (None if row[4] is None else Decimal(str(row[4]))) == (
                    None if actual is None else Decimal(str(actual))
                )
    assert by_metric["direct_payments_active"][4] == 7
    trend = list(book["Trend"].iter_rows(min_row=2, values_only=True))
    expected = [
        (m["label"], p["period"], p["value"])
        for t in data["themes"]
        for m in t["measures"]
        for p in m["trend"]
    ]
    assert [(r[0], r[2], r[3]) for r in trend] == [
        (
            label,
            period,
            None if value is None else value if isinstance(value, int) else Decimal(value),
        )
        for label, period, value in expected
    ]
    actions = {row[0]: row for row in book["Actions"].iter_rows(min_row=2, values_only=True)}
    note_cell = next(c for c in book["Actions"][1] if c.value == "latest note").column
    nine = next(r for r in book["Actions"].iter_rows(min_row=2) if r[0].value == 9)
    assert nine[note_cell - 1].data_type == "s"
    assert nine[note_cell - 1].value == "@SUM(A1:A9)"
    assert len(actions) == 23


def test_breakdown_rows_and_their_total_are_suppressed_together(plan, team, commissioner):
    for index in range(12):
        child = ChildFactory(team=team, primary_need="ASD" if index < 9 else "SLD")
        budget(child, D(2026, 4, 1), D(2027, 3, 31))

    found = measure(
        report(commissioner, plan, breakdown="primary_need").json(), "personal_budgets_active"
    )

    groups = {row["group"]: row["total"] for row in found["breakdown"]}
    assert groups["Severe learning difficulty"] == "c"
    assert groups["Autistic spectrum disorder"] == "c"  # else 12 − 9 gives the 3 away
    assert found["actual"] == 12


def test_plans_targets_and_actions_endpoints(plan, commissioner, manager):
    target_measure = Measure.objects.get(metric="direct_payments_active")

    listed = api(manager).get("/api/v1/commissioning/plans/")
    detail = api(manager).get(f"/api/v1/commissioning/plans/{plan.pk}/")
    refused = api(manager).post(
        "/api/v1/commissioning/targets/",
        {"measure": target_measure.pk, "period": "2027-28", "value": "9"},
        format="json",
    )
    created = api(commissioner).post(
        "/api/v1/commissioning/targets/",
        {"measure": target_measure.pk, "period": "2027-28", "value": "9.50"},
        format="json",
    )
    bad = api(commissioner).post(
        "/api/v1/commissioning/targets/",
        {"measure": target_measure.pk, "period": "2027-29", "value": "abc"},
        format="json",
    )
    action = Action.objects.get(number=1)
    progressed = api(commissioner).post(
        f"/api/v1/commissioning/actions/{action.pk}/progress/",
        {"status": "done", "note": "Steering group running."},
        format="json",
    )

    assert listed.status_code == 200
    assert listed.json()["results"][0]["slug"] == "medway-2011"
    assert len(detail.json()["themes"]) == 6
    assert refused.status_code == 403
    assert created.status_code == 201
    assert created.json()["value"] == "9.50"
    assert created.json()["illustrative"] is False
    assert bad.status_code == 400
    assert set(bad.json()["fields"]) >= {"value"}
    assert progressed.status_code == 200
    assert progressed.json()["status"] == "done"


def test_the_plan_api_is_refused_to_families(plan):
    response = api(UserFactory(role=Role.FAMILY)).get("/api/v1/commissioning/plans/")

    assert response.status_code == 403
