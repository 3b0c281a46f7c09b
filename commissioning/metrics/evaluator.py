"""How a metric of the catalogue becomes figures, each one aggregate query in the database.

`evaluate()` turns a metric's source into one query with a conditional aggregate per period
("bucket"), so the number of queries never depends on the data: one for the totals and one more
for a breakdown.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.db.models import (
    Case,
    CharField,
    Count,
    DecimalField,
    Expression,
    F,
    Q,
    QuerySet,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Coalesce

from budgets import periods
from casework.models import PrimaryNeed
from casework.models.advice import Agency
from commissioning.metrics.catalogue import AGE_BANDS, METRICS, Breakdown, Counting, Source, Unit
from shortbreaks.models import ServiceType
from workflows.prepared import Parameter, prepared_rows


@dataclass(frozen=True)
class Bucket:
    """A period a figure is computed for: a financial year, a quarter or a month."""

    label: str
    start: dt.date
    end: dt.date
    granularity: str

    def as_of(self, today: dt.date) -> dt.date:
        """The day a snapshot is taken: the last day, or today for a period not yet over."""
        return min(self.end, today)

    @property
    def age_day(self) -> dt.date:
        """The day ages are taken on: the last day of the financial year the period is in, for
        its quarters and months alike, whichever report asks and whenever. So a child is in one
        age band for the whole year, the bands of the months add up to the quarter's, and no two
        reports show one period's band with different figures (DESIGN §7)."""
        return periods.end_of(periods.start_of(self.start))


def year_buckets(year_start: dt.date) -> list[Bucket]:
    """The financial year from `year_start`, its quarters and its months: one tree of periods."""
    year = Bucket(periods.label(year_start), year_start, periods.end_of(year_start), "year")
    quarters, months = [], []
    for index in range(12):
        first = _add_months(year_start, index)
        last = _add_months(year_start, index + 1) - dt.timedelta(days=1)
        months.append(Bucket(f"{first:%b %Y}", first, last, "month"))
        if index % 3 == 0:
            quarter_end = _add_months(year_start, index + 3) - dt.timedelta(days=1)
            quarters.append(
                Bucket(f"{year.label} Q{index // 3 + 1}", first, quarter_end, "quarter")
            )
    return [year, *quarters, *months]


