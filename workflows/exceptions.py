"""Whether the facts given make a ground of SEND Regulations 2014 reg 10(4) (DESIGN §5).

Reg 10(4), applied to the 6 weeks by reg 5(4), to the 20 weeks by reg 13(3) and to a
re-assessment's 14 weeks by reg 27(3), lets the council miss a time limit only where it is
impractical to meet it because:

(a) it asked advice of the head teacher or principal of a school or post-16 institution "during
    a period beginning one week before any date on which that school or institution was closed
    for a continuous period of not less than 4 weeks from that date and ending one week before
    the date on which it re-opens";
(b) the same, of the person responsible for the child's education at a provider of relevant early
    years education;
(c) exceptional personal circumstances affect the child or the child's parent, or the young
    person, during that time period; or
(d) the child or the child's parent, or the young person, are absent from the area of the
    authority for a continuous period of not less than 4 weeks during that time period.

Nothing else is a ground: advice arriving late from anyone is not one.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from workflows.models import StatutoryException

FOUR_WEEKS = dt.timedelta(weeks=4)
ONE_WEEK = dt.timedelta(weeks=1)
CLOSURES = (StatutoryException.SETTING_CLOSED, StatutoryException.EARLY_YEARS_CLOSED)


@dataclass(frozen=True)
class Facts:
    """The dates an exception rests on; each ground needs its own (None where not given).

    `closed_to` and `away_to` are the last day closed and the last day away: a setting closed to
    31 July re-opens on 1 August."""

    advice_requested_on: dt.date | None = None
    closed_from: dt.date | None = None
    closed_to: dt.date | None = None
    away_from: dt.date | None = None
    away_to: dt.date | None = None


REQUIRED: dict[str, tuple[str, ...]] = {
    StatutoryException.SETTING_CLOSED: ("closed_from", "closed_to", "advice_requested_on"),
    StatutoryException.EARLY_YEARS_CLOSED: ("closed_from", "closed_to", "advice_requested_on"),
    StatutoryException.EXCEPTIONAL_CIRCUMSTANCES: (),
    StatutoryException.AWAY_FROM_AREA: ("away_from", "away_to"),
}

MISSING = {
    "advice_requested_on": "Enter the date the advice was asked for.",
    "closed_from": "Enter the first day the setting was closed.",
    "closed_to": "Enter the last day the setting was closed.",
    "away_from": "Enter the first day away from the area.",
    "away_to": "Enter the last day away from the area.",
}


def _continuous_days(first: dt.date, last: dt.date) -> dt.timedelta:
    return last - first + dt.timedelta(days=1)


def ground_refusals(
    ground: str, facts: Facts, *, opened_on: dt.date, due_on: dt.date
) -> dict[str, list[str]]:
    """Each field whose date does not make `ground`, with why; empty when the ground is made.

    `opened_on` and `due_on` bound "that time period" of (d): the time limit itself."""
    if ground not in REQUIRED:
        return {
            "exception": [
                "Choose one of the grounds in regulation 10(4): a school or post-16 institution "
                "closed, an early years provider closed, exceptional personal circumstances, or "
                "away from the area. Late advice is not a ground."
            ]
        }
    missing = {name: [MISSING[name]] for name in REQUIRED[ground] if getattr(facts, name) is None}
    if missing:
        return missing
    if ground in CLOSURES and facts.closed_from and facts.closed_to and facts.advice_requested_on:
        return _closure_refusals(facts.closed_from, facts.closed_to, facts.advice_requested_on)
    if ground == StatutoryException.AWAY_FROM_AREA and facts.away_from and facts.away_to:
        return _away_refusals(facts.away_from, facts.away_to, opened_on=opened_on, due_on=due_on)
    return {}


def _closure_refusals(
    closed_from: dt.date, closed_to: dt.date, advice_requested_on: dt.date
) -> dict[str, list[str]]:
    if closed_to < closed_from:
        return {"closed_to": ["The last day closed must be on or after the first."]}
    if _continuous_days(closed_from, closed_to) < FOUR_WEEKS:
        return {
            "closed_to": [
                "The setting must have been closed for a continuous period of at least 4 weeks "
                "(regulation 10(4))."
            ]
        }
    reopens = closed_to + dt.timedelta(days=1)
    earliest, latest = closed_from - ONE_WEEK, reopens - ONE_WEEK
    if not earliest <= advice_requested_on <= latest:
        return {
            "advice_requested_on": [
                f"The advice must have been asked for between {earliest:%-d %B %Y} (1 week before "
                f"the closure) and {latest:%-d %B %Y} (1 week before it re-opened)."
            ]
        }
    return {}


def _away_refusals(
    away_from: dt.date, away_to: dt.date, *, opened_on: dt.date, due_on: dt.date
) -> dict[str, list[str]]:
    if away_to < away_from:
        return {"away_to": ["The last day away must be on or after the first."]}
    if _continuous_days(away_from, away_to) < FOUR_WEEKS:
        return {
            "away_to": [
                "The absence from the area must be a continuous period of at least 4 weeks "
                "(regulation 10(4)(d))."
            ]
        }
    if away_to < opened_on or away_from > due_on:
        return {
            "away_from": [
                f"The absence must fall within the time limit, {opened_on:%-d %B %Y} to "
                f"{due_on:%-d %B %Y}."
            ]
        }
    return {}
