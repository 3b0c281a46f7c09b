"""Every CSV and XLSX download escapes formula-like text (DESIGN §8), and every download name
survives any character a record's name holds.

The downloads are found in the URL conf, like the access matrix's routes: a route whose pattern
ends `.csv` or `.xlsx`, or whose view renders CSV or XLSX, must be in SPREADSHEETS, which says
how to put formula-like text into its records and how to ask for it.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from decimal import Decimal

import pytest
from django.core.management import call_command
from openpyxl import load_workbook
from rest_framework.test import APIClient

import config.urls
from accounts.roles import Role
from budgets.models import EntryKind, LedgerEntry
from commissioning.models import Action
from commissioning.services import action_update, plan_load
from shortbreaks.models import Provider, Service
from tests.factories import ActiveBudgetFactory, ChildFactory, UserFactory, staff
from tests.security.routes import _walk
from workflows.exports import FORMULA_STARTS, is_number_text

FORMULAS = ['=HYPERLINK("http://evil.example","click")', "=1+1", "@SUM(A1:A2)", "+44 7700", "-2+3"]


def statement(team):
    child = ChildFactory(team=team, given_name="@SUM(1+1)", family_name="=1+1")
    budget = ActiveBudgetFactory(child=child, start_on=dt.date(2026, 4, 1))
    worker = staff(Role.PRACTITIONER, team)
    for text in FORMULAS:
        LedgerEntry.objects.create(
            budget=budget,
            entry_on=dt.date(2026, 5, 1),
            kind=EntryKind.PAYMENT,
            amount=Decimal("1.00"),
            description=text,
            created_by=worker,
        )
    return worker, f"/api/v1/budgets/{budget.pk}/statement.csv", {}


def services_statement(team):
    provider = Provider.objects.create(name="+Provider", kind="voluntary")
    for text in FORMULAS:
        Service.objects.create(
            provider=provider,
            name=text,
            description=text,
            type="day_activity",
            access="targeted",
            unit="session",
            unit_cost=Decimal("10.00"),
            capacity=5,
        )
    return None, "/short-breaks.csv", {}


def uptake(team):
    plan = plan_load(slug="medway-2011")[0]
    commissioner = UserFactory(role=Role.COMMISSIONER)
    for number, text in enumerate(FORMULAS, start=1):
        action = Action.objects.get(theme__plan=plan, number=number)
        action_update(by=commissioner, action=action, status="on_track", note=text)
    return (
        commissioner,
        "/api/v1/commissioning/reports/uptake/",
        {"plan": plan.pk, "period": "2026-27"},
    )


# The URL name of every download of a spreadsheet: the formats it gives, and its seeding.
SPREADSHEETS = {
    "api:budget-statement-csv": (("csv",), statement),
    "shortbreaks:statement-csv": (("csv",), services_statement),
    "api:uptake-report": (("csv", "xlsx"), uptake),
}


def spreadsheet_routes() -> set[str]:
    found = set()
    for pattern, namespace, entry in _walk(config.urls.urlpatterns, "", ""):
        if "format" in entry.pattern.regex.groupindex:
            continue  # the `.json` twins of API routes
        view = getattr(entry.callback, "view_class", None) or getattr(entry.callback, "cls", None)
        formats = {
            getattr(renderer, "format", "") for renderer in getattr(view, "renderer_classes", [])
        }
        if pattern.rstrip("$/").endswith((".csv", ".xlsx")) or formats & {"csv", "xlsx"}:
            namespace = "api:" if pattern.startswith("api/") and not namespace else namespace
            found.add(f"{namespace}{entry.name}")
    return found


def test_every_route_that_answers_a_spreadsheet_is_in_the_table():
    assert spreadsheet_routes() == set(SPREADSHEETS)


def cells_of(response, fmt: str) -> list[tuple[str, object]]:
    """(how a spreadsheet program takes it, the value) for every cell of the download."""
    if fmt == "csv":
        rows = csv.reader(io.StringIO(response.content.decode()))
        return [("text", cell) for row in rows for cell in row]
    book = load_workbook(io.BytesIO(response.content))
    return [
        (cell.data_type, cell.value)
        for sheet in book
        for row in sheet.iter_rows()
        for cell in row
        if cell.value is not None
    ]


@pytest.mark.parametrize(
    ("key", "fmt"), [(key, fmt) for key, (formats, _) in SPREADSHEETS.items() for fmt in formats]
)
def test_no_cell_of_any_download_is_run_as_a_formula(team, key, fmt):
    user, url, params = SPREADSHEETS[key][1](team)
    client = APIClient()
    if user is not None:
        client.force_authenticate(user)

    asked = {} if url.endswith(f".{fmt}") else {"format": fmt}
    response = client.get(url, params | asked)

    assert response.status_code == 200, response.content[:300]
    cells = cells_of(response, fmt)
    values = [str(value) for _, value in cells]
    if fmt == "csv":
        unescaped = [
            value
            for value in values
            if value.startswith(FORMULA_STARTS) and not is_number_text(value)
        ]
        assert not unescaped
        assert "'=1+1" in values  # the seeded text did reach the file, escaped
    else:
        assert not [value for kind, value in cells if kind == "f"]
        assert "=1+1" in values  # kept as it is, as a text cell
    numbers = [value for value in values if is_number_text(value) and value.startswith("-")]
    assert all(not value.startswith("'") for value in numbers)


def test_negative_numbers_and_decimals_stay_numbers():
    from workflows.exports import csv_text

    written = csv_text([[Decimal("-12.50"), -3, "-4.5", "-4+5", "=A1", None]])

    assert written.strip() == "-12.50,-3,-4.5,'-4+5,'=A1,"


@pytest.mark.parametrize("suffix", ["csv", "pdf"])
def test_a_quote_or_line_break_in_a_childs_name_still_downloads_the_statement(
    team, practitioner, suffix
):
    child = ChildFactory(team=team, given_name='Ann "Bo"\r\nX-Evil: 1', family_name="Zoë")
    budget = ActiveBudgetFactory(child=child, start_on=dt.date(2026, 4, 1))
    client = APIClient()
    client.force_authenticate(practitioner)

    response = client.get(f"/api/v1/budgets/{budget.pk}/statement.{suffix}")

    assert response.status_code == 200
    header = response["Content-Disposition"]
    assert header.startswith("attachment; filename*=utf-8''budget-statement-Ann%20%22Bo%22%0D%0A")
    assert "\r" not in header
    assert "\n" not in header
    assert "X-Evil" not in response


def test_a_plain_name_is_a_quoted_ascii_filename(team, practitioner):
    child = ChildFactory(team=team, given_name="Amelia", family_name="Jones")
    budget = ActiveBudgetFactory(child=child, start_on=dt.date(2026, 4, 1))
    client = APIClient()
    client.force_authenticate(practitioner)

    response = client.get(f"/api/v1/budgets/{budget.pk}/statement.csv")

    assert response["Content-Disposition"] == (
        'attachment; filename="budget-statement-Amelia-Jones-2026-27.csv"'
    )


def test_sen2_keeps_a_formula_like_value_as_recorded_and_flags_it(team, tmp_path):
    from tests.factories import PlanFactory

    child = ChildFactory(team=team, family_name="=HYPERLINK(1)", given_name="Ann")
    PlanFactory(child=child, requested_on=dt.date(2025, 3, 1))
    admin = UserFactory(is_superuser=True)

    call_command("export_sen2", year=2026, out=tmp_path, user=admin.email, stdout=io.StringIO())

    person = list(csv.DictReader((tmp_path / "sen2_person.csv").open(encoding="utf-8")))
    assert person[0]["surname"] == "=HYPERLINK(1)"
    problems = list(csv.DictReader((tmp_path / "sen2_validation.csv").open(encoding="utf-8")))
    flagged = [row for row in problems if row["field"] == "surname"]
    assert flagged == [
        {
            "module": "person",
            "tableid": "1",
            "child_id": str(child.pk),
            "field": "surname",
            "problem": "Starts like a spreadsheet formula: correct the record.",
        }
    ]
