"""The budget's ledger: every entry is posted through `ledger_post`, refused if it breaks a rule.

Money moves under a lock: every posting locks the budget row first, so two postings at once are
applied one after the other and the second sees the first. Callers reach these writers, like
every budget writer, as `budgets.services.<name>`.
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import models, transaction

from accounts.models import User
from accounts.roles import Role
from budgets.models import (
    ZERO,
    BudgetStatus,
    EntryKind,
    LedgerEntry,
    PersonalBudget,
    SpendCategory,
)
from budgets.selectors import balances_of
from workflows import clock
from workflows.acting import require_staff
from workflows.errors import InvalidParams, NotPermitted, TransitionNotAllowed, WorkflowError
from workflows.services import audit

# Entries a manager makes by hand, each with a reason that goes into the audit trail.
MANAGER_KINDS = {EntryKind.ADJUSTMENT_UP, EntryKind.ADJUSTMENT_DOWN, EntryKind.RECOVERY}
# The only kinds the generic ledger endpoint takes: every other kind is posted by the service
# that means it (approve, book, deliver, cancel, pay an instalment, pay an invoice, recover).
POSTABLE_KINDS = {EntryKind.ADJUSTMENT_UP, EntryKind.ADJUSTMENT_DOWN}
# The most a budget can hold: every balance then fits the ledger's money columns and the API's
# money fields, so no statement has a figure too large to show.
MAX_ALLOCATED = Decimal("9999999999.99")


class BudgetExceeded(WorkflowError):
    """The entry would take the budget's available amount below zero (409)."""

    code = "budget_exceeded"


MONEY_TEXT = re.compile(r"^-?\d+(\.\d{1,2})?$")


def money(value: Any, field: str, *, allow_zero: bool = False) -> Decimal:
    """A pence-exact Decimal from text or a Decimal; never a float (400 naming the field)."""
    if isinstance(value, float | bool) or value is None:
        raise InvalidParams({field: ['Enter the amount as text, like "125.50".']})
    text = str(value).strip()
    whole, _, pence = text.partition(".")
    if not MONEY_TEXT.match(text):
        if MONEY_TEXT.match(whole) and pence.isdigit():
            raise InvalidParams(
                {field: ["Give the amount in pounds and pence: at most 2 decimal places."]}
            )
        raise InvalidParams({field: ["Enter an amount of money, like 125.50."]})
    amount = Decimal(text)
    if amount < 0 or (amount == 0 and not allow_zero):
        raise InvalidParams({field: ["The amount must be more than £0."]})
    if amount >= Decimal("10000000000"):
        raise InvalidParams({field: ["The amount is too large."]})
    return amount.quantize(Decimal("0.01"))


@transaction.atomic
def entry_post(
    *,
    by: User,
    budget: PersonalBudget,
    kind: str,
    amount: Any,
    entry_on: dt.date | None = None,
    description: str = "",
    reason: str = "",
    settles: LedgerEntry | None = None,
) -> LedgerEntry:
    """A manager's adjustment of a budget, up or down, with a reason: the generic ledger endpoint.

    Nothing else is posted by hand: a free choice of kind would let anyone release money that
    was never set aside, or pay out what no booking or instalment accounts for.
    """
    require_staff(by)
    if kind not in POSTABLE_KINDS:
        raise InvalidParams(
            {
                "kind": [
                    "Only a manager's adjustment up or down can be posted here: bookings, "
                    "deliveries, cancellations, direct payments and recoveries post their own "
                    "entries."
                ]
            }
        )
    _require_manager_reason(by, reason, "Only a team manager can adjust a budget.")
    if settles is not None:
        raise InvalidParams({"settles": ["An adjustment does not use up a commitment."]})
    return ledger_post(
        by=by,
        budget=budget,
        kind=kind,
        amount=amount,
        entry_on=entry_on,
        description=description,
        reason=reason,
    )


@transaction.atomic
def recovery_post(
    *,
    by: User,
    budget: PersonalBudget,
    amount: Any,
    reason: str,
    entry_on: dt.date | None = None,
    description: str = "",
) -> LedgerEntry:
    """A manager recovers unspent direct payment from the family: at most what was paid out."""
    require_staff(by)
    _require_manager_reason(by, reason, "Only a team manager can recover money.")
    return ledger_post(
        by=by,
        budget=budget,
        kind=EntryKind.RECOVERY,
        amount=amount,
        entry_on=entry_on,
        description=description,
        category=SpendCategory.DIRECT_PAYMENT,
        reason=reason,
    )


@transaction.atomic
def invoice_pay(
    *,
    by: User,
    budget: PersonalBudget,
    amount: Any,
    description: str,
    entry_on: dt.date | None = None,
) -> LedgerEntry:
    """Staff record an invoice the council paid from the budget for other support."""
    require_staff(by)
    if not description.strip():
        raise InvalidParams({"description": ["Say what the invoice was for."]})
    return ledger_post(
        by=by,
        budget=budget,
        kind=EntryKind.PAYMENT,
        amount=amount,
        entry_on=entry_on,
        description=description,
    )


