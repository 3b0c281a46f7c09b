"""Commissioning reads: the plan, its action tracker and the uptake report, scoped by role.

Commissioners see every team's figures with disclosure control applied; practitioners and team
managers see their own teams' figures unsuppressed (DESIGN §9); families and providers see none.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Prefetch, QuerySet

from accounts.models import TeamMembership, User
from accounts.roles import STAFF_ROLES, Role
from budgets import periods
from commissioning import disclosure
from commissioning.metrics.catalogue import BREAKDOWN_LABELS, METRICS, Breakdown, Unit
from commissioning.metrics.evaluator import (
    TOTAL,
    Bucket,
    Figures,
    Table,
    evaluate,
    group_labels,
    year_buckets,
)
from commissioning.models import (
    Action,
    Comparator,
    Direction,
    ImplementationPlan,
    Measure,
    Outcome,
    ProgressNote,
    Target,
    Theme,
)
from workflows import clock
from workflows.errors import NotPermitted

GRANULARITIES = ("year", "quarter", "month")
YEARS_OF_TREND = {"year": 5, "quarter": 2, "month": 2}
AMBER_MARGIN = Decimal("0.10")

Shown = int | Decimal | str | None  # a number, "c" when suppressed, None when there is no data


@dataclass(frozen=True)
class Scope:
    teams: list[int] | None  # None: every team
    suppressed: bool
    label: str


def can_read_plans(user: User) -> bool:
    return bool(user.is_authenticated) and (
        user.has_role(Role.COMMISSIONER) or any(user.has_role(role) for role in STAFF_ROLES)
    )


def can_edit_plans(user: User) -> bool:
    return bool(user.is_authenticated) and user.has_role(Role.COMMISSIONER)


def plans_visible_to(user: User) -> QuerySet[ImplementationPlan]:
    if not can_read_plans(user):
        return ImplementationPlan.objects.none()
    return ImplementationPlan.objects.all()


def targets_visible_to(user: User) -> QuerySet[Target]:
    return Target.objects.filter(measure__outcome__theme__plan__in=plans_visible_to(user))


def actions_visible_to(user: User) -> QuerySet[Action]:
    return Action.objects.filter(theme__plan__in=plans_visible_to(user))


def report_scope(user: User) -> Scope:
    if user.is_authenticated and user.has_role(Role.COMMISSIONER):
        return Scope(None, True, "All teams, with small numbers suppressed")
    if user.is_authenticated and any(user.has_role(role) for role in STAFF_ROLES):
        teams = list(
            TeamMembership.objects.filter(user=user)
            .order_by("team__name")
            .values_list("team_id", "team__name")
        )
        names = ", ".join(name for _, name in teams) or "no team"
        return Scope([team for team, _ in teams], False, f"Your teams: {names}")
    raise NotPermitted("Reports are for commissioners and council staff.")


# --- the action tracker --------------------------------------------------------------------------


@dataclass(frozen=True)
class ActionRow:
    action: Action
    theme: str
    overdue: bool
    latest_note: ProgressNote | None


def action_tracker(plan: ImplementationPlan, *, today: dt.date | None = None) -> list[ActionRow]:
    """Every action of the plan, overdue ones first, then in the plan's order."""
    today = today or clock.today()
    actions = (
        Action.objects.filter(theme__plan=plan)
        .select_related("theme")
        .prefetch_related("steps", Prefetch("notes", queryset=ProgressNote.objects.all()))
        .order_by("number")
    )
    rows = [
        ActionRow(
            action,
            action.theme.title,
            action.is_overdue(today),
            next(iter(action.notes.all()), None),
        )
        for action in actions
    ]
    return sorted(rows, key=lambda row: (not row.overdue, row.action.number))


# --- the uptake report ---------------------------------------------------------------------------


@dataclass
class MeasureRow:
    measure: Measure
    theme: str
    label: str
    unit: str
    definition: str
    actual: Shown
    target: Target | None
    variance: Shown
    rag: str | None
    trend: list[tuple[str, Shown]]
    comparator: Comparator | None
    breakdown: list[tuple[str, list[Shown], Shown]] | None = None
    breakdown_note: str = ""


@dataclass
class ThemeSection:
    theme: Theme
    outcomes: list[Outcome]
    measures: list[MeasureRow] = field(default_factory=list)


