"""The range of every date a person can give Pathway (issue #15 item 9).

A date nobody in a children's service could mean — the year 1, the year 9999 — would otherwise go
on to date arithmetic that overflows (`OverflowError`, a 500) or to a report period with no
end. Every date input, in the API and in forms, is checked against one range: from 1 January 1900
(the oldest birth date or record a case could hold) to five years after today (the furthest a
plan, a review or a budget is set ahead). A field whose date may not be in the future keeps that
stricter rule as well.
"""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError

from workflows import clock

EARLIEST = dt.date(1900, 1, 1)
YEARS_AHEAD = 5


def latest(today: dt.date | None = None) -> dt.date:
    return clock.add_months(today or clock.today(), 12 * YEARS_AHEAD)


def date_out_of_bounds(value: dt.date) -> str | None:
    """A sentence saying the range, for a date outside it; None for one inside."""
    furthest = latest()
    if EARLIEST <= value <= furthest:
        return None
    return f"Enter a date between {EARLIEST:%-d %B %Y} and {furthest:%-d %B %Y}."


def validate_date_in_bounds(value: dt.date) -> None:
    """A Django validator, for forms and model fields."""
    message = date_out_of_bounds(value)
    if message:
        raise ValidationError(message, code="date_out_of_bounds")


def year_in_bounds(year: int) -> bool:
    """Whether a financial year starting 1 April `year` lies in the range."""
    return EARLIEST.year <= year <= latest().year