def _require_manager_reason(by: User, reason: str, refusal: str) -> None:
    if not by.has_role(Role.TEAM_MANAGER):
        raise NotPermitted(refusal)
    if not reason.strip():
        raise InvalidParams({"reason": ["Enter the reason."]})


def first_entry_day(budget: PersonalBudget) -> dt.date:
    """The first day an entry may be dated: the start, or the approval if that came first.

    A budget approved before it starts is in force from its approval: its allocation, and the
    bookings made between approval and start, are dated on the day they were made. The database
    trigger of migration 0003 says the same.
    """
    if budget.approved_on is not None and budget.approved_on < budget.start_on:
        return budget.approved_on
    return budget.start_on


@transaction.atomic
def ledger_post(
    *,
    by: User,
    budget: PersonalBudget,
    kind: str,
    amount: Any,
    entry_on: dt.date | None = None,
    description: str = "",
    category: str = SpendCategory.OTHER,
    settles: LedgerEntry | None = None,
    source: models.Model | None = None,
    instalment: int | None = None,
    reason: str = "",
) -> LedgerEntry:
    """Post one entry under the budget's lock, refused if it breaks a rule of DESIGN §8.

    Callers have already decided that `by` may cause this entry: a manager's adjustment or
    recovery, or a step of a machine whose permission was checked (a delivered session). The
    rules: dated inside the budget's dates and not after today; a release names the commitment
    it releases; a payment or release never uses more of a commitment than is left of it;
    `available` never goes below zero; the allocation never passes `MAX_ALLOCATED`.
    """
    value = money(amount, "amount")
    entry_on = entry_on or clock.today()
    if entry_on > clock.today():
        raise InvalidParams({"entry_on": ["The date cannot be in the future."]})
    locked = PersonalBudget.objects.select_for_update().get(pk=budget.pk)
    if locked.status not in {BudgetStatus.ACTIVE, BudgetStatus.SUSPENDED} or (
        locked.status == BudgetStatus.SUSPENDED
        and kind in {EntryKind.COMMITMENT, EntryKind.PAYMENT}
    ):
        raise TransitionNotAllowed(
            f"Money cannot be posted while the budget is {locked.get_status_display().lower()}."
        )
    first_day = first_entry_day(locked)
    if not first_day <= entry_on <= locked.end_on:
        raise InvalidParams(
            {
                "entry_on": [
                    f"The date must fall within the budget's dates, {first_day:%-d %B %Y} "
                    f"to {locked.end_on:%-d %B %Y}."
                ]
            }
        )
    if kind == EntryKind.COMMITMENT_RELEASE and settles is None:
        raise InvalidParams({"settles": ["Name the commitment that this releases."]})
    if settles is not None:
        _check_settles(locked, kind, value, settles)
    before = balances_of(locked)
    # A payment that uses up a commitment turns money already set aside into spend: no change.
    effects: dict[str, Decimal] = {
        EntryKind.COMMITMENT: -value,
        EntryKind.PAYMENT: ZERO if settles is not None else -value,
        EntryKind.ADJUSTMENT_DOWN: -value,
    }
    effect = effects.get(kind, ZERO)
    if kind == EntryKind.RECOVERY and value > before.direct_payments_paid - before.recovered:
        raise InvalidParams(
            {"amount": ["More than the direct payments made can not be recovered."]}
        )
    if kind in {EntryKind.ALLOCATION, EntryKind.ADJUSTMENT_UP} and (
        before.allocated + value > MAX_ALLOCATED
    ):
        raise InvalidParams(
            {
                "amount": [
                    f"A budget cannot hold more than £{MAX_ALLOCATED:,.2f}: it has "
                    f"£{before.allocated:,.2f} already."
                ]
            }
        )
    if before.available + effect < 0:
        raise BudgetExceeded(
            f"This would overdraw the budget: only £{before.available:,.2f} is available.",
            extra={"available": str(before.available)},
        )
    entry = LedgerEntry.objects.create(
        budget=locked,
        entry_on=entry_on,
        kind=kind,
        amount=value,
        description=(description or reason or dict(EntryKind.choices)[kind])[:300],
        category=category,
        settles=settles,
        instalment=instalment,
        source_type=ContentType.objects.get_for_model(source) if source is not None else None,
        source_id=source.pk if source is not None else None,
        created_by=by,
    )
    if kind in MANAGER_KINDS:
        audit(
            locked, kind, by=by, note=reason, case_id=locked.case_id, params={"amount": str(value)}
        )
    return entry


def _outstanding(commitment: LedgerEntry) -> Decimal:
    used = commitment.settled_by.aggregate(total=models.Sum("amount"))["total"] or ZERO
    return Decimal(commitment.amount - used)


def _check_settles(
    budget: PersonalBudget, kind: str, value: Decimal, settles: LedgerEntry
) -> None:
    if settles.budget_id != budget.pk or settles.kind != EntryKind.COMMITMENT:
        raise InvalidParams({"settles": ["Choose a commitment on this budget."]})
    if kind not in {EntryKind.PAYMENT, EntryKind.COMMITMENT_RELEASE}:
        raise InvalidParams({"settles": ["Only a payment or a release can use up a commitment."]})
    if value > _outstanding(settles):
        raise InvalidParams({"amount": ["That is more than is still set aside for this booking."]})
