"""The resource allocation system: how a scored questionnaire becomes an indicative budget.

Pure arithmetic on Decimals, so that the family can be shown every line of the working.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from budgets import periods


@dataclass(frozen=True)
class DomainLine:
    key: str
    label: str
    score: int
    max_score: int
    points: int


@dataclass(frozen=True)
class Working:
    scheme_id: int
    scheme_version: int
    lines: list[DomainLine]
    total_points: int
    price_per_point: Decimal
    raw_amount: Decimal
    floor: Decimal
    ceiling: Decimal
    annual_amount: Decimal
    limited_by: str
    start_on: dt.date | None
    end_on: dt.date | None
    indicative_amount: Decimal

    def as_dict(self) -> dict[str, Any]:
        return {
            "scheme": self.scheme_id,
            "scheme_version": self.scheme_version,
            "lines": [line.__dict__ for line in self.lines],
            "total_points": self.total_points,
            "price_per_point": str(self.price_per_point),
            "raw_amount": str(self.raw_amount),
            "floor": str(self.floor),
            "ceiling": str(self.ceiling),
            "limited_by": self.limited_by,
            "annual_amount": str(self.annual_amount),
            "start_on": self.start_on.isoformat() if self.start_on else None,
            "end_on": self.end_on.isoformat() if self.end_on else None,
            "indicative_amount": str(self.indicative_amount),
        }


class AnswersInvalid(ValueError):
    def __init__(self, fields: dict[str, list[str]]) -> None:
        super().__init__("The answers are not valid")
        self.fields = fields


def score(
    scheme: Any,
    domains: list[Any],
    answers: dict[str, Any],
    *,
    start_on: dt.date | None = None,
    end_on: dt.date | None = None,
) -> Working:
    """Score `answers` ({domain key: score}) against a scheme version and its domains.

    Points per domain × price per point, then the floor and ceiling; pro rata when the budget
    starts part-way through the financial year.
    """
    errors: dict[str, list[str]] = {}
    known = {domain.key for domain in domains}
    for key in answers:
        if key not in known:
            errors[key] = ["This scheme has no such question."]
    lines = []
    for domain in domains:
        value = answers.get(domain.key)
        if isinstance(value, bool) or not isinstance(value, int):
            errors[domain.key] = [f"Give a whole-number score from 0 to {domain.max_score}."]
            continue
        if not 0 <= value <= domain.max_score:
            errors[domain.key] = [f"The score must be from 0 to {domain.max_score}."]
            continue
        lines.append(
            DomainLine(
                domain.key, domain.label, value, domain.max_score, value * domain.points_per_score
            )
        )
    if errors:
        raise AnswersInvalid(errors)
    total_points = sum(line.points for line in lines)
    raw = (scheme.price_per_point * total_points).quantize(Decimal("0.01"))
    annual, limited_by = raw, ""
    if raw < scheme.floor:
        annual, limited_by = scheme.floor, "floor"
    elif raw > scheme.ceiling:
        annual, limited_by = scheme.ceiling, "ceiling"
    indicative = annual
    if start_on is not None and end_on is not None:
        indicative = periods.pro_rata(annual, start_on, end_on)
    return Working(
        scheme_id=scheme.pk,
        scheme_version=scheme.version,
        lines=lines,
        total_points=total_points,
        price_per_point=scheme.price_per_point,
        raw_amount=raw,
        floor=scheme.floor,
        ceiling=scheme.ceiling,
        annual_amount=annual,
        limited_by=limited_by,
        start_on=start_on,
        end_on=end_on,
        indicative_amount=indicative,
    )
