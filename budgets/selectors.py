"""Budget reads: balances and statements computed in SQL, and scoping by user (DESIGN §9)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import DecimalField, Q, QuerySet, Sum, Value
from django.db.models.functions import Coalesce

from accounts.models import User
from accounts.roles import Role
from budgets.models import (
    PENCE,
    ZERO,
    AllocationScheme,
    BudgetStatus,
    EntryKind,
    LedgerEntry,
    PersonalBudget,
    SpendCategory,
)
from casework.selectors import children_visible_to, is_staff_member
from workflows import clock

# Room for sums of many entries, whatever their number: each entry has at most 12 digits.
MONEY: Any = DecimalField(max_digits=20, decimal_places=2)

# Spending categories and their names; short breaks adds one per service type from ready().
CATEGORY_LABELS: dict[str, str] = dict(SpendCategory.choices)


def _total(kind: str, **more: Any) -> Coalesce:
    return Coalesce(Sum("amount", filter=Q(kind=kind, **more)), Value(ZERO), output_field=MONEY)


BALANCE_SUMS = {
    "allocation": _total(EntryKind.ALLOCATION),
    "adjustment_up": _total(EntryKind.ADJUSTMENT_UP),
    "adjustment_down": _total(EntryKind.ADJUSTMENT_DOWN),
    "payment": _total(EntryKind.PAYMENT),
    "recovery": _total(EntryKind.RECOVERY),
    "commitment": _total(EntryKind.COMMITMENT),
    "release": _total(EntryKind.COMMITMENT_RELEASE),
    "settled": _total(EntryKind.PAYMENT, settles__isnull=False),
    "direct_payments": _total(EntryKind.PAYMENT, category=SpendCategory.DIRECT_PAYMENT),
}


@dataclass(frozen=True)
class Balances:
    allocated: Decimal
    spent: Decimal
    committed: Decimal
    available: Decimal
    direct_payments_paid: Decimal
    recovered: Decimal

    @classmethod
    def from_sums(cls, raw: dict[str, Any]) -> Balances:
        # SQLite hands sums back with any number of places: money is pence-exact everywhere.
        sums = {key: Decimal(value).quantize(PENCE) for key, value in raw.items()}
        allocated = sums["allocation"] + sums["adjustment_up"] - sums["adjustment_down"]
        spent = sums["payment"] - sums["recovery"]
        committed = sums["commitment"] - sums["release"] - sums["settled"]
        return cls(
            allocated=allocated,
            spent=spent,
            committed=committed,
            available=allocated - spent - committed,
            direct_payments_paid=sums["direct_payments"],
            recovered=sums["recovery"],
        )


def balances_of(budget: PersonalBudget, *, up_to: dt.date | None = None) -> Balances:
    """One aggregate query over the budget's entries (to a date, if given)."""
    entries = LedgerEntry.objects.filter(budget=budget)
    if up_to is not None:
        entries = entries.filter(entry_on__lte=up_to)
    return Balances.from_sums(entries.aggregate(**BALANCE_SUMS))


def outstanding_commitments(budget: PersonalBudget) -> list[tuple[int, Decimal, str]]:
    """(commitment id, amount still set aside, category) for each commitment not used up."""
    used = Coalesce(Sum("settled_by__amount"), Value(ZERO), output_field=MONEY)
    rows = (
        LedgerEntry.objects.filter(budget=budget, kind=EntryKind.COMMITMENT)
        .annotate(used=used)
        .values_list("pk", "amount", "used", "category")
    )
    return [
        (pk, amount - spent, category) for pk, amount, spent, category in rows if amount > spent
    ]


def budgets_visible_to(user: User) -> QuerySet[PersonalBudget]:
    """Staff: their teams' budgets. Families: their own children's. Nobody else."""
    if not user.is_authenticated:
        return PersonalBudget.objects.none()
    if is_staff_member(user):
        return PersonalBudget.objects.filter(team__memberships__user=user)
    if user.has_role(Role.FAMILY):
        return PersonalBudget.objects.filter(child__in=children_visible_to(user))
    return PersonalBudget.objects.none()


def schemes_visible_to(user: User) -> QuerySet[AllocationScheme]:
    if is_staff_member(user):
        return AllocationScheme.objects.all()
    return AllocationScheme.objects.none()


def approval_queue(user: User) -> QuerySet[PersonalBudget]:
    """For the budget panel: budgets waiting for approval in the manager's teams, oldest first."""
    return (
        budgets_visible_to(user)
        .filter(status=BudgetStatus.AWAITING_APPROVAL)
        .select_related("child", "submitted_by")
        .order_by("created_at", "pk")
    )


@dataclass(frozen=True)
class Statement:
    budget: PersonalBudget
    period: str
    balances: Balances
    by_category: list[dict[str, Any]]
    entries: list[LedgerEntry]
    projected_spend: Decimal
    projected_year_end: Decimal
    as_of: dt.date


def statement(budget: PersonalBudget) -> Statement:
    """The family's statement: three queries whatever the number of entries."""
    today = clock.today()
    balances = balances_of(budget)
    spend = (
        LedgerEntry.objects.filter(budget=budget, kind__in=[EntryKind.PAYMENT, EntryKind.RECOVERY])
        .values("category")
        .annotate(paid=_total(EntryKind.PAYMENT), recovered=_total(EntryKind.RECOVERY))
        .order_by("category")
    )
    by_category = [
        {
            "category": row["category"],
            "label": CATEGORY_LABELS.get(row["category"], row["category"].replace("_", " ")),
            "spent": (row["paid"] - row["recovered"]).quantize(PENCE),
        }
        for row in spend
    ]
    # `settles` is shown as an id only: no join to the entry it settles.
    entries = list(budget.entries.order_by("entry_on", "pk"))
    days_total = (budget.end_on - budget.start_on).days + 1
    days_gone = max(0, min((today - budget.start_on).days + 1, days_total))
    projected_spend = (
        (balances.spent / days_gone * days_total).quantize(Decimal("0.01"))
        if days_gone
        else balances.spent
    )
    return Statement(
        budget=budget,
        period=budget.period_label,
        balances=balances,
        by_category=by_category,
        entries=entries,
        projected_spend=projected_spend,
        projected_year_end=balances.allocated - projected_spend,
        as_of=today,
    )


def balances_for(budgets: list[PersonalBudget]) -> dict[int, Balances]:
    """Balances of several budgets in one grouped query."""
    empty = Balances.from_sums(dict.fromkeys(BALANCE_SUMS, ZERO))
    rows = (
        LedgerEntry.objects.filter(budget__in=[budget.pk for budget in budgets])
        .values("budget")
        .annotate(**BALANCE_SUMS)
        .order_by("budget")
    )
    found = {row.pop("budget"): Balances.from_sums(row) for row in rows}
    return {budget.pk: found.get(budget.pk, empty) for budget in budgets}


def child_budgets(user: User, child_id: int) -> list[tuple[PersonalBudget, Balances]]:
    budgets = list(
        budgets_visible_to(user).filter(child_id=child_id).order_by("-period_start", "-pk")
    )
    balances = balances_for(budgets)
    return [(budget, balances[budget.pk]) for budget in budgets]