@dataclass
class UptakeReport:
    plan: ImplementationPlan
    period: str
    granularity: str
    breakdown: Breakdown | None
    scope: Scope
    trend_periods: list[str]
    themes: list[ThemeSection]
    actions: list[ActionRow]
    as_of: dt.date

    @property
    def measures(self) -> list[MeasureRow]:
        return [row for section in self.themes for row in section.measures]


def parse_period(text: str) -> dt.date:
    """`2026-27` → 1 April 2026; ValueError with a message for anything else."""
    return periods.parse(text)


def uptake_report(
    user: User,
    *,
    plan: ImplementationPlan,
    period: str,
    granularity: str = "quarter",
    breakdown: Breakdown | None = None,
    today: dt.date | None = None,
) -> UptakeReport:
    scope = report_scope(user)
    today = today or clock.today()
    year_start = parse_period(period)
    years = [
        dt.date(year_start.year - back, 4, 1)
        for back in reversed(range(YEARS_OF_TREND[granularity]))
    ]
    buckets = [bucket for start in years for bucket in year_buckets(start)]
    shown_buckets = [bucket for bucket in buckets if bucket.granularity == granularity]

    themes = list(
        Theme.objects.filter(plan=plan).prefetch_related(
            "outcomes", Prefetch("outcomes__measures", queryset=Measure.objects.all())
        )
    )
    measures = [m for theme in themes for o in theme.outcomes.all() for m in o.measures.all()]
    targets = {
        target.measure_id: target
        for target in Target.objects.filter(measure__in=[m.pk for m in measures], period=period)
    }
    keys = sorted({m.metric for m in measures if m.metric in METRICS})
    comparators: dict[str, Comparator] = {}
    for comparator in Comparator.objects.filter(metric__in=keys).order_by("metric", "year"):
        comparators[comparator.metric] = comparator  # the latest year wins
    computed = {
        key: _shown_table(
            key,
            evaluate(
                key,
                buckets,
                today=today,
                teams=scope.teams,
                breakdown=breakdown if breakdown in METRICS[key].breakdowns else None,
            ),
            buckets,
            suppressed=scope.suppressed,
        )
        for key in keys
    }

    sections = []
    for theme in themes:
        section = ThemeSection(theme, list(theme.outcomes.all()))
        for outcome in section.outcomes:
            for measure in outcome.measures.all():
                section.measures.append(
                    _measure_row(
                        measure,
                        theme.title,
                        computed.get(measure.metric),
                        targets.get(measure.pk),
                        comparators.get(measure.metric),
                        period,
                        shown_buckets,
                        breakdown,
                    )
                )
        sections.append(section)
    return UptakeReport(
        plan=plan,
        period=period,
        granularity=granularity,
        breakdown=breakdown,
        scope=scope,
        trend_periods=[bucket.label for bucket in shown_buckets],
        themes=sections,
        actions=action_tracker(plan, today=today),
        as_of=min(periods.end_of(year_start), today),
    )


ShownTable = dict[str, dict[str, Shown]]


def _shown_table(key: str, table: Table, buckets: list[Bucket], *, suppressed: bool) -> ShownTable:
    """Figures as they may be shown: numbers, `c` for suppressed ones, None for no data."""
    unit = METRICS[key].unit
    hidden: set[tuple[str, str]] = set()
    if suppressed:
        additive = METRICS[key].additive
        hidden = _suppressed(table, buckets, additive, lambda f: f.count)
        if unit == Unit.PERCENT:
            hidden |= _suppressed(table, buckets, additive, lambda f: f.denominator or 0)
    return {
        group: {
            label: disclosure.SUPPRESSED if (group, label) in hidden else figures.value(unit)
            for label, figures in row.items()
        }
        for group, row in table.items()
    }


def _suppressed(
    table: Table, buckets: list[Bucket], additive: bool, count: Callable[[Figures], int]
) -> set[tuple[str, str]]:
    """Hidden cells: the totals first, as the report without a breakdown hides them; then the
    groups, with the totals held as they are so that the two reports agree."""
    counts = {(g, b): count(figures) for g, row in table.items() for b, figures in row.items()}
    totals = {cell: value for cell, value in counts.items() if cell[0] == TOTAL}
    hidden = disclosure.suppress(totals, _lines({TOTAL: table[TOTAL]}, buckets, additive=additive))
    if len(table) == 1:
        return hidden
    return disclosure.suppress(
        counts, _lines(table, buckets, additive=additive), hidden=hidden, frozen=set(totals)
    )


