"""`clock.days_beginning_with`: the last day of N days beginning with a day (DESIGN §5 counting;
SEND Regs 2014 reg 13(1) and reg 22(2)(c), "15 days, beginning with the day ... served")."""

from __future__ import annotations

import datetime as dt

import pytest

from workflows import clock

D = dt.date


@pytest.mark.parametrize(
    ("start", "days", "last"),
    [
        (D(2026, 3, 20), 15, D(2026, 4, 3)),  # a Friday: weekends and Good Friday count
        (D(2026, 1, 25), 15, D(2026, 2, 8)),  # over a month end
        (D(2026, 12, 24), 15, D(2027, 1, 7)),  # over Christmas and a year end
        (D(2028, 2, 15), 15, D(2028, 2, 29)),  # ends on 29 February
        (D(2028, 2, 29), 15, D(2028, 3, 14)),  # begins on 29 February
        (D(2027, 2, 15), 15, D(2027, 3, 1)),  # no 29 February in 2027
        (D(2026, 3, 20), 1, D(2026, 3, 20)),  # one day beginning with X is X
    ],
)
def test_last_day_of_n_days_beginning_with(start, days, last):
    assert clock.days_beginning_with(start, days) == last


def test_a_period_of_no_days_is_refused():
    with pytest.raises(ValueError, match="at least one day"):
        clock.days_beginning_with(D(2026, 3, 20), 0)
