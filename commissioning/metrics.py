"""The metrics of DESIGN §7, each one aggregate query in the database.

A metric is registered by key with `@metric(...)` on a function that says where its rows come from
(a `Source`): the queryset, the date that places a row in a period (or, for a snapshot, what makes
a row count on a given day), the child and team it belongs to, and what is counted. `evaluate()`
turns a source into one query with a conditional aggregate per period ("bucket"), so the number
of queries never depends on the data: one for the totals and one more for a breakdown.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from enum import StrEnum
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db.models import (
    Case,
    CharField,
    Count,
    DateField,
    DecimalField,
    Exists,
    Expression,
    ExpressionWrapper,
    F,
    OuterRef,
    Q,
    QuerySet,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Coalesce

from budgets import periods
from budgets.models import EntryKind, LedgerEntry, PersonalBudget
from casework.deadlines import ASSESSMENT_COMPLETE, FINAL_PLAN
from casework.models import Assessment, EHCPlan, PrimaryNeed, Referral, Review
from commissioning.models import Feedback
from shortbreaks.models import ServiceType, Session, SessionStatus
from workflows.models import Deadline


class Unit(StrEnum):
    COUNT = "count"
    PERCENT = "percent"
    MONEY = "money"
    NIGHTS = "nights"


class Counting(StrEnum):
    ROWS = "rows"  # one per record
    CHILDREN = "children"  # distinct children
    RATE = "rate"  # numerator and denominator, both records
    SUM = "sum"  # a sum (money, nights), with the children it covers for disclosure control


class Breakdown(StrEnum):
    AGE_BAND = "age_band"
    PRIMARY_NEED = "primary_need"
    TEAM = "team"
    SERVICE_TYPE = "service_type"


BREAKDOWN_LABELS = {
    Breakdown.AGE_BAND: "age band",
    Breakdown.PRIMARY_NEED: "primary need",
    Breakdown.TEAM: "team",
    Breakdown.SERVICE_TYPE: "type of service",
}

AGE_BANDS = [(0, 4), (5, 10), (11, 15), (16, 19), (20, 25)]


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


@dataclass(frozen=True)
class Source:
    rows: QuerySet[Any]
    counting: Counting
    child: str | tuple[str, ...]  # the path to the child, or alternative paths
    team: str | tuple[str, ...]
    date: str | None = None
    active_on: Callable[[dt.date], Q] | None = None
    numerator: Q | None = None
    amount: Expression | str | None = None
    service_type: str | None = None

    def __post_init__(self) -> None:
        if self.counting == Counting.RATE and self.numerator is None:
            raise ValueError("A rate needs its numerator.")
        if self.counting == Counting.SUM and self.amount is None:
            raise ValueError("A sum needs the amount it adds up.")
        if (self.date is None) == (self.active_on is None):
            raise ValueError("Give either the date of each row or what makes it active on a day.")

    @property
    def is_snapshot(self) -> bool:
        return self.active_on is not None


@dataclass(frozen=True)
class Metric:
    key: str
    label: str
    unit: Unit
    definition: str
    source: Callable[[], Source]
    breakdowns: tuple[Breakdown, ...] = field(default=())

    @property
    def additive(self) -> bool:
        """Whether the figures of the parts of a period add up to the whole period's."""
        return not self.source().is_snapshot


METRICS: dict[str, Metric] = {}


def metric(
    key: str, label: str, unit: Unit, definition: str, *, by_service_type: bool = False
) -> Callable[[Callable[[], Source]], Callable[[], Source]]:
    """Register a metric. The source is built when the metric is evaluated, not at import:
    building one may look up content types in the database."""

    def register(source: Callable[[], Source]) -> Callable[[], Source]:
        breakdowns = [Breakdown.AGE_BAND, Breakdown.PRIMARY_NEED, Breakdown.TEAM]
        if by_service_type:
            breakdowns.append(Breakdown.SERVICE_TYPE)
        METRICS[key] = Metric(key, label, unit, definition, source, tuple(breakdowns))
        return source

    return register


# --- the figures ---------------------------------------------------------------------------------

WITHIN_20_WEEKS = dt.timedelta(weeks=20)
WITHIN_4_WEEKS = dt.timedelta(weeks=4)
RESIDENTIAL = [ServiceType.RESIDENTIAL_OVERNIGHT]


