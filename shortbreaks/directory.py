"""The public directory of short breaks: what a visitor's query string asks for, and the words the
results, each service's page and the CSV download use for costs, days, times and places.

A visitor's address bar is not a form they can correct: a filter value the directory cannot use
(an age of 30, a type of short break it does not know, a parameter from an old link) is left out
and named in a message, and the rest of the search still runs. The page never answers 400.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.http import QueryDict
from django.utils.http import urlencode

from shortbreaks.models import Access, Need, Service, ServiceType, Weekday
from workflows.templatetags.govuk import money
from workflows.text import forbidden_character

MAX_AGE = 25
MAX_SEARCH = 200
PER_PAGE = 20
COSTS = {"free": "Free", "charged": "Costs something"}
# Parameters the page reads besides its filters.
OTHER_PARAMETERS = {"page"}


def _shown(value: str) -> str:
    """A visitor's value as quoted back in a message: short, whatever was sent."""
    return f"“{value[:40]}…”" if len(value) > 40 else f"“{value}”"


@dataclass(frozen=True)
class DirectoryFilters:
    """What the visitor asked for, every value one the directory knows."""

    q: str = ""
    types: tuple[str, ...] = ()
    age: int | None = None
    needs: tuple[str, ...] = ()
    access: tuple[str, ...] = ()
    cost: str = ""
    days: tuple[str, ...] = ()
    ignored: tuple[str, ...] = field(default=(), compare=False)
    # Shown at the age box too: a typed age is the one filter a visitor corrects by hand.
    age_error: str = field(default="", compare=False)

    def selection(self) -> dict[str, Any]:
        """The keyword arguments of `selectors.public_services`."""
        return {
            "q": self.q,
            "types": self.types,
            "age": self.age,
            "needs": self.needs,
            "access": self.access,
            "cost": self.cost,
            "days": self.days,
        }

    def pairs(self) -> list[tuple[str, str]]:
        pairs: list[tuple[str, str]] = []
        if self.q:
            pairs.append(("q", self.q))
        pairs += [("type", value) for value in self.types]
        if self.age is not None:
            pairs.append(("age", str(self.age)))
        pairs += [("need", value) for value in self.needs]
        pairs += [("access", value) for value in self.access]
        if self.cost:
            pairs.append(("cost", self.cost))
        pairs += [("day", value) for value in self.days]
        return pairs

    def urlencode(self) -> str:
        """The filters as a query string, for the pagination links and the CSV download: only
        what was used, so an ignored value is not carried from page to page."""
        return urlencode(self.pairs())

    @property
    def any(self) -> bool:
        return bool(self.pairs())


def _choices(
    params: QueryDict, name: str, known: Iterable[str], what: str, ignored: list[str]
) -> tuple[str, ...]:
    known = set(known)
    chosen: list[str] = []
    for value in params.getlist(name):
        if not value:
            continue
        if value in known:
            if value not in chosen:
                chosen.append(value)
        else:
            ignored.append(f"{_shown(value)} is not {what}.")
    return tuple(chosen)


def _age(params: QueryDict, ignored: list[str]) -> int | None:
    given = [value.strip() for value in params.getlist("age") if value.strip()]
    if not given:
        return None
    for extra in given[1:]:
        ignored.append(f"Age {_shown(extra)}: give one age at a time.")
    value = given[0]
    if value.isascii() and value.isdecimal() and int(value) <= MAX_AGE:
        return int(value)
    ignored.append(f"Age {_shown(value)} is not an age from 0 to {MAX_AGE}.")
    return None


def _search(params: QueryDict, ignored: list[str]) -> str:
    text = " ".join(" ".join(params.getlist("q")).split())
    if len(text) > MAX_SEARCH:
        ignored.append(f"The search words are longer than {MAX_SEARCH} characters.")
        return ""
    problem = forbidden_character(text)
    if problem:
        ignored.append(f"The search words: {problem}")
        return ""
    return text