def _lines(table: Table, buckets: list[Bucket], *, additive: bool) -> list[list[tuple[str, str]]]:
    """The sums a reader could use: groups add up to the total in each period; and, for figures
    that accumulate over time, months add up to quarters and quarters to years.

    A group with nothing in a financial year is left out of that year's lines: its cells are
    zeros, shown as such, and whether it is in the table at all depends on the other years the
    report covers. Left in, it could take a partner's place and make two reports of the same
    year suppress different cells (DESIGN §7)."""
    lines: list[list[tuple[str, str]]] = []
    in_year = {
        (group, periods.start_of(bucket.start))
        for group, row in table.items()
        for bucket in buckets
        if _has_data(row[bucket.label])
    }
    groups = [group for group in table if group != TOTAL]
    if groups:
        for bucket in buckets:
            year_start = periods.start_of(bucket.start)
            present = [g for g in groups if (g, year_start) in in_year]
            if present:
                lines.append([*((g, bucket.label) for g in present), (TOTAL, bucket.label)])
    if additive:
        years = [bucket for bucket in buckets if bucket.granularity == "year"]
        for group in table:
            for year in years:
                if group != TOTAL and (group, year.start) not in in_year:
                    continue
                inside = [b for b in buckets if year.start <= b.start and b.end <= year.end]
                quarters = [b for b in inside if b.granularity == "quarter"]
                months = [b for b in inside if b.granularity == "month"]
                lines.append([*((group, q.label) for q in quarters), (group, year.label)])
                lines.append([*((group, m.label) for m in months), (group, year.label)])
                for quarter in quarters:
                    lines.append(
                        [
                            *(
                                (group, m.label)
                                for m in months
                                if quarter.start <= m.start <= quarter.end
                            ),
                            (group, quarter.label),
                        ]
                    )
    return lines


def _has_data(figures: Figures) -> bool:
    return bool(figures.count or figures.denominator or figures.amount)


def _measure_row(
    measure: Measure,
    theme: str,
    table: ShownTable | None,
    target: Target | None,
    comparator: Comparator | None,
    period: str,
    shown_buckets: list[Bucket],
    breakdown: Breakdown | None,
) -> MeasureRow:
    found = METRICS.get(measure.metric)
    if found is None or table is None:
        return MeasureRow(
            measure=measure,
            theme=theme,
            label=measure.text,
            unit="",
            definition="Not computed from Pathway's records: it comes from surveys and "
            "reports outside the system.",
            actual=None,
            target=target,
            variance=None,
            rag=None,
            trend=[],
            comparator=None,
        )
    actual = table[TOTAL][period]
    variance: Shown = None
    rag = None
    if isinstance(actual, (int, Decimal)) and target is not None:
        variance = Decimal(actual) - target.value
        rag = rag_of(Decimal(actual), target)
    elif actual == disclosure.SUPPRESSED and target is not None:
        variance = disclosure.SUPPRESSED
    row = MeasureRow(
        measure=measure,
        theme=theme,
        label=found.label,
        unit=found.unit.value,
        definition=found.definition,
        actual=actual,
        target=target,
        variance=variance,
        rag=rag,
        trend=[(bucket.label, table[TOTAL][bucket.label]) for bucket in shown_buckets],
        comparator=comparator,
    )
    if breakdown is not None:
        if breakdown not in found.breakdowns:
            row.breakdown_note = (
                f"This measure cannot be broken down by {BREAKDOWN_LABELS[breakdown]}."
            )
        else:
            labels = group_labels(breakdown)
            row.breakdown = [
                (
                    labels.get(group, group),
                    [figures[bucket.label] for bucket in shown_buckets],
                    figures[period],
                )
                for group, figures in table.items()
                if group != TOTAL
            ]
    return row


def rag_of(actual: Decimal, target: Target) -> str:
    """Green: target met; amber: within 10% of it; red: further off (DESIGN §7)."""
    goal = target.value
    if target.direction == Direction.AT_MOST:
        if actual <= goal:
            return "green"
        return "amber" if actual <= goal * (1 + AMBER_MARGIN) else "red"
    if actual >= goal:
        return "green"
    return "amber" if actual >= goal * (1 - AMBER_MARGIN) else "red"