def _on_or_before(day: str, base: str, delta: dt.timedelta) -> Q:
    limit = ExpressionWrapper(F(base) + delta, output_field=DateField())
    return Q(**{f"{day}__lte": limit})


def _statutory_exception_recorded() -> Exists:
    return Exists(
        Deadline.objects.filter(
            subject_type=ContentType.objects.get_for_model(EHCPlan),
            subject_id=OuterRef("pk"),
            kind=FINAL_PLAN.value,
        ).exclude(exception="")
    )


@metric(
    "referrals_received",
    "Referrals received",
    Unit.COUNT,
    "Referrals with a received date in the period.",
)
def referrals_received() -> Source:
    return Source(
        Referral.objects.all(),
        Counting.ROWS,
        child="case__child",
        team="case__team",
        date="received_on",
    )


@metric(
    "assessments_within_45_working_days_pct",
    "Assessments completed within 45 working days",
    Unit.PERCENT,
    "Of assessments completed in the period, the percentage completed by their deadline.",
)
def assessments_within_45_working_days_pct() -> Source:
    met = Exists(
        Deadline.objects.filter(
            case_id=OuterRef("case_id"),
            kind=ASSESSMENT_COMPLETE.value,
            closed_on=OuterRef("completed_on"),
            due_on__gte=OuterRef("completed_on"),
        )
    )
    return Source(
        Assessment.objects.filter(completed_on__isnull=False),
        Counting.RATE,
        child="case__child",
        team="case__team",
        date="completed_on",
        numerator=Q(met),
    )


@metric(
    "ehc_requests",
    "Requests for an EHC needs assessment",
    Unit.COUNT,
    "EHC plan requests with a request date in the period.",
)
def ehc_requests() -> Source:
    return Source(
        EHCPlan.objects.all(),
        Counting.ROWS,
        child="child",
        team="child__team",
        date="requested_on",
    )


@metric(
    "ehc_final_plans_issued",
    "New EHC plans issued",
    Unit.COUNT,
    "Plans whose first final version was issued in the period (not re-issues after amendment).",
)
def ehc_final_plans_issued() -> Source:
    return Source(
        EHCPlan.objects.filter(first_final_issued_on__isnull=False),
        Counting.ROWS,
        child="child",
        team="child__team",
        date="first_final_issued_on",
    )


@metric(
    "ehc_within_20_weeks_pct",
    "New EHC plans issued within 20 weeks (excluding exceptions)",
    Unit.PERCENT,
    "Of first final plans issued in the period, the percentage issued within 20 weeks of the "
    "request, leaving out plans with a recorded reg 10(4) exception.",
)
def ehc_within_20_weeks_pct() -> Source:
    return _issued_within_20_weeks(exclude_exceptions=True)


@metric(
    "ehc_within_20_weeks_pct_incl_exceptions",
    "New EHC plans issued within 20 weeks (all plans)",
    Unit.PERCENT,
    "Of all first final plans issued in the period, the percentage issued within 20 weeks of "
    "the request.",
)
def ehc_within_20_weeks_pct_incl_exceptions() -> Source:
    return _issued_within_20_weeks(exclude_exceptions=False)


def _issued_within_20_weeks(*, exclude_exceptions: bool) -> Source:
    plans = EHCPlan.objects.filter(first_final_issued_on__isnull=False)
    if exclude_exceptions:
        plans = plans.exclude(_statutory_exception_recorded())
    return Source(
        plans,
        Counting.RATE,
        child="child",
        team="child__team",
        date="first_final_issued_on",
        numerator=_on_or_before("first_final_issued_on", "requested_on", WITHIN_20_WEEKS),
    )


# A review belongs to an EHC plan or to a case's support plan: its child is through either.
REVIEW_CHILD = ("plan__child", "case__child")
REVIEW_TEAM = ("plan__child__team", "case__team")


@metric(
    "review_decisions_within_4_weeks_pct",
    "Review decisions made within 4 weeks of the meeting",
    Unit.PERCENT,
    "Of review decisions made in the period, the percentage made within 4 weeks of the meeting.",
)
def review_decisions_within_4_weeks_pct() -> Source:
    return Source(
        Review.objects.filter(decision_on__isnull=False, meeting_on__isnull=False),
        Counting.RATE,
        child=REVIEW_CHILD,
        team=REVIEW_TEAM,
        date="decision_on",
        numerator=_on_or_before("decision_on", "meeting_on", WITHIN_4_WEEKS),
    )


