"""Budget use cases: the only writers of schemes, budgets and ledger entries. Each is atomic.

Money moves under a lock: every posting locks the budget row first, so two postings at once are
applied one after the other and the second sees the first.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, cast

from django.contrib.contenttypes.models import ContentType
from django.db import IntegrityError, models, transaction

import workflows
from accounts.models import User
from accounts.roles import STAFF_ROLES, Role
from budgets import periods, ras
from budgets.models import (
    DIRECT_PAYMENT_REVIEW,
    ZERO,
    AllocationScheme,
    BudgetStatus,
    DirectPaymentFrequency,
    EntryKind,
    LedgerEntry,
    PersonalBudget,
    SchemeDomain,
    SpendCategory,
)
from budgets.selectors import balances_of, outstanding_commitments
from casework.models import OPEN_CASE_STATES, Child
from workflows import clock
from workflows.batch import each_in_own_transaction
from workflows.errors import InvalidParams, NotPermitted, TransitionNotAllowed, WorkflowError
from workflows.services import audit, deadlines_open, record_created

SPLIT_FIELDS = {
    "delivery": ("direct_payment_amount", "notional_amount", "third_party_amount"),
    "funding": ("social_care_amount", "education_amount", "health_amount"),
}
PLAN_FIELDS = (
    "support_plan",
    "agreed_amount",
    *SPLIT_FIELDS["delivery"],
    *SPLIT_FIELDS["funding"],
    "direct_payment_frequency",
    "first_payment_on",
)
OPEN_FOR_PLANNING = {BudgetStatus.REQUESTED, BudgetStatus.INDICATIVE}
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


def _require_staff(by: User) -> None:
    if not any(by.has_role(role) for role in STAFF_ROLES):
        raise NotPermitted("Only a practitioner or a team manager can do this.")


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


# Schemes -------------------------------------------------------------------------------------


def scheme_score(
    *, scheme: AllocationScheme, answers: dict[str, Any], start_on: dt.date | None = None
) -> ras.Working:
    """The working of a score, saving nothing."""
    end_on = periods.end_of(periods.start_of(start_on)) if start_on else None
    try:
        return ras.score(
            scheme, list(scheme.domains.all()), answers, start_on=start_on, end_on=end_on
        )
    except ras.AnswersInvalid as error:
        raise InvalidParams(
            {"answers": [f"{key}: {m}" for key, ms in error.fields.items() for m in ms]}
        ) from None


@transaction.atomic
def scheme_new_version(
    *,
    by: User,
    scheme: AllocationScheme,
    price_per_point: Any = None,
    floor: Any = None,
    ceiling: Any = None,
    domains: list[dict[str, Any]] | None = None,
) -> AllocationScheme:
    """A manager changes a scheme by making its next version; budgets keep their own version."""
    if not by.has_role(Role.TEAM_MANAGER):
        raise NotPermitted("Only a team manager can change the resource allocation system.")
    current = AllocationScheme.objects.select_for_update().get(pk=scheme.pk)
    latest = (
        AllocationScheme.objects.filter(name=current.name).order_by("-version").first() or current
    )
    values = {
        "price_per_point": money(price_per_point, "price_per_point")
        if price_per_point is not None
        else current.price_per_point,
        "floor": money(floor, "floor", allow_zero=True) if floor is not None else current.floor,
        "ceiling": money(ceiling, "ceiling") if ceiling is not None else current.ceiling,
    }
    # Checked before saving, against the values carried over too: the table's own constraint
    # would otherwise be the one to refuse it, as a server error.
    if values["ceiling"] < values["floor"]:
        raise InvalidParams({"ceiling": ["The ceiling cannot be below the floor."]})
    keys = [domain["key"] for domain in domains or ()]
    if len(keys) != len(set(keys)):
        raise InvalidParams({"domains": ["Give each domain a different key."]})
    new = AllocationScheme.objects.create(
        name=current.name, version=latest.version + 1, created_by=by, **values
    )
    if domains is None:
        domains = [
            dict(row)
            for row in current.domains.values(
                "key", "label", "max_score", "points_per_score", "position"
            )
        ]
    SchemeDomain.objects.bulk_create(SchemeDomain(scheme=new, **domain) for domain in domains)
    AllocationScheme.objects.filter(name=current.name).exclude(pk=new.pk).update(is_current=False)
    audit(new, "new_version", by=by, note=f"Version {new.version} of {new.name}")
    return new


# Budgets ------------------------------------------------------------------------------------


@transaction.atomic
def budget_request(*, by: User, child: Child, start_on: dt.date) -> PersonalBudget:
    """Start a personal budget for the rest of the financial year that `start_on` falls in."""
    _require_staff(by)
    period_start = periods.start_of(start_on)
    budget = PersonalBudget.objects.create(
        child=child,
        case=child.cases.filter(status__in=OPEN_CASE_STATES).first(),
        team=child.team,
        period_start=period_start,
        start_on=start_on,
        end_on=periods.end_of(period_start),
    )
    record_created(budget, by=by, on=min(start_on, clock.today()))
    return budget


@transaction.atomic
def budget_score(
    *,
    by: User,
    budget: PersonalBudget,
    scheme: AllocationScheme,
    answers: dict[str, Any],
    on: dt.date | None = None,
) -> PersonalBudget:
    """Score the child with a scheme version; the budget keeps that version and the answers."""
    _require_staff(by)
    locked = PersonalBudget.objects.select_for_update().get(pk=budget.pk)
    if locked.status not in OPEN_FOR_PLANNING:
        raise TransitionNotAllowed("The budget can be scored only before it is submitted.")
    working = scheme_score(scheme=scheme, answers=answers, start_on=locked.start_on)
    locked.scheme = scheme
    locked.answers = answers
    locked.indicative_amount = working.indicative_amount
    locked.save(update_fields=["scheme", "answers", "indicative_amount"])
    if locked.status == BudgetStatus.REQUESTED:
        locked = workflows.transition(locked, "calculate", by=by, on=on)
    return locked


@transaction.atomic
def budget_plan(*, by: User, budget: PersonalBudget, **fields: Any) -> PersonalBudget:
    """Record the support plan, the agreed amount and its delivery and funding splits."""
    _require_staff(by)
    unknown = set(fields) - set(PLAN_FIELDS)
    if unknown:
        raise InvalidParams({name: ["This field cannot be changed here."] for name in unknown})
    locked = PersonalBudget.objects.select_for_update().get(pk=budget.pk)
    if locked.status not in OPEN_FOR_PLANNING:
        raise TransitionNotAllowed("The budget can be changed only before it is submitted.")
    for name, value in fields.items():
        if name.endswith("_amount"):
            value = money(value, name, allow_zero=name != "agreed_amount")
        setattr(locked, name, value)
    if locked.direct_payment_frequency not in DirectPaymentFrequency.values:
        raise InvalidParams({"direct_payment_frequency": ["Choose monthly or every four weeks."]})
    errors = _split_errors(locked)
    if errors:
        raise InvalidParams(errors)
    if locked.direct_payment_amount > 0 and locked.first_payment_on is None:
        raise InvalidParams({"first_payment_on": ["Enter the date of the first direct payment."]})
    if locked.first_payment_on and not locked.start_on <= locked.first_payment_on <= locked.end_on:
        raise InvalidParams(
            {"first_payment_on": ["The first payment must fall within the budget's dates."]}
        )
    locked.save()
    return locked


def _split_errors(budget: PersonalBudget) -> dict[str, list[str]]:
    if budget.agreed_amount is None:
        return {}
    errors = {}
    for split, names in SPLIT_FIELDS.items():
        total = sum((getattr(budget, name) for name in names), ZERO)
        if total != budget.agreed_amount:
            agreed = budget.agreed_amount
            errors[names[0]] = [
                f"The {split} split adds up to £{total:,.2f}, not the agreed £{agreed:,.2f}."
            ]
    return errors


def post_allocation(budget: PersonalBudget, *, by: User, on: dt.date) -> None:
    """On approval: the agreed amount becomes the budget's allocation (an effect of `approve`).

    A budget approved after its end date still belongs to its own dates: the allocation is dated
    its last day.
    """
    LedgerEntry.objects.create(
        budget=budget,
        entry_on=min(on, budget.end_on),
        kind=EntryKind.ALLOCATION,
        amount=budget.agreed_amount or ZERO,
        description=f"Personal budget for {budget.period_label} approved",
        created_by=by,
    )


def release_commitments(budget: PersonalBudget, *, by: User, on: dt.date) -> None:
    """On ending: money set aside for bookings that will not happen goes back (`end`).

    The releases are dated inside the budget's dates: its last day if it ended after them.
    """
    entry_on = max(first_entry_day(budget), min(on, budget.end_on))
    LedgerEntry.objects.bulk_create(
        LedgerEntry(
            budget=budget,
            entry_on=entry_on,
            kind=EntryKind.COMMITMENT_RELEASE,
            amount=outstanding,
            description="Released when the budget ended",
            settles_id=commitment_id,
            category=category,
            created_by=by,
        )
        for commitment_id, outstanding, category in outstanding_commitments(budget)
    )


# The ledger ---------------------------------------------------------------------------------


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
    _require_staff(by)
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
    _require_staff(by)
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
    _require_staff(by)
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


# Direct payments ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Instalment:
    number: int
    due_on: dt.date
    amount: Decimal


def direct_payment_schedule(budget: PersonalBudget) -> list[Instalment]:
    """Equal instalments from the first payment to the end of the budget; the last one takes
    the pence left over, so the instalments add up to the direct payment exactly."""
    if not budget.direct_payment_amount or budget.first_payment_on is None:
        return []
    dates = []
    day, number = budget.first_payment_on, 0
    while day <= budget.end_on:
        dates.append(day)
        number += 1
        if budget.direct_payment_frequency == DirectPaymentFrequency.FOUR_WEEKLY:
            day = clock.add_weeks(budget.first_payment_on, 4 * number)
        else:
            day = clock.add_months(budget.first_payment_on, number)
    each = (budget.direct_payment_amount / len(dates)).quantize(
        Decimal("0.01"), rounding="ROUND_DOWN"
    )
    amounts = [each] * (len(dates) - 1) + [budget.direct_payment_amount - each * (len(dates) - 1)]
    return [
        Instalment(index + 1, due, amount)
        for index, (due, amount) in enumerate(zip(dates, amounts, strict=True))
    ]


def direct_payments_pay_due(*, today: dt.date | None = None) -> int:
    """Post every direct-payment instalment that has fallen due and is not yet paid.

    Safe to run any number of times: an instalment is one entry (a unique constraint), so a
    second run finds it paid. The approving manager authorised the schedule, so the entries are
    posted in their name. The first payment opens the 3-month direct payment review.

    Each budget is paid in a transaction of its own: one that fails is rolled back, reported to
    its team's managers and tried again at the next run, and every other family is still paid.
    """
    today = today or clock.today()
    budgets = PersonalBudget.objects.filter(
        status=BudgetStatus.ACTIVE, direct_payment_amount__gt=0, first_payment_on__lte=today
    ).select_related("approved_by")

    def pay(budget: PersonalBudget) -> int:
        done = set(
            budget.entries.filter(instalment__isnull=False).values_list("instalment", flat=True)
        )
        paid = 0
        for instalment in direct_payment_schedule(budget):
            if instalment.due_on > today or instalment.number in done:
                continue
            try:
                with transaction.atomic():
                    _pay_instalment(budget, instalment)
            except IntegrityError:
                continue  # another run paid it meanwhile
            paid += 1
        return paid

    return each_in_own_transaction(
        "Direct payment instalments",
        budgets.order_by("pk"),
        pay,
        describe=lambda budget: f"the direct payment of budget {budget.pk}",
        team_of=lambda budget: budget.team_id,
    ).done


def _pay_instalment(budget: PersonalBudget, instalment: Instalment) -> None:
    ledger_post(
        by=cast(User, budget.approved_by),
        budget=budget,
        kind=EntryKind.PAYMENT,
        amount=instalment.amount,
        entry_on=instalment.due_on,
        description=f"Direct payment, instalment {instalment.number}",
        category=SpendCategory.DIRECT_PAYMENT,
        instalment=instalment.number,
    )
    if instalment.number == 1:
        deadlines_open(budget, (DIRECT_PAYMENT_REVIEW,), on=instalment.due_on)