def directory_filters(params: QueryDict) -> DirectoryFilters:
    """The filters of a query string, and a sentence for each thing it held that they leave out."""
    ignored: list[str] = []
    q = _search(params, ignored)
    types = _choices(params, "type", ServiceType.values, "a type of short break", ignored)
    before = len(ignored)
    age = _age(params, ignored)
    age_error = ignored[before] if len(ignored) > before else ""
    needs = _choices(params, "need", Need.values, "a need the directory lists", ignored)
    access = _choices(params, "access", Access.values, "a way of getting a service", ignored)
    costs = _choices(params, "cost", COSTS, "free or charged", ignored)
    if len(costs) > 1:
        ignored.append("Cost: choose free or charged, not both.")
    days = _choices(params, "day", Weekday.values, "a day of the week", ignored)
    used = {"q", "type", "age", "need", "access", "cost", "day", *OTHER_PARAMETERS}
    ignored += [
        f"{_shown(name)} is not something the directory can search by."
        for name in params
        if name not in used
    ]
    return DirectoryFilters(
        q=q,
        types=types,
        age=age,
        needs=needs,
        access=access,
        cost=costs[0] if len(costs) == 1 else "",
        days=days,
        ignored=tuple(ignored),
        age_error=age_error,
    )


def listed(words: Sequence[str]) -> str:
    """Monday; Monday and Saturday; Monday, Wednesday and Saturday; every day of the week."""
    if len(words) == len(Weekday.values):
        return "Every day"
    if len(words) <= 1:
        return "".join(words)
    return f"{', '.join(words[:-1])} and {words[-1]}"


def clock_time(time: dt.time | None) -> str:
    """A schedule's wall-clock time in London, as GOV.UK writes times: 10am, 5:30pm, midday."""
    if time is None:
        return ""
    if (time.hour, time.minute) == (12, 0):
        return "midday"
    if (time.hour, time.minute) == (0, 0):
        return "midnight"
    hour = time.hour % 12 or 12
    minutes = f":{time.minute:02d}" if time.minute else ""
    return f"{hour}{minutes}{'am' if time.hour < 12 else 'pm'}"


def schedule_words(schedule: Any) -> str:
    """Saturday, 10am to 3pm. Every Saturday in term time"""
    text = listed(schedule.days)
    if schedule.opens_at and schedule.closes_at:
        text += f", {clock_time(schedule.opens_at)} to {clock_time(schedule.closes_at)}"
    elif schedule.opens_at:
        text += f", from {clock_time(schedule.opens_at)}"
    if schedule.description:
        # As the provider wrote it: lowering its first letter would lower a name ("Strood hub").
        text += f". {schedule.description}"
    return text


def days_run(service: Service) -> list[str]:
    """The days of the week the service runs on, Monday first, from its (prefetched) schedules."""
    codes = {code for schedule in service.schedules.all() for code in schedule.byday.split(",")}
    return [label for code, label in Weekday.choices if code in codes]


def family_cost(service: Service) -> str:
    """What a family pays, in one line: Free, or the amounts of the charged options."""
    charged = [option for option in service.cost_options.all() if option.amount > 0]
    if not charged:
        return "Free"
    return "; ".join(f"{money(option.amount)} {option.option.lower()}" for option in charged)


def cost_option_words(option: Any) -> str:
    amount = "Free" if option.amount == 0 else money(option.amount)
    words = f"{option.option}: {amount}"
    if option.amount_description:
        words += f" ({option.amount_description})"
    return words


def places(service: Service) -> list[str]:
    """Where the service runs: each place's name and postcode, from prefetched locations."""
    return [
        f"{at.location.name}, {at.location.city} {at.location.postcode}"
        for at in service.at_locations.all()
    ]


CSV_HEADER = [
    "Type",
    "Service",
    "Provider",
    "Setting",
    "Access",
    "Ages",
    "Unit",
    "Cost per unit",
    "Places a day",
    "Cost to the family",
    "Days",
    "Where",
    "Information checked on",
    "Status",
    "Description",
]


def csv_rows(services: Iterable[Service]) -> Iterable[list[Any]]:
    """The directory as spreadsheet rows, for `workflows.exports.csv_download` to escape."""
    for service in services:
        yield [
            service.get_type_display(),
            service.name,
            service.provider.name,
            service.setting.replace("_", "-"),
            service.get_access_display(),
            f"{service.min_age} to {service.max_age}",
            service.unit,
            f"{service.unit_cost:.2f}",
            service.capacity,
            family_cost(service),
            listed(days_run(service)),
            "; ".join(places(service)),
            service.assured_on.isoformat() if service.assured_on else "",
            service.published_status,
            service.description,
        ]