@metric(
    "reviews_on_time_pct",
    "Annual reviews held on time",
    Unit.PERCENT,
    "Of annual reviews due in the period, the percentage whose meeting happened by the due date.",
)
def reviews_on_time_pct() -> Source:
    return Source(
        Review.objects.filter(due_on__isnull=False),
        Counting.RATE,
        child=REVIEW_CHILD,
        team=REVIEW_TEAM,
        date="due_on",
        numerator=Q(meeting_on__isnull=False, meeting_on__lte=F("due_on")),
    )


def budget_active_on(day: dt.date) -> Q:
    """Active by its dates: approved by then, within its start and end, not yet ended."""
    return Q(approved_on__lte=day, start_on__lte=day, end_on__gte=day) & (
        Q(ended_on__isnull=True) | Q(ended_on__gt=day)
    )


@metric(
    "personal_budgets_active",
    "Children with a personal budget",
    Unit.COUNT,
    "Children with a personal budget active on the last day of the period, by its dates.",
)
def personal_budgets_active() -> Source:
    return Source(
        PersonalBudget.objects.filter(approved_on__isnull=False),
        Counting.CHILDREN,
        child="child",
        team="team",
        active_on=budget_active_on,
    )


@metric(
    "direct_payments_active",
    "Children with a personal budget taken as a direct payment",
    Unit.COUNT,
    "Of the children with an active personal budget, those whose budget includes a direct "
    "payment.",
)
def direct_payments_active() -> Source:
    return Source(
        PersonalBudget.objects.filter(approved_on__isnull=False, direct_payment_amount__gt=0),
        Counting.CHILDREN,
        child="child",
        team="team",
        active_on=budget_active_on,
    )


@metric(
    "personal_budget_spend",
    "Personal budget spend",
    Unit.MONEY,
    "Payments less recoveries posted in the period.",
)
def personal_budget_spend() -> Source:
    signed = Case(
        When(kind=EntryKind.PAYMENT, then=F("amount")),
        default=-F("amount"),
        output_field=DecimalField(max_digits=14, decimal_places=2),
    )
    return Source(
        LedgerEntry.objects.filter(kind__in=[EntryKind.PAYMENT, EntryKind.RECOVERY]),
        Counting.SUM,
        child="budget__child",
        team="budget__team",
        date="entry_on",
        amount=signed,
    )


def _delivered_sessions(types: Iterable[str], *, exclude: bool = False) -> QuerySet[Session]:
    sessions = Session.objects.filter(status=SessionStatus.DELIVERED)
    if exclude:
        return sessions.exclude(package__service__type__in=list(types))
    return sessions.filter(package__service__type__in=list(types))


def _sessions(rows: QuerySet[Session], counting: Counting) -> Source:
    return Source(
        rows,
        counting,
        child="package__child",
        team="package__team",
        date="date",
        amount="units" if counting == Counting.SUM else None,
        service_type="package__service__type",
    )


@metric(
    "children_short_breaks_non_residential",
    "Children who had a short break in a non-residential setting",
    Unit.COUNT,
    "Distinct children with at least one delivered session of a non-residential service in the "
    "period.",
    by_service_type=True,
)
def children_short_breaks_non_residential() -> Source:
    return _sessions(_delivered_sessions(RESIDENTIAL, exclude=True), Counting.CHILDREN)


@metric(
    "children_short_breaks_residential",
    "Children who had a short break in a residential setting",
    Unit.COUNT,
    "Distinct children with at least one delivered session of a residential service in the "
    "period.",
    by_service_type=True,
)
def children_short_breaks_residential() -> Source:
    return _sessions(_delivered_sessions(RESIDENTIAL), Counting.CHILDREN)


@metric(
    "residential_nights",
    "Nights in residential overnight short breaks",
    Unit.NIGHTS,
    "Units delivered in residential overnight services in the period.",
    by_service_type=True,
)
def residential_nights() -> Source:
    return _sessions(_delivered_sessions(RESIDENTIAL), Counting.SUM)


@metric(
    "family_based_nights",
    "Nights with family-based carers",
    Unit.NIGHTS,
    "Units delivered in family-based overnight services in the period.",
    by_service_type=True,
)
def family_based_nights() -> Source:
    return _sessions(_delivered_sessions([ServiceType.FAMILY_BASED_OVERNIGHT]), Counting.SUM)


