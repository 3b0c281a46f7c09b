"""The counting rules of DESIGN §5 that the statutory clock issue adds to workflows.clock."""

from __future__ import annotations

import datetime as dt

import pytest

from workflows import clock

D = dt.date


@pytest.mark.parametrize(
    ("start", "months", "last_day"),
    [
        (D(2024, 2, 29), 12, D(2025, 2, 27)),  # the example: rolled back, then −1 day
        (D(2025, 9, 1), 12, D(2026, 8, 31)),  # the day before the anniversary, not on it
        (D(2027, 8, 31), 12, D(2028, 8, 30)),
        (D(2027, 2, 28), 12, D(2028, 2, 27)),  # into a leap year: 28 February exists
        (D(2027, 8, 31), 6, D(2028, 2, 28)),  # 31 August + 6 months = 29 February 2028
        (D(2026, 12, 31), 2, D(2027, 2, 27)),  # rolled back to 28 February 2027
        (D(2026, 1, 31), 1, D(2026, 2, 27)),
        (D(2026, 3, 1), 3, D(2026, 5, 31)),  # a month end reached exactly
    ],
)
def test_last_day_of_months_starting_with_is_the_day_before_the_same_date_on(
    start, months, last_day
):
    assert clock.last_day_of_months_starting_with(start, months) == last_day


@pytest.mark.parametrize(
    ("start", "days", "last_day"),
    [
        (D(2026, 3, 20), 15, D(2026, 4, 3)),  # a Friday: DESIGN's example, Good Friday last
        (D(2028, 2, 20), 15, D(2028, 3, 5)),  # through 29 February 2028
        (D(2026, 12, 24), 15, D(2027, 1, 7)),  # bank holidays count like any day
    ],
)
def test_days_beginning_with_count_the_first_day(start, days, last_day):
    assert clock.days_beginning_with(start, days) == last_day


@pytest.mark.parametrize(
    ("day", "working_day"),
    [
        (D(2026, 3, 13), D(2026, 3, 13)),  # a Friday is itself
        (D(2026, 3, 14), D(2026, 3, 13)),  # Saturday → Friday 13 March
        (D(2026, 3, 15), D(2026, 3, 13)),  # Sunday → Friday
        (D(2026, 4, 6), D(2026, 4, 2)),  # Easter Monday → Thursday before Good Friday
        (D(2026, 12, 28), D(2026, 12, 24)),  # the Boxing Day substitute → Christmas Eve
    ],
)
def test_last_working_day_on_or_before_skips_weekends_and_bank_holidays(day, working_day):
    assert clock.last_working_day_on_or_before(day) == working_day
