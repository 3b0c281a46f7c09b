"""Budget reads: balances and statements computed in SQL, and scoping by user (DESIGN §9)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace
from decimal import Decimal
from typing import Any, NamedTuple

from django.db.models import Count, DecimalField, Q, QuerySet, Sum, Value
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
from workflows.prepared import prepared_rows, prepared_values

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
    # What every page calls the agreed amount: see `agreed_amount`.
    agreed: Decimal | None = None

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


# Once approved, the ledger holds the budget: its allocation and every change made since.
APPROVED_STATES = {BudgetStatus.ACTIVE, BudgetStatus.SUSPENDED, BudgetStatus.ENDED}


def agreed_amount(budget: PersonalBudget, balances: Balances) -> Decimal | None:
    """The one agreed amount every page shows (case, budget, panel, family, statement).

    Once approved it is what the ledger allocated: the amount approved with every increase or
    reduction a manager made since. The plan's `agreed_amount` stays the amount first approved,
    so showing it after a change would contradict the statement. Before approval nothing is
    allocated, and the amount proposed in the plan is the one being decided.
    """
    if budget.status in APPROVED_STATES:
        return balances.allocated
    proposed: Decimal | None = budget.agreed_amount
    return proposed


def with_agreed(budget: PersonalBudget, balances: Balances) -> Balances:
    return replace(balances, agreed=agreed_amount(budget, balances))


def balances_of(budget: PersonalBudget, *, up_to: dt.date | None = None) -> Balances:
    """One aggregate query over the budget's entries (to a date, if given)."""
    entries = LedgerEntry.objects.filter(budget=budget)
    if up_to is not None:
        entries = entries.filter(entry_on__lte=up_to)
    return with_agreed(budget, Balances.from_sums(entries.aggregate(**BALANCE_SUMS)))


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


# How each kind of entry moves the money in the budget (allocated less spent): in, out, or neither.
MONEY_SIGN: dict[str, int] = {
    EntryKind.ALLOCATION: 1,
    EntryKind.ADJUSTMENT_UP: 1,
    EntryKind.RECOVERY: 1,
    EntryKind.ADJUSTMENT_DOWN: -1,
    EntryKind.PAYMENT: -1,
    EntryKind.COMMITMENT: 0,
    EntryKind.COMMITMENT_RELEASE: 0,
}


KIND_LABELS: dict[str, str] = dict(EntryKind.choices)


class StatementEntry(NamedTuple):
    """A ledger entry as the statement reads it: plain values, not a model instance (building
    200 instances took half the statement's time). Without the time the row was written, which
    no statement shows: making 200 of them aware of their time zone tripled the entries' read."""

    id: int
    entry_on: dt.date
    kind: str
    amount: Decimal
    description: str
    category: str
    settles_id: int | None
    instalment: int | None

    @property
    def pk(self) -> int:
        return self.id

    def get_kind_display(self) -> str:
        return KIND_LABELS.get(self.kind, self.kind)


def _statement_entries(budget: int) -> QuerySet[LedgerEntry, Any]:
    # The fields of `StatementEntry`, in its order.
    entries = LedgerEntry.objects.filter(budget_id=budget).order_by("entry_on", "pk")
    return entries.values(
        "id", "entry_on", "kind", "amount", "description", "category", "settles_id", "instalment"
    )


# The balances' sums, and how many entries spend (payments and recoveries), by category.
CATEGORY_SUMS = {
    **BALANCE_SUMS,
    "spending": Count("pk", filter=Q(kind__in=[EntryKind.PAYMENT, EntryKind.RECOVERY])),
}


def _statement_sums(budget: int) -> QuerySet[LedgerEntry, Any]:
    return (
        LedgerEntry.objects.filter(budget_id=budget)
        .values("category")
        .annotate(**CATEGORY_SUMS)
        .order_by("category")
    )


@dataclass(frozen=True)
class StatementLine:
    """One entry as the family reads it: money in (+) or out (−), and the balance after it.

    Setting money aside for a booking moves none: it is shown by `set_aside` (+ when set aside,
    − when released or paid), so the amounts add up to the closing balance and the set-aside
    changes to what is still set aside.
    """

    entry: StatementEntry
    amount: Decimal
    balance: Decimal
    set_aside: Decimal

    @property
    def moves_money(self) -> bool:
        return MONEY_SIGN[self.entry.kind] != 0


def statement_lines(entries: list[StatementEntry]) -> list[StatementLine]:
    balance = ZERO
    lines = []
    for entry in entries:
        amount = entry.amount * MONEY_SIGN[entry.kind]
        if entry.kind == EntryKind.COMMITMENT:
            set_aside = entry.amount
        elif entry.kind == EntryKind.COMMITMENT_RELEASE or entry.settles_id is not None:
            set_aside = -entry.amount
        else:
            set_aside = ZERO
        balance += amount
        lines.append(StatementLine(entry, amount, balance, set_aside))
    return lines


@dataclass(frozen=True)
class Statement:
    budget: PersonalBudget
    period: str
    balances: Balances
    by_category: list[dict[str, Any]]
    entries: list[StatementEntry]
    projected_spend: Decimal
    projected_year_end: Decimal
    as_of: dt.date
    lines: list[StatementLine]

    @property
    def closing_balance(self) -> Decimal:
        """Money in less money out: what is left to spend and what is set aside, together."""
        return self.balances.allocated - self.balances.spent


def statement(budget: PersonalBudget) -> Statement:
    """The family's statement: two queries whatever the number of entries, each compiled once
    (`workflows.prepared`): the sums by category, and the entries as values."""
    today = clock.today()
    sums = prepared_rows("budgets.statement.sums", _statement_sums, budget=budget.pk)
    # The balances are the totals of the few category rows the database summed.
    totals = {key: sum((row[key] for row in sums), ZERO) for key in BALANCE_SUMS}
    balances = with_agreed(budget, Balances.from_sums(totals))
    by_category = [
        {
            "category": row["category"],
            "label": CATEGORY_LABELS.get(row["category"], row["category"].replace("_", " ")),
            "spent": (Decimal(row["payment"]) - Decimal(row["recovery"])).quantize(PENCE),
        }
        for row in sums
        if row["spending"]
    ]
    # `settles` is shown as an id only: no join to the entry it settles.
    _, rows = prepared_values("budgets.statement.entries", _statement_entries, budget=budget.pk)
    entries = [StatementEntry._make(row) for row in rows]
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
        lines=statement_lines(entries),
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
    return {budget.pk: with_agreed(budget, found.get(budget.pk, empty)) for budget in budgets}


def child_budgets(user: User, child_id: int) -> list[tuple[PersonalBudget, Balances]]:
    budgets = list(
        budgets_visible_to(user).filter(child_id=child_id).order_by("-period_start", "-pk")
    )
    balances = balances_for(budgets)
    return [(budget, balances[budget.pk]) for budget in budgets]
