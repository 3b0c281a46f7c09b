"""The catalogue of the metrics of DESIGN §7: what each one counts, and where its rows come from.

A metric is registered by key with `@metric(...)` on a function that says where its rows come from
(a `Source`): the queryset, the date that places a row in a period (or, for a snapshot, what makes
a row count on a given day), the child and team it belongs to, and what is counted. How a source
becomes figures is `evaluator.py`'s business.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db.models import (
    Case,
    DateField,
    DecimalField,
    Exists,
    Expression,
    ExpressionWrapper,
    F,
    OuterRef,
    Q,
    QuerySet,
    When,
)

from budgets.models import EntryKind, LedgerEntry, PersonalBudget
from casework.deadlines import ANNUAL_REVIEW, ASSESSMENT_COMPLETE, FINAL_PLAN
from casework.models import Assessment, EHCPlan, Referral, Review
from commissioning.models import Feedback
from shortbreaks.models import ServiceType, Session, SessionStatus
from workflows.models import Deadline, DeadlineException, DeadlineStatus


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
    AGENCY = "agency"


BREAKDOWN_LABELS = {
    Breakdown.AGE_BAND: "age band",
    Breakdown.PRIMARY_NEED: "primary need",
    Breakdown.TEAM: "team",
    Breakdown.SERVICE_TYPE: "type of service",
    Breakdown.AGENCY: "agency",
}

AGE_BANDS = [(0, 4), (5, 10), (11, 15), (16, 19), (20, 25)]


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
    agency: Expression | None = None  # which agency a row counts for (advice)

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
    key: str,
    label: str,
    unit: Unit,
    definition: str,
    *,
    by_service_type: bool = False,
    by_agency: bool = False,
) -> Callable[[Callable[[], Source]], Callable[[], Source]]:
    """Register a metric. The source is built when the metric is evaluated, not at import:
    building one may look up content types in the database."""

    def register(source: Callable[[], Source]) -> Callable[[], Source]:
        breakdowns = [Breakdown.AGE_BAND, Breakdown.PRIMARY_NEED, Breakdown.TEAM]
        if by_service_type:
            breakdowns.append(Breakdown.SERVICE_TYPE)
        if by_agency:
            breakdowns.append(Breakdown.AGENCY)
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
    """A live (not withdrawn) reg 13(3) exception in the final plan deadline's history."""
    return Exists(
        DeadlineException.objects.filter(
            deadline__subject_type=ContentType.objects.get_for_model(EHCPlan),
            deadline__subject_id=OuterRef("pk"),
            deadline__kind=FINAL_PLAN.value,
            withdrawn_at__isnull=True,
        )
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
    "Of the statutory annual review deadlines of EHC plans (the 12 months of Children and "
    "Families Act 2014 s44(1)) due in the period and decided, the percentage met: the review "
    "meeting held by the last day. Deadlines no longer required, or replaced, are left out; a "
    "date typed on a review is never used.",
)
def reviews_on_time_pct() -> Source:
    return Source(
        Deadline.objects.of_kind(ANNUAL_REVIEW).filter(
            ehc_plan__isnull=False, status__in=[DeadlineStatus.MET, DeadlineStatus.MISSED]
        ),
        Counting.RATE,
        child="ehc_plan__child",
        team="ehc_plan__child__team",
        date="due_on",
        numerator=Q(status=DeadlineStatus.MET),
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