@metric(
    "family_satisfaction_pct",
    "Families satisfied with their support",
    Unit.PERCENT,
    "Of family feedback given in the period, the percentage rating it 4 or 5 out of 5.",
)
def family_satisfaction_pct() -> Source:
    return Source(
        Feedback.objects.all(),
        Counting.RATE,
        child="child",
        team="team",
        date="given_on",
        numerator=Q(rating__gte=4),
    )


# --- evaluation ----------------------------------------------------------------------------------

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
    whens = [
        When(
            **{f"{date_of_birth}__gt": _years_before(on, upper + 1)},
            then=Value(f"{lower}–{upper}"),
        )
        for lower, upper in AGE_BANDS
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
    raise ValueError(f"{breakdown} does not apply here")


def group_labels(breakdown: Breakdown) -> dict[str, str]:
    if breakdown == Breakdown.PRIMARY_NEED:
        return dict(PrimaryNeed.choices)
    if breakdown == Breakdown.SERVICE_TYPE:
        return dict(ServiceType.choices)
    return {}


def evaluate(
    key: str,
    buckets: list[Bucket],
    *,
    today: dt.date,
    teams: list[int] | None = None,
    breakdown: Breakdown | None = None,
) -> Table:
    """The metric for every bucket, in one query (two with a breakdown)."""
    found = METRICS[key]
    source = found.source()
    paths, annotations = _paths(source)
    rows = source.rows.annotate(**annotations) if annotations else source.rows
    child_path = paths["child"]
    if teams is not None:
        rows = rows.filter(**{f"{paths['team']}__in": teams})
    if source.date:
        first = min(bucket.start for bucket in buckets)
        last = max(bucket.end for bucket in buckets)
        rows = rows.filter(**{f"{source.date}__range": (first, last)})

    aggregates: dict[str, Any] = {}
    for index, bucket in enumerate(buckets):
        if source.active_on is not None:
            inside = source.active_on(bucket.as_of(today))
        else:
            inside = Q(**{f"{source.date}__range": (bucket.start, bucket.end)})
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
                Sum(source.amount or "pk", filter=inside), Value(Decimal(0)), output_field=AMOUNT
            )

    def figures(raw: dict[str, Any]) -> dict[str, Figures]:
        return {
            bucket.label: Figures(
                count=raw[f"n{index}"] or 0,
                denominator=raw.get(f"d{index}") if found.unit == Unit.PERCENT else None,
                amount=(
                    Decimal(raw[f"a{index}"] or 0) if source.counting == Counting.SUM else None
                ),
            )
            for index, bucket in enumerate(buckets)
        }

    table: Table = {TOTAL: figures(rows.aggregate(**aggregates))}
    if breakdown == Breakdown.AGE_BAND:
        none = Figures(
            count=0,
            denominator=0 if found.unit == Unit.PERCENT else None,
            amount=Decimal(0) if source.counting == Counting.SUM else None,
        )
        table |= _by_age_band(rows, buckets, paths, aggregates, figures, none)
    elif breakdown is not None:
        grouped = (
            rows.annotate(_group=group_expression(source, breakdown, buckets[0].end, paths))
            .values("_group")
            .annotate(**aggregates)
            .order_by()
        )
        for raw in sorted(grouped, key=lambda raw: str(raw["_group"])):
            table[str(raw["_group"])] = figures(raw)
    return table


def _by_age_band(
    rows: QuerySet[Any],
    buckets: list[Bucket],
    paths: dict[str, str],
    aggregates: dict[str, Any],
    figures: Callable[[dict[str, Any]], dict[str, Figures]],
    none: Figures,
) -> Table:
    """A child's band differs from one financial year to the next, so the rows are grouped by
    their band in every year the buckets cover, at once (one query); each bucket then takes the
    band of its own year. A child has one band per year, so the groups never share a child and
    their figures add up exactly, distinct children included."""
    days = sorted({bucket.age_day for bucket in buckets})
    bands = {f"_band{index}": age_band_of(paths["dob"], day) for index, day in enumerate(days)}
    column = {day: f"_band{index}" for index, day in enumerate(days)}
    grouped = rows.annotate(**bands).values(*bands).annotate(**aggregates).order_by()
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
