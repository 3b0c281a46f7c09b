"""Budget use cases: the only writers of schemes, budgets and ledger entries. Each is atomic.

The ledger's own writers live in `budgets/ledger.py` and are imported here, so that every budget
writer is `budgets.services.<name>`.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, TypedDict, Unpack, cast

from django.contrib.contenttypes.models import ContentType
from django.db import IntegrityError, transaction

import workflows
from accounts.models import User
from accounts.roles import Role
from budgets import periods, ras

# The ledger's writers, and what their callers need, are budget writers too: re-exported.
from budgets.ledger import MAX_ALLOCATED as MAX_ALLOCATED
from budgets.ledger import POSTABLE_KINDS as POSTABLE_KINDS
from budgets.ledger import BudgetExceeded as BudgetExceeded
from budgets.ledger import entry_post as entry_post
from budgets.ledger import first_entry_day as first_entry_day
from budgets.ledger import invoice_pay as invoice_pay
from budgets.ledger import ledger_post as ledger_post
from budgets.ledger import money as money
from budgets.ledger import recovery_post as recovery_post
from budgets.models import (
    BUDGET_REVIEW,
    DIRECT_PAYMENT_REVIEW,
    ZERO,
    AllocationScheme,
    BudgetReviewOutcome,
    BudgetStatus,
    DirectPaymentFrequency,
    EntryKind,
    LedgerEntry,
    PersonalBudget,
    SchemeDomain,
    SpendCategory,
)
from budgets.selectors import outstanding_commitments
from casework.deadlines import ANNUAL_REVIEW
from casework.models import OPEN_CASE_STATES, Child, EHCPlan
from workflows import clock
from workflows.acting import require_staff
from workflows.batch import each_in_own_transaction
from workflows.errors import InvalidParams, NotPermitted, TransitionNotAllowed
from workflows.models import Deadline
from workflows.registry import DeadlineKind
from workflows.services import audit, deadlines_close, deadlines_open, record_created

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


class BudgetPlanChanges(TypedDict, total=False):
    """What `budget_plan` records (PLAN_FIELDS): only the fields given change. An amount is text
    like "125.50" or a Decimal, never a float."""

    support_plan: str
    agreed_amount: Decimal | str
    direct_payment_amount: Decimal | str
    notional_amount: Decimal | str
    third_party_amount: Decimal | str
    social_care_amount: Decimal | str
    education_amount: Decimal | str
    health_amount: Decimal | str
    direct_payment_frequency: str
    first_payment_on: dt.date | None


OPEN_FOR_PLANNING = {BudgetStatus.REQUESTED, BudgetStatus.INDICATIVE}

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
    require_staff(by)
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
    require_staff(by)
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
def budget_plan(
    *, by: User, budget: PersonalBudget, **fields: Unpack[BudgetPlanChanges]
) -> PersonalBudget:
    """Record the support plan, the agreed amount and its delivery and funding splits."""
    require_staff(by)
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


def direct_payment_review_at_plan_review(plan: Any, *, by: User, on: dt.date) -> None:
    """The effect of the child's EHC plan review meeting (`EHCPlan.start_review`, on the meeting
    date): each budget of the child paying direct payments gets its next direct-payment review
    (SEN (Personal Budgets) Regulations 2014 reg 11). One still running is replaced; a missed one
    stays missed."""
    for budget in PersonalBudget.objects.filter(
        child_id=plan.child_id,
        status__in=[BudgetStatus.ACTIVE, BudgetStatus.SUSPENDED],
        direct_payment_amount__gt=0,
        first_payment_on__lte=on,
    ):
        deadlines_open(budget, (DIRECT_PAYMENT_REVIEW,), on=on, by="start_review")


def review_kind_due(budget: PersonalBudget) -> DeadlineKind | None:
    """The review of this budget that is running now, the direct payments' (the law's) first."""
    running = set(
        Deadline.objects.for_subject(budget)
        .running()
        .filter(kind__in=[DIRECT_PAYMENT_REVIEW.value, BUDGET_REVIEW.value])
        .values_list("kind", flat=True)
    )
    return next(
        (kind for kind in (DIRECT_PAYMENT_REVIEW, BUDGET_REVIEW) if kind.value in running), None
    )


def direct_payment_next_review(budget: PersonalBudget) -> dt.date | None:
    """When the direct payments are next reviewed: SEN (Personal Budgets) Regulations 2014
    reg 11(2)(b) makes every later review part of each review or re-assessment of the EHC plan,
    so the next is due with the plan's running annual review (the meeting opens it, see
    `direct_payment_review_at_plan_review`); None when no annual review is running."""
    plans = EHCPlan.objects.filter(child_id=budget.child_id).values("pk")
    due = (
        Deadline.objects.of_kind(ANNUAL_REVIEW)
        .running()
        .filter(subject_type=ContentType.objects.get_for_model(EHCPlan), subject_id__in=plans)
        .order_by("due_on")
        .values_list("due_on", flat=True)
        .first()
    )
    return due


@transaction.atomic
def budget_review_record(
    *,
    by: User,
    budget: PersonalBudget,
    reviewed_on: dt.date,
    direct_payments: bool,
    outcome: str = BudgetReviewOutcome.CONTINUE,
    notes: str = "",
) -> PersonalBudget:
    """A review of the budget (council policy) or of its direct payments was held on
    `reviewed_on`: its deadline is met, or missed when late, and the review is audited.

    SEN (Personal Budgets) Regulations 2014 reg 11: the council reviews the making and use of
    direct payments within the first 3 months of their being made, then as part of each review
    or re-assessment of the EHC plan; after a review it may change the amount (reg 10, 12), a
    step of its own on the ledger, which the outcome `change_amount` leads to."""
    require_staff(by)
    errors: dict[str, list[str]] = {}
    locked = PersonalBudget.objects.select_for_update().get(pk=budget.pk)
    if reviewed_on > clock.today():
        errors["reviewed_on"] = ["The date of the review must be today or in the past."]
    elif reviewed_on < locked.start_on:
        errors["reviewed_on"] = [
            f"The date of the review must be on or after the budget started "
            f"({locked.start_on:%-d %B %Y})."
        ]
    if outcome not in BudgetReviewOutcome.values:
        errors["outcome"] = ["Choose whether the payments carry on or the amount changes."]
    if errors:
        raise InvalidParams(errors)
    kind = DIRECT_PAYMENT_REVIEW if direct_payments else BUDGET_REVIEW
    if not Deadline.objects.for_subject(locked).running().of_kind(kind).exists():
        raise TransitionNotAllowed(f"No “{kind.label}” is due on this budget.")
    deadlines_close(locked, (kind,), on=reviewed_on, by="review_recorded")
    next_review = direct_payment_next_review(locked) if direct_payments else None
    audit(
        locked,
        "review_recorded",
        by=by,
        note=notes.strip() or BudgetReviewOutcome(outcome).label,
        case_id=locked.case_id,
        params={
            "kind": kind.value,
            "reviewed_on": reviewed_on.isoformat(),
            "outcome": outcome,
            "next_review_on": next_review.isoformat() if next_review else None,
        },
    )
    return locked
