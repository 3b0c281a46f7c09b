"""Financial years (1 April to 31 March) and the pro rata share of a year's budget."""

from __future__ import annotations

import datetime as dt
import re
from decimal import ROUND_HALF_UP, Decimal

from workflows import bounds

PERIOD_PATTERN = re.compile(r"^(\d{4})-(\d{2})$")


def start_of(day: dt.date) -> dt.date:
    """1 April of the financial year `day` falls in."""
    year = day.year if day.month >= 4 else day.year - 1
    return dt.date(year, 4, 1)


def end_of(period_start: dt.date) -> dt.date:
    return dt.date(period_start.year + 1, 3, 31)


def label(period_start: dt.date) -> str:
    """`2026-27` for the year from 1 April 2026."""
    return f"{period_start.year}-{(period_start.year + 1) % 100:02d}"


def parse(text: str) -> dt.date:
    """`2026-27` → 1 April 2026; ValueError for anything else."""
    match = PERIOD_PATTERN.match(text or "")
    if not match or (int(match[1]) + 1) % 100 != int(match[2]):
        raise ValueError("Give the financial year like 2026-27.")
    year = int(match[1])
    if not bounds.year_in_bounds(year):
        # Years 1 to 5 or 9999 would overflow the date arithmetic of reports and statements.
        first, last = bounds.EARLIEST.year, bounds.latest().year
        raise ValueError(
            f"Give a financial year from {label(dt.date(first, 4, 1))} "
            f"to {label(dt.date(last, 4, 1))}."
        )
    return dt.date(year, 4, 1)


def pro_rata(annual: Decimal, start_on: dt.date, end_on: dt.date) -> Decimal:
    """The share of `annual` for the days from `start_on` to `end_on`, both included, in pence."""
    period_start = start_of(start_on)
    days_in_year = (end_of(period_start) - period_start).days + 1
    days = (end_on - start_on).days + 1
    share = annual * Decimal(days) / Decimal(days_in_year)
    return share.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
