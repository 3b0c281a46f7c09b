"""The statutory clock: every date rule of DESIGN §5 in one place.

Working days skip Saturdays, Sundays and England & Wales bank holidays. The bank holidays come from
the `holidays` package, which ships its calendars, so nothing is fetched at run time. Weeks and
months are calendar weeks and months; adding months to a day that the target month lacks rolls
back to that month's last day (31 August + 6 months = 28 or 29 February).
"""

from __future__ import annotations

import calendar
import datetime as dt
from functools import lru_cache

import holidays
from django.utils import timezone


@lru_cache(maxsize=64)
def _bank_holidays(year: int) -> frozenset[dt.date]:
    calendar_ = holidays.country_holidays("GB", subdiv="ENG", years=year)
    return frozenset(calendar_.keys())


def is_bank_holiday(day: dt.date) -> bool:
    return day in _bank_holidays(day.year)


def is_working_day(day: dt.date) -> bool:
    return day.weekday() < 5 and not is_bank_holiday(day)


def add_working_days(start: dt.date, days: int) -> dt.date:
    """The date `days` working days after `start` (before it, for a negative count).

    `start` itself never counts, whether or not it is a working day: one working day after
    Friday 18 December 2026 is Monday 21 December.
    """
    step = 1 if days >= 0 else -1
    remaining = abs(days)
    day = start
    while remaining:
        day += dt.timedelta(days=step)
        if is_working_day(day):
            remaining -= 1
    return day


def add_days(start: dt.date, days: int) -> dt.date:
    return start + dt.timedelta(days=days)


def days_beginning_with(start: dt.date, days: int) -> dt.date:
    """The last day of the `days` days beginning with `start`: `start` is the first of them.

    15 days beginning with Friday 20 March 2026 end on Friday 3 April 2026 (SEND Regs 2014
    reg 13(1)). Calendar days: weekends and bank holidays count.
    """
    if days < 1:
        raise ValueError("A period has at least one day.")
    return start + dt.timedelta(days=days - 1)


def add_weeks(start: dt.date, weeks: int) -> dt.date:
    return start + dt.timedelta(weeks=weeks)


def add_months(start: dt.date, months: int) -> dt.date:
    """Calendar months later, rolling back to the month's last day where the day is missing."""
    month_index = start.month - 1 + months
    year = start.year + month_index // 12
    month = month_index % 12 + 1
    last_day = calendar.monthrange(year, month)[1]
    return dt.date(year, month, min(start.day, last_day))


def last_day_of_months_starting_with(start: dt.date, months: int) -> dt.date:
    """The last day of the period of `months` months starting with `start` (`start` counts).

    `(start + months) − 1 day`, where adding the months rolls back at a month end as
    `add_months` does. Children and Families Act 2014 s44(1) ("the period of 12 months starting
    with the date on which the plan was first made"): 1 September 2025 → 31 August 2026, and
    29 February 2024 → 28 February 2025 → 27 February 2025 (DESIGN §5 counting rules; the
    earlier of the two readings of a missing corresponding date, so the council is never late).
    """
    return add_months(start, months) - dt.timedelta(days=1)


def last_working_day_on_or_before(day: dt.date) -> dt.date:
    """`day` itself when it is a working day, else the working day before it. A statutory due
    date on a weekend or bank holiday stays where it is; pages name this day as the last one on
    which the office is open."""
    while not is_working_day(day):
        day -= dt.timedelta(days=1)
    return day


def today() -> dt.date:
    """Today in the council's time zone (Europe/London), not UTC."""
    return timezone.localdate()


def working_days_beginning_with(start: dt.date, days: int) -> dt.date:
    """The last day of the `days` working days beginning with `start`: `start` is the first of
    them when it is a working day (15 working days beginning with Monday 7 December 2026 end on
    Tuesday 29 December, Christmas and the Boxing Day holiday skipped); otherwise the next
    working day is."""
    day = start
    counted = 1 if is_working_day(start) else 0
    while counted < days:
        day += dt.timedelta(days=1)
        if is_working_day(day):
            counted += 1
    return day