def _add_months(day: dt.date, months: int) -> dt.date:
    month = day.month - 1 + months
    return dt.date(day.year + month // 12, month % 12 + 1, 1)


TOTAL = "__total__"
AMOUNT: Any = DecimalField(max_digits=14, decimal_places=2)


@dataclass(frozen=True)
class Figures:
    """One cell: `count` is what disclosure control looks at (the figure itself for counts, the
    children covered for sums); `denominator` only for rates; `amount` only for sums."""

    count: int
    denominator: int | None = None
    amount: Decimal | None = None

    def value(self, unit: Unit) -> Decimal | int | None:
        if self.denominator is not None:
            if not self.denominator:
                return None
            share = Decimal(self.count) * 100 / Decimal(self.denominator)
            return share.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
        if self.amount is not None:
            places = Decimal("0.01") if unit == Unit.MONEY else Decimal("0.1")
            return self.amount.quantize(places, rounding=ROUND_HALF_UP)
        return self.count


# {group: {bucket label: figures}}; the group TOTAL is every row.
Table = dict[str, dict[str, Figures]]


def _years_before(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February
        return day.replace(year=day.year - years, day=28)


def age_band_of(date_of_birth: str, on: dt.date) -> Case:
    """The age band on `on`, in SQL: born after the day `upper + 1` years before is younger."""
    return _age_band(date_of_birth, _band_limits(on))


def _band_limits(on: dt.date) -> list[dt.date]:
    return [_years_before(on, upper + 1) for _, upper in AGE_BANDS]


def _age_band(date_of_birth: str, born_after: list[dt.date]) -> Case:
    whens = [
        When(**{f"{date_of_birth}__gt": limit}, then=Value(f"{lower}–{upper}"))
        for (lower, upper), limit in zip(AGE_BANDS, born_after, strict=True)
    ]
    return Case(*whens, default=Value("over 25"), output_field=CharField())


def _paths(source: Source) -> tuple[dict[str, str], dict[str, Coalesce]]:
    """Where to find the child, its birth date and need, and the team, in the source's rows;
    where a row reaches them by one of several paths, annotations that take the one present."""
    wanted = {
        "child": (source.child, ""),
        "dob": (source.child, "__date_of_birth"),
        "need": (source.child, "__primary_need"),
        "team": (source.team, ""),
        "team_name": (source.team, "__name"),
    }
    paths: dict[str, str] = {}
    annotations: dict[str, Coalesce] = {}
    for name, (base, suffix) in wanted.items():
        if isinstance(base, str):
            paths[name] = f"{base}{suffix}"
        else:
            paths[name] = f"_{name}"
            annotations[f"_{name}"] = Coalesce(*(f"{path}{suffix}" for path in base))
    return paths, annotations


def group_expression(
    source: Source, breakdown: Breakdown, on: dt.date, paths: dict[str, str]
) -> Expression | F:
    if breakdown == Breakdown.AGE_BAND:
        return age_band_of(paths["dob"], on)
    if breakdown == Breakdown.PRIMARY_NEED:
        return F(paths["need"])
    if breakdown == Breakdown.TEAM:
        return F(paths["team_name"])
    if breakdown == Breakdown.SERVICE_TYPE and source.service_type:
        return F(source.service_type)
    if breakdown == Breakdown.AGENCY and source.agency is not None:
        return source.agency
    raise ValueError(f"{breakdown} does not apply here")


def group_labels(breakdown: Breakdown) -> dict[str, str]:
    if breakdown == Breakdown.PRIMARY_NEED:
        return dict(PrimaryNeed.choices)
    if breakdown == Breakdown.SERVICE_TYPE:
        return dict(ServiceType.choices)
    if breakdown == Breakdown.AGENCY:
        return dict(Agency.choices)
    return {}


Rows = Callable[..., list[dict[str, Any]]]


def evaluate(
    key: str,
    buckets: list[Bucket],
    *,
    today: dt.date,
    teams: list[int] | None = None,
    breakdown: Breakdown | None = None,
) -> Table:
    """The metric for every bucket, in one query (two with a breakdown). Each query's SQL is
    compiled once per connection for its shape and then only given its dates and teams
    (`workflows.prepared`): compiling the conditional aggregates took Django longer than the
    database took to answer them."""
    return evaluate_with(
        prepared_rows, key, buckets, today=today, teams=teams, breakdown=breakdown
    )


def evaluate_with(
    rows_of: Rows,
    key: str,
    buckets: list[Bucket],
    *,
    today: dt.date,
    teams: list[int] | None = None,
    breakdown: Breakdown | None = None,
) -> Table:
    """`evaluate()` with the rows of each query read by `rows_of(shape, build, **parameters)`,
    which is given the queryset's builder and every value the SQL depends on."""
    found = METRICS[key]
    shape = _Shape(
        key,
        found.source(),
        breakdown,
        tuple(bucket.granularity for bucket in buckets),
        len(_age_days(buckets)) if breakdown == Breakdown.AGE_BAND else 0,
        None if teams is None else len(teams),
    )
    parameters = shape.parameters(buckets, today, teams or [])
    counting, percent = shape.source.counting, found.unit == Unit.PERCENT

    def figures(raw: dict[str, Any]) -> dict[str, Figures]:
        return {
            bucket.label: Figures(
                count=raw[f"n{index}"] or 0,
                denominator=raw.get(f"d{index}") if percent else None,
                amount=Decimal(raw[f"a{index}"] or 0) if counting == Counting.SUM else None,
            )
            for index, bucket in enumerate(buckets)
        }

    if teams is not None and not teams:
        # No team to count for: the figures of no rows, and no query (as Django's own
        # aggregate of an empty IN list).
        return {TOTAL: figures(dict.fromkeys(shape.aggregate_names(), 0))}
    # The total places no row in an age band: its SQL takes no birth dates.
    of_total = {name: value for name, value in parameters.items() if not name.startswith("born")}
    (total,) = rows_of(f"{shape}:total", shape.total, **of_total)
    table: Table = {TOTAL: figures(total)}
    if breakdown == Breakdown.AGE_BAND:
        none = Figures(
            count=0,
            denominator=0 if percent else None,
            amount=Decimal(0) if counting == Counting.SUM else None,
        )
        grouped = rows_of(f"{shape}:groups", shape.groups, **parameters)
        table |= _by_age_band(grouped, buckets, figures, none)
    elif breakdown is not None:
        grouped = rows_of(f"{shape}:groups", shape.groups, **parameters)
        for raw in sorted(grouped, key=lambda raw: str(raw["_group"])):
            table[str(raw["_group"])] = figures(raw)
    return table


def _age_days(buckets: list[Bucket]) -> list[dt.date]:
    return sorted({bucket.age_day for bucket in buckets})


@dataclass(frozen=True)
class _Shape:
    """What a metric's SQL depends on besides its values: the metric, the breakdown, how many
    buckets of which granularity, how many years of age bands and how many teams. Every date
    and team id is a parameter, named here, so that SQL compiled for one set of them is right
    for any other of the same shape."""

    key: str
    source: Source
    breakdown: Breakdown | None
    granularities: tuple[str, ...]
    age_years: int
    team_count: int | None

    def __str__(self) -> str:
        granularities = "".join(granularity[0] for granularity in self.granularities)
        return (
            f"commissioning.metric {self.key} {self.breakdown or '-'} {granularities} "
            f"ages={self.age_years} teams={self.team_count}"
        )

    def parameters(
        self, buckets: list[Bucket], today: dt.date, teams: list[int]
    ) -> dict[str, Parameter]:
        parameters: dict[str, Parameter] = {
            f"team{index}": team for index, team in enumerate(teams)
        }
        if self.source.date:
            parameters["first"] = min(bucket.start for bucket in buckets)
            parameters["last"] = max(bucket.end for bucket in buckets)
            for index, bucket in enumerate(buckets):
                parameters[f"start{index}"] = bucket.start
                parameters[f"end{index}"] = bucket.end
        else:
            for index, bucket in enumerate(buckets):
                parameters[f"on{index}"] = bucket.as_of(today)
        if self.age_years:
            for year, day in enumerate(_age_days(buckets)):
                for band, limit in enumerate(_band_limits(day)):
                    parameters[f"born{year}_{band}"] = limit
        return parameters

    def aggregate_names(self) -> list[str]:
        letters = {Counting.RATE: "nd", Counting.SUM: "na"}.get(self.source.counting, "n")
        return [
            f"{letter}{index}" for index in range(len(self.granularities)) for letter in letters
        ]

    def _rows(self, parameters: dict[str, Any]) -> tuple[QuerySet[Any], dict[str, str]]:
        source = self.source
        paths, annotations = _paths(source)
        rows = source.rows.annotate(**annotations) if annotations else source.rows
        if self.team_count is not None:
            teams = [parameters[f"team{index}"] for index in range(self.team_count)]
            rows = rows.filter(**{f"{paths['team']}__in": teams})
        if source.date:
            rows = rows.filter(
                **{f"{source.date}__range": (parameters["first"], parameters["last"])}
            )
        return rows, paths

    def _aggregates(self, parameters: dict[str, Any], paths: dict[str, str]) -> dict[str, Any]:
        source = self.source
        child_path = paths["child"]
        aggregates: dict[str, Any] = {}
        for index in range(len(self.granularities)):
            if source.active_on is not None:
                inside = source.active_on(parameters[f"on{index}"])
            else:
                period = (parameters[f"start{index}"], parameters[f"end{index}"])
                inside = Q(**{f"{source.date}__range": period})
            if source.counting == Counting.ROWS:
                aggregates[f"n{index}"] = Count("pk", filter=inside)
            elif source.counting == Counting.CHILDREN:
                aggregates[f"n{index}"] = Count(child_path, filter=inside, distinct=True)
            elif source.counting == Counting.RATE:
                aggregates[f"n{index}"] = Count("pk", filter=inside & (source.numerator or Q()))
                aggregates[f"d{index}"] = Count("pk", filter=inside)
            else:
                aggregates[f"n{index}"] = Count(child_path, filter=inside, distinct=True)
                # Coalesce to a decimal field so that SQLite's sum comes back as exact pence.
                aggregates[f"a{index}"] = Coalesce(
                    Sum(source.amount or "pk", filter=inside),
                    Value(Decimal(0)),
                    output_field=AMOUNT,
                )
        return aggregates

    def total(self, **parameters: Any) -> QuerySet[Any, Any]:
        """One row of every aggregate: a constant grouped by is no GROUP BY at all."""
        rows, paths = self._rows(parameters)
        total: QuerySet[Any, Any] = (
            rows.annotate(_all=Value(1))
            .values("_all")
            .annotate(**self._aggregates(parameters, paths))
            .order_by()
        )
        return total

    def _born_after(self, parameters: dict[str, Any], year: int) -> list[dt.date]:
        return [parameters[f"born{year}_{band}"] for band in range(len(AGE_BANDS))]

    def groups(self, **parameters: Any) -> QuerySet[Any, Any]:
        rows, paths = self._rows(parameters)
        aggregates = self._aggregates(parameters, paths)
        if self.breakdown == Breakdown.AGE_BAND:
            # A child's band differs from one financial year to the next: the rows are grouped
            # by their band in every year the buckets cover, at once (see `_by_age_band`).
            bands = {
                f"_band{year}": _age_band(paths["dob"], self._born_after(parameters, year))
                for year in range(self.age_years)
            }
            by_band: QuerySet[Any, Any] = (
                rows.annotate(**bands).values(*bands).annotate(**aggregates).order_by()
            )
            return by_band
        if self.breakdown is None:
            raise ValueError("Only a breakdown has groups.")
        # The day only places a row in an age band, which this breakdown is not.
        group = group_expression(self.source, self.breakdown, dt.date.min, paths)
        by_group: QuerySet[Any, Any] = (
            rows.annotate(_group=group).values("_group").annotate(**aggregates).order_by()
        )
        return by_group


def _by_age_band(
    grouped: list[dict[str, Any]],
    buckets: list[Bucket],
    figures: Callable[[dict[str, Any]], dict[str, Figures]],
    none: Figures,
) -> Table:
    """The rows grouped by their band in every year the buckets cover; each bucket then takes
    the band of its own year. A child has one band per year, so the groups never share a child
    and their figures add up exactly, distinct children included."""
    column = {day: f"_band{index}" for index, day in enumerate(_age_days(buckets))}
    by_label = {bucket.label: bucket for bucket in buckets}
    parts: dict[str, dict[str, list[Figures]]] = {}
    for raw in grouped:
        for label, found in figures(raw).items():
            band = str(raw[column[by_label[label].age_day]])
            parts.setdefault(band, {}).setdefault(label, []).append(found)
    return {
        band: {bucket.label: _sum(parts[band].get(bucket.label, []), none) for bucket in buckets}
        for band in sorted(parts)
    }


def _sum(parts: list[Figures], none: Figures) -> Figures:
    if not parts:
        return none
    denominators = [part.denominator for part in parts if part.denominator is not None]
    amounts = [part.amount for part in parts if part.amount is not None]
    return Figures(
        count=sum(part.count for part in parts),
        denominator=sum(denominators) if denominators else None,
        amount=sum(amounts, Decimal(0)) if amounts else None,
    )
