"""The uptake report as the API and the pages both give it: its parameters read from a query
string, and the report as plain data (JSON, and the rows of the CSV and XLSX exports)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from accounts.models import User
from commissioning import selectors
from commissioning.metrics.catalogue import Breakdown
from workflows.errors import InvalidParams

# The published national figures are shares of England's EHC plans.
COMPARATOR_UNITS = {"percent": "% of plans, England"}


def report_params(query: Any, user: User) -> dict[str, Any]:
    """The report's parameters from a query string, or InvalidParams naming each bad one."""
    errors: dict[str, list[str]] = {}
    plan = None
    plan_id = query.get("plan", "")
    if not str(plan_id).isdecimal():
        errors["plan"] = ["Give the plan's id, a whole number."]
    else:
        plan = selectors.plans_visible_to(user).filter(pk=int(plan_id)).first()
        if plan is None:
            errors["plan"] = [f"There is no plan with id {plan_id}."]
    period = query.get("period", "")
    try:
        selectors.parse_period(period)
    except ValueError:
        errors["period"] = ["Give a financial year like 2026-27."]
    granularity = query.get("granularity") or "quarter"
    if granularity not in selectors.GRANULARITIES:
        errors["granularity"] = ["Choose year, quarter or month."]
    breakdown = query.get("breakdown") or None
    if breakdown is not None and breakdown not in Breakdown.__members__.values():
        errors["breakdown"] = ["Choose age_band, primary_need, team, service_type or agency."]
    fmt = query.get("format")
    if fmt and fmt not in ("json", "csv", "xlsx"):
        errors["format"] = ["Choose json, csv or xlsx."]
    if errors:
        raise InvalidParams(errors, "Check the report's parameters.")
    return {
        "plan": plan,
        "period": period,
        "granularity": granularity,
        "breakdown": Breakdown(breakdown) if breakdown else None,
    }


def _number(value: Any) -> Any:
    """Counts stay integers; rates, money and nights are decimal strings, as everywhere else."""
    if isinstance(value, Decimal):
        return str(value)
    return value


def report_data(report: selectors.UptakeReport) -> dict[str, Any]:
    return {
        "plan": {"id": report.plan.pk, "title": report.plan.title, "slug": report.plan.slug},
        "period": report.period,
        "granularity": report.granularity,
        "breakdown": report.breakdown.value if report.breakdown else None,
        "as_of": report.as_of.isoformat(),
        "scope": {"label": report.scope.label, "suppressed": report.scope.suppressed},
        "periods": report.trend_periods,
        "themes": [
            {
                "id": section.theme.pk,
                "title": section.theme.title,
                "outcomes": [outcome.text for outcome in section.outcomes],
                "measures": [_measure_data(row) for row in section.measures],
            }
            for section in report.themes
        ],
        "actions": [
            {
                "id": row.action.pk,
                "number": row.action.number,
                "theme": row.theme,
                "text": row.action.text,
                "lead": row.action.lead,
                "due": row.action.due_as_written(),
                "due_on": row.action.due_on.isoformat() if row.action.due_on else None,
                "status": row.action.status,
                "status_label": row.action.get_status_display(),
                "overdue": row.overdue,
                "latest_note": (
                    {
                        "written_on": row.latest_note.written_on.isoformat(),
                        "text": row.latest_note.text,
                    }
                    if row.latest_note
                    else None
                ),
            }
            for row in report.actions
        ],
    }


def _measure_data(row: selectors.MeasureRow) -> dict[str, Any]:
    target = row.target
    comparator = row.comparator
    return {
        "id": row.measure.pk,
        "text": row.measure.text,
        "metric": row.measure.metric or None,
        "label": row.label,
        "unit": row.unit or None,
        "definition": row.definition,
        "actual": _number(row.actual),
        "target": (
            {
                "value": str(target.value),
                "direction": target.direction,
                "baseline": str(target.baseline) if target.baseline is not None else None,
                "illustrative": target.illustrative,
            }
            if target
            else None
        ),
        "variance": _number(row.variance),
        "rag": row.rag,
        "trend": [{"period": label, "value": _number(value)} for label, value in row.trend],
        "comparator": (
            {
                "label": comparator.label,
                "value": str(comparator.value),
                "unit": comparator.unit,
                "unit_label": COMPARATOR_UNITS.get(comparator.unit, ", England"),
                # Only a figure in the same unit can sit beside the council's as its equal: a
                # share of England's plans says nothing about a count of children here.
                "comparable": comparator.unit == row.unit,
                "year": comparator.year,
                "source": comparator.source,
            }
            if comparator
            else None
        ),
        "breakdown": (
            [
                {"group": group, "trend": [_number(v) for v in values], "total": _number(total)}
                for group, values, total in row.breakdown
            ]
            if row.breakdown is not None
            else None
        ),
        "breakdown_note": row.breakdown_note or None,
    }
