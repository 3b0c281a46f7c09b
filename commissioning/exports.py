"""The uptake report as CSV and XLSX, written from the same data as its JSON, by the one export
writer (`workflows.exports`), which writes text that looks like a formula as text."""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal
from typing import Any

from commissioning.models import Direction
from commissioning.templatetags.figures import RAG_TAGS
from workflows.exports import XLSX_TYPE, csv_text, is_number_text, xlsx_bytes

__all__ = ["XLSX_TYPE", "sheets", "to_csv", "to_xlsx"]

Sheet = tuple[str, list[str], list[list[Any]]]


def _yes_no(value: bool | None) -> str | None:
    """A spreadsheet is read by people: "Yes" and "No", not TRUE and FALSE."""
    if value is None:
        return None
    return "Yes" if value else "No"


def _direction(value: str | None) -> str | None:
    return Direction(value).label.lower() if value else None


def _rag(value: str | None) -> str | None:
    return RAG_TAGS[value][1] if value in RAG_TAGS else None


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
                    _direction(target.get("direction")),
                    _yes_no(target.get("illustrative")),
                    measure["variance"],
                    _rag(measure["rag"]),
                    comparator.get("value"),
                    comparator.get("unit_label"),
                    _yes_no(comparator.get("comparable")),
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
            _yes_no(action["overdue"]),
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
                "against target",
                "national figure",
                "national unit",
                "same measure as actual",
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
    return csv_text(_csv_rows(report))


def to_xlsx(report: dict[str, Any]) -> bytes:
    about: Sheet = ("About", [], _about(report))
    return xlsx_bytes(
        (title, header, [[_xlsx_value(value) for value in row] for row in rows])
        for title, header, rows in [about, *sheets(report)]
    )


def _xlsx_value(value: Any) -> Any:
    """Numbers the report sends as decimal strings ("46.4") become numbers in the sheet."""
    if isinstance(value, str) and is_number_text(value):
        return Decimal(value) if "." in value else int(value)
    return value
