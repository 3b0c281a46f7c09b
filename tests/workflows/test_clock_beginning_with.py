"""The clock's periods "beginning with" a day: working days (SEND Regs 2014 reg 15(2)) and
calendar months (reg 15(5), CFA 2014 s44(1)), the first day counted."""

from __future__ import annotations

import datetime as dt

import pytest

from workflows import clock

D = dt.date


@pytest.mark.parametrize(
    ("start", "days", "last"),
    [
        (D(2026, 12, 7), 15, D(2026, 12, 29)),  # Christmas and Boxing Day (observed 28th)
        (D(2026, 12, 5), 15, D(2026, 12, 29)),  # a Saturday: the Monday is the first
        (D(2027, 3, 26), 1, D(2027, 3, 30)),  # Good Friday: Easter Monday skipped too
        (D(2027, 1, 4), 1, D(2027, 1, 4)),  # a working day is the first of its own period
    ],
)
def test_working_days_beginning_with_count_the_first_day_when_it_is_a_working_day(
    start, days, last
):
    assert clock.working_days_beginning_with(start, days) == last


@pytest.mark.parametrize(
    ("start", "months", "last"),
    [
        (D(2026, 11, 2), 3, D(2027, 2, 1)),
        (D(2026, 11, 30), 3, D(2027, 2, 27)),  # 30 February is missing: rolls back
        (D(2024, 2, 29), 12, D(2025, 2, 27)),
        (D(2026, 1, 31), 1, D(2026, 2, 27)),
    ],
)
def test_the_last_day_of_months_starting_with_a_day_is_the_day_before_the_same_date_on(
    start, months, last
):
    assert clock.last_day_of_months_starting_with(start, months) == last
