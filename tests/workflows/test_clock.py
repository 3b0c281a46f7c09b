import datetime as dt

import pytest
import time_machine

from workflows import clock

D = dt.date


@pytest.mark.parametrize(
    ("start", "days", "expected"),
    [
        (D(2026, 12, 18), 1, D(2026, 12, 21)),  # Friday to Monday
        (D(2026, 12, 19), 1, D(2026, 12, 21)),  # from a Saturday the next working day is Monday
        (D(2026, 12, 24), 1, D(2026, 12, 29)),  # Christmas Day and Boxing Day (substitute 28th)
        (D(2026, 12, 31), 1, D(2027, 1, 4)),  # New Year's Day 2027 is a Friday
        (D(2027, 12, 24), 1, D(2027, 12, 29)),  # 2027: both holidays fall at a weekend
        (D(2026, 4, 2), 1, D(2026, 4, 7)),  # Easter 2026: Good Friday 3rd, Easter Monday 6th
        (D(2027, 3, 25), 1, D(2027, 3, 30)),  # Easter 2027: Good Friday 26th, Monday 29th
        (D(2026, 5, 1), 1, D(2026, 5, 5)),  # early May bank holiday, 4 May 2026
        (D(2026, 5, 22), 1, D(2026, 5, 26)),  # spring bank holiday, 25 May 2026
        (D(2026, 8, 28), 1, D(2026, 9, 1)),  # summer bank holiday, 31 August 2026
        (D(2026, 12, 14), 20, D(2027, 1, 14)),  # twenty working days across the holidays
        (D(2026, 12, 21), -1, D(2026, 12, 18)),  # counting backwards
        (D(2026, 6, 10), 0, D(2026, 6, 10)),
    ],
)
def test_add_working_days_skips_weekends_and_bank_holidays(start, days, expected):
    assert clock.add_working_days(start, days) == expected


def test_one_working_day_after_friday_18_december_2026_is_monday_21st():
    assert clock.add_working_days(D(2026, 12, 18), 1) == D(2026, 12, 21)


@pytest.mark.parametrize(
    "day",
    [
        D(2026, 1, 1),
        D(2026, 4, 3),
        D(2026, 4, 6),
        D(2026, 5, 4),
        D(2026, 5, 25),
        D(2026, 8, 31),
        D(2026, 12, 25),
        D(2026, 12, 28),
        D(2027, 3, 26),
        D(2027, 3, 29),
        D(2027, 12, 27),
    ],
)
def test_england_and_wales_bank_holidays_are_not_working_days(day):
    assert clock.is_bank_holiday(day)
    assert not clock.is_working_day(day)


def test_scottish_only_holidays_are_working_days_in_england():
    assert clock.is_working_day(D(2026, 1, 2))  # 2 January is a holiday in Scotland only
    assert clock.is_working_day(D(2026, 11, 30))  # St Andrew's Day


@pytest.mark.parametrize(
    ("start", "months", "expected"),
    [
        (D(2026, 8, 31), 6, D(2027, 2, 28)),  # month end rolls back
        (D(2027, 8, 31), 6, D(2028, 2, 29)),  # leap year
        (D(2028, 2, 29), 12, D(2029, 2, 28)),  # from a leap day
        (D(2024, 2, 29), 48, D(2028, 2, 29)),
        (D(2026, 1, 31), 1, D(2026, 2, 28)),
        (D(2026, 3, 31), 1, D(2026, 4, 30)),
        (D(2026, 11, 30), 3, D(2027, 2, 28)),
        (D(2026, 5, 15), 12, D(2027, 5, 15)),
        (D(2026, 12, 15), 1, D(2027, 1, 15)),  # across a year end
        (D(2026, 3, 15), -3, D(2025, 12, 15)),
    ],
)
def test_add_months_rolls_back_at_month_end(start, months, expected):
    assert clock.add_months(start, months) == expected


def test_add_weeks_counts_calendar_weeks():
    assert clock.add_weeks(D(2026, 12, 18), 6) == D(2027, 1, 29)
    assert clock.add_weeks(D(2026, 9, 1), 20) == D(2027, 1, 19)


def test_add_days_counts_calendar_days_across_holidays():
    assert clock.add_days(D(2026, 12, 20), 15) == D(2027, 1, 4)


def test_today_is_the_date_in_london_not_utc():
    # 23:30 UTC on 30 June is already 1 July in London (BST, UTC+1).
    with time_machine.travel(dt.datetime(2026, 6, 30, 23, 30, tzinfo=dt.UTC), tick=False):
        assert clock.today() == D(2026, 7, 1)
    # In winter London is on UTC.
    with time_machine.travel(dt.datetime(2026, 12, 31, 23, 30, tzinfo=dt.UTC), tick=False):
        assert clock.today() == D(2026, 12, 31)
