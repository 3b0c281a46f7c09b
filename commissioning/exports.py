"""The uptake report as CSV and XLSX, written from the same data as its JSON.

Spreadsheet programs run a cell that starts with `=`, `+`, `-` or `@` as a formula, so free text
from the plan or a progress note could carry one (formula injection): such text is written as
text, with a leading apostrophe in CSV and as an explicit string cell in XLSX. Numbers stay
numbers.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterator
from decimal import Decimal
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Font

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

NUMBER = re.compile(r"-?\d{1,15}(\.\d{1,2})?")

Sheet = tuple[str, list[str], list[list[Any]]]


def as_text(value: Any) -> Any:
    """A cell value as a spreadsheet will read it safely: text that looks like a formula is
    marked as text."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS) and not _is_number(value):
        return "'" + value
    return value


def sheets(report: dict[str, Any]) -> list[Sheet]:
    """The report as tables: measures, their trend, their breakdown, and the actions."""
    measures, trend, breakdown = [], [], []
    for theme in report["themes"]:
        for measure in theme["measures"]:
            target = measure["target"] or {}
            comparator = measure["comparator"] or {}
            measures.append(
                [
                    theme["title"],
                    measure["text"],
                    measure["label"],
                    measure["metric"],
                    measure["actual"],
                    target.get("value"),
                    target.get("direction"),
                    target.get("illustrative"),
                    measure["variance"],
                    measure["rag"],
                    comparator.get("value"),
                    comparator.get("label"),
                    comparator.get("year"),
                    comparator.get("source"),
                ]
            )
            for point in measure["trend"]:
                trend.append(
                    [measure["label"], measure["metric"], point["period"], point["value"]]
                )
            for group in measure["breakdown"] or []:
                for period, value in zip(report["periods"], group["trend"], strict=True):
                    breakdown.append([measure["label"], group["group"], period, value])
    actions = [
        [
            action["number"],
            action["theme"],
            action["text"],
            action["lead"],
            action["due"],
            action["status_label"],
            action["overdue"],
            (action["latest_note"] or {}).get("written_on"),
            (action["latest_note"] or {}).get("text"),
        ]
        for action in report["actions"]
    ]
    tables: list[Sheet] = [
        (
            "Measures",
            [
                "theme",
                "measure",
                "figure",
                "metric",
                "actual",
                "target",
                "direction",
                "illustrative target",
                "variance",
                "rag",
                "national figure",
                "national label",
                "national year",
                "national source",
            ],
            measures,
        ),
        ("Trend", ["figure", "metric", "period", "value"], trend),
        (
            "Actions",
            [
                "number",
                "theme",
                "action",
                "lead",
                "due",
                "status",
                "overdue",
                "latest note date",
                "latest note",
            ],
            actions,
        ),
    ]
    if report["breakdown"]:
        tables.insert(
            2, ("Breakdown", ["figure", report["breakdown"], "period", "value"], breakdown)
        )
    return tables


def _about(report: dict[str, Any]) -> list[list[Any]]:
    return [
        ["Plan", report["plan"]["title"]],
        ["Financial year", report["period"]],
        ["Figures as of", report["as_of"]],
        ["Scope", report["scope"]["label"]],
        [
            "Small numbers",
            "Counts from 1 to 5 are shown as c, with other cells hidden so they cannot be worked "
            "out; rates are hidden with their counts."
            if report["scope"]["suppressed"]
            else "Not suppressed: for council staff only. Do not publish.",
        ],
    ]


def _csv_rows(report: dict[str, Any]) -> Iterator[list[Any]]:
    yield from _about(report)
    for title, header, rows in sheets(report):
        yield []
        yield [title]
        yield header
        yield from rows


def to_csv(report: dict[str, Any]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    for row in _csv_rows(report):
        writer.writerow(["" if value is None else as_text(value) for value in row])
    return buffer.getvalue()


def to_xlsx(report: dict[str, Any]) -> bytes:
    book = Workbook()
    about = book.active
    about.title = "About"
    for row in _about(report):
        _append(about, row)
    for title, header, rows in sheets(report):
        sheet = book.create_sheet(title)
        sheet.append(header)
        for cell in sheet[1]:
            cell.font = Font(bold=True)
        for row in rows:
            _append(sheet, row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _append(sheet: Any, row: list[Any]) -> None:
    sheet.append([_xlsx_value(value) for value in row])
    for cell in sheet[sheet.max_row]:
        if isinstance(cell.value, str):
            # Set after assignment: openpyxl would otherwise store "=..." as a formula.
            cell.data_type = "s"
            cell.quotePrefix = cell.value.startswith(FORMULA_STARTS)


def _xlsx_value(value: Any) -> Any:
    """Numbers the report sends as decimal strings ("46.4") become numbers in the sheet."""
    if isinstance(value, str) and _is_number(value):
        return Decimal(value) if "." in value else int(value)
    return value


def _is_number(text: str) -> bool:
    return bool(NUMBER.fullmatch(text))
