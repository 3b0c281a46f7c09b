"""Resource allocation, personal budgets and the append-only ledger (DESIGN §3 budgets)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django_fsm import FSMField, FSMModelMixin, transition

from accounts.roles import Role
from budgets import periods
from casework.deadlines import LEAD_PROFESSIONAL, reason_field
from workflows import clock
from workflows.registry import DeadlineKind, Step
from workflows.rules import condition, permission, requires_role
from workflows.templatetags.govuk import money

ZERO = Decimal("0.00")
PENCE = Decimal("0.01")


def money_field(**kwargs: Any) -> Any:
    return models.DecimalField(max_digits=12, decimal_places=2, **kwargs)


class AllocationScheme(models.Model):
    """A version of the resource allocation system (RAS): domains scored, a price per point.

    A scheme is never edited once used: a manager's change makes a new version, and every budget
    keeps the version it was scored with.
    """

    name = models.CharField(max_length=120)
    version = models.PositiveIntegerField(default=1)
    price_per_point = money_field(validators=[MinValueValidator(Decimal("0.01"))])
    floor = money_field(default=ZERO)
    ceiling = money_field()
    is_current = models.BooleanField(default=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["name", "version"], name="one_scheme_version"),
            models.CheckConstraint(
                condition=Q(ceiling__gte=models.F("floor")), name="ceiling_over_floor"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} (version {self.version})"


class SchemeDomain(models.Model):
    """One question of the RAS: scored 0 to `max_score`; each score is worth `points_per_score`."""

    scheme = models.ForeignKey(AllocationScheme, on_delete=models.CASCADE, related_name="domains")
    key = models.SlugField(max_length=40)
    label = models.CharField(max_length=120)
    max_score = models.PositiveSmallIntegerField()
    points_per_score = models.PositiveSmallIntegerField(default=1)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["scheme", "position", "id"]
        constraints = [
            models.UniqueConstraint(fields=["scheme", "key"], name="one_domain_key_per_scheme")
        ]

    def __str__(self) -> str:
        return self.label


class BudgetStatus(models.TextChoices):
    REQUESTED = "requested", "Requested"
    INDICATIVE = "indicative", "Indicative amount worked out"
    AWAITING_APPROVAL = "awaiting_approval", "Waiting for approval"
    ACTIVE = "active", "Active"
    SUSPENDED = "suspended", "Suspended"
    ENDED = "ended", "Ended"


class DirectPaymentFrequency(models.TextChoices):
    MONTHLY = "monthly", "Monthly"
    FOUR_WEEKLY = "four_weekly", "Every four weeks"


@condition("The budget has not been scored with the resource allocation system yet.")
def scored(budget: PersonalBudget) -> bool:
    return budget.scheme_id is not None and budget.indicative_amount is not None


@condition(
    "The support plan, the agreed amount and how it is delivered and funded must all be "
    "recorded, and each split must add up to the agreed amount."
)
def ready_to_submit(budget: PersonalBudget) -> bool:
    return bool(budget.support_plan.strip()) and budget.splits_add_up()


@permission("Another manager must approve it: you submitted it.")
def not_the_submitter(budget: PersonalBudget, user: Any) -> bool:
    return bool(budget.submitted_by_id != user.pk)


class BudgetReviewOutcome(models.TextChoices):
    """What a review of the budget or its direct payments decided (not stored on the budget: the
    audit row of the review keeps it)."""

    CONTINUE = "continue", "Carry on as they are"
    CHANGE_AMOUNT = "change_amount", "Change the amount"


def direct_payment_review_due(budget: PersonalBudget, on: dt.date) -> dt.date:
    """SEN (Personal Budgets) Regulations 2014 reg 11: the making and use of direct payments are
    reviewed within the first 3 months of their being made, then as part of each review or
    re-assessment of the EHC plan.

    Opened by the first payment (`on` is its day): the last day of the 3 months starting with it.
    Opened by a review meeting of the child's plan (`on` is the meeting): by the end of that
    review, the 4 weeks in which its decision is due (SEND Regulations 2014 reg 20(10)).
    """
    if on == budget.first_payment_on:
        return clock.last_day_of_months_starting_with(on, 3)
    return clock.add_weeks(on, 4)


def budget_review_due(budget: PersonalBudget, on: dt.date) -> dt.date:
    """PATHWAY_BUDGET_REVIEW_MONTHS (12) after approval: council policy, not the law."""
    return clock.add_months(on, settings.PATHWAY_BUDGET_REVIEW_MONTHS)


DIRECT_PAYMENT_REVIEW = DeadlineKind(
    "direct_payment_review",
    "Review the direct payment",
    direct_payment_review_due,
    statutory=True,
    basis="SEN (Personal Budgets) Regulations 2014 reg 11",
    owner=LEAD_PROFESSIONAL,
    for_families="We review how the direct payments are working",
    plain_basis=(
        "The law (SEN (Personal Budgets) Regulations 2014, regulation 11) says we must review "
        "direct payments within 3 months of the first one, then at each review of the plan"
    ),
)
BUDGET_REVIEW = DeadlineKind(
    "budget_review",
    "Review the personal budget",
    budget_review_due,
    statutory=False,
    basis="Council policy (PATHWAY_BUDGET_REVIEW_MONTHS)",
    for_families="We review the personal budget",
    plain_basis="Our own policy is to review each personal budget within 12 months of approval",
)
KINDS = (DIRECT_PAYMENT_REVIEW, BUDGET_REVIEW)


TEAM_MANAGER = requires_role(Role.TEAM_MANAGER)
PRACTITIONER = requires_role(Role.PRACTITIONER)


def amount_and_dates(budget: PersonalBudget, amount: Decimal | None) -> str:
    """£5,650.00 a year from 1 April 2026, or the budget's own dates when not a whole year:
    how every success banner of a budget step gives the amount."""
    if budget.start_on == budget.period_start and budget.end_on == periods.end_of(
        budget.period_start
    ):
        return f"{money(amount)} a year from {budget.start_on:%-d %B %Y}"
    return f"{money(amount)} from {budget.start_on:%-d %B %Y} to {budget.end_on:%-d %B %Y}"


def _approved_done(budget: PersonalBudget) -> str:
    return f"Budget approved — {amount_and_dates(budget, budget.agreed_amount)}"


def _indicative_done(budget: PersonalBudget) -> str:
    return f"Indicative budget worked out — {amount_and_dates(budget, budget.indicative_amount)}"


def _ended_done(budget: PersonalBudget) -> str:
    return f"Budget ended on {budget.ended_on:%-d %B %Y} — no more payments are made from it"


REASON = {"reason": reason_field()}


class PersonalBudget(FSMModelMixin, models.Model):
    """A child's personal budget for one financial year (1 April to 31 March).

    requested ─calculate→ indicative ─submit→ awaiting_approval ─approve→ active
    awaiting_approval ─return_for_changes→ indicative
    active ─suspend→ suspended ─resume→ active;  active or suspended ─end→ ended

    Money is never stored as a balance: the ledger's entries are the record (see LedgerEntry).
    """

    child = models.ForeignKey("casework.Child", on_delete=models.PROTECT, related_name="budgets")
    case = models.ForeignKey(
        "casework.Case", null=True, blank=True, on_delete=models.PROTECT, related_name="budgets"
    )
    team = models.ForeignKey("accounts.Team", on_delete=models.PROTECT, related_name="budgets")
    status = FSMField(default=BudgetStatus.REQUESTED, choices=BudgetStatus.choices, protected=True)
    period_start = models.DateField(help_text="1 April of the financial year.")
    start_on = models.DateField()
    end_on = models.DateField()
    scheme = models.ForeignKey(
        AllocationScheme, null=True, blank=True, on_delete=models.PROTECT, related_name="budgets"
    )
    answers = models.JSONField(default=dict, blank=True)
    indicative_amount = money_field(null=True, blank=True)
    agreed_amount = money_field(null=True, blank=True)
    support_plan = models.TextField(blank=True)
    direct_payment_amount = money_field(default=ZERO)
    notional_amount = money_field(default=ZERO)
    third_party_amount = money_field(default=ZERO)
    social_care_amount = money_field(default=ZERO)
    education_amount = money_field(default=ZERO)
    health_amount = money_field(default=ZERO)
    direct_payment_frequency = models.CharField(
        max_length=12,
        choices=DirectPaymentFrequency.choices,
        default=DirectPaymentFrequency.MONTHLY,
    )
    first_payment_on = models.DateField(null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    approved_on = models.DateField(null=True, blank=True)
    status_reason = models.TextField(blank=True)
    ended_on = models.DateField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-period_start", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["child", "period_start"],
                condition=Q(status__in=["active", "suspended"]),
                name="one_active_budget_per_child_per_period",
            ),
            models.CheckConstraint(
                condition=Q(end_on__gte=models.F("start_on")), name="budget_dates_in_order"
            ),
        ]
        indexes = [models.Index(fields=["team", "status"], name="budget_team_status")]

    def __str__(self) -> str:
        return f"Personal budget {periods.label(self.period_start)} for {self.child}"

    @property
    def period_label(self) -> str:
        return periods.label(self.period_start)

    @property
    def delivery_total(self) -> Decimal:
        return Decimal(self.direct_payment_amount + self.notional_amount + self.third_party_amount)

    @property
    def funding_total(self) -> Decimal:
        return Decimal(self.social_care_amount + self.education_amount + self.health_amount)

    def splits_add_up(self) -> bool:
        return (
            self.agreed_amount is not None
            and self.agreed_amount > ZERO
            and self.delivery_total == self.agreed_amount
            and self.funding_total == self.agreed_amount
        )

    @transition(
        field=status,
        source=BudgetStatus.REQUESTED,
        target=BudgetStatus.INDICATIVE,
        permission=PRACTITIONER,
        conditions=[scored],
        custom={
            "step": Step(
                "Work out the indicative budget", done=lambda budget: _indicative_done(budget)
            )
        },
    )
    def calculate(self, *, by: Any, on: dt.date, note: str) -> None:
        pass

    @transition(
        field=status,
        source=BudgetStatus.INDICATIVE,
        target=BudgetStatus.AWAITING_APPROVAL,
        permission=PRACTITIONER,
        conditions=[scored, ready_to_submit],
        custom={
            "step": Step(
                "Submit for approval",
                done="Budget submitted: it is waiting for a team manager's decision",
            )
        },
    )
    def submit(self, *, by: Any, on: dt.date, note: str) -> None:
        self.submitted_by = by
        self.status_reason = ""

    @transition(
        field=status,
        source=BudgetStatus.AWAITING_APPROVAL,
        target=BudgetStatus.ACTIVE,
        permission=TEAM_MANAGER & not_the_submitter,
        conditions=[ready_to_submit],
        custom={
            "step": Step(
                "Approve",
                opens=(BUDGET_REVIEW,),
                decision=True,
                done=lambda budget: _approved_done(budget),
            )
        },
    )
    def approve(self, *, by: Any, on: dt.date, note: str) -> None:
        """Hooked in budgets/machines.py: posts the allocation to the ledger, tells the family."""
        self.approved_by = by
        self.approved_on = on

    @transition(
        field=status,
        source=BudgetStatus.AWAITING_APPROVAL,
        target=BudgetStatus.INDICATIVE,
        permission=TEAM_MANAGER,
        custom={
            "step": Step(
                "Return for changes",
                params=REASON,
                decision=True,
                done="Budget returned to the practitioner for changes",
            )
        },
    )
    def return_for_changes(self, *, by: Any, on: dt.date, note: str, reason: str) -> None:
        """Hooked in budgets/machines.py: tells the practitioner why."""
        self.status_reason = reason

    @transition(
        field=status,
        source=BudgetStatus.ACTIVE,
        target=BudgetStatus.SUSPENDED,
        permission=TEAM_MANAGER,
        custom={
            "step": Step(
                "Suspend",
                params=REASON,
                destructive=True,
                done="Budget suspended: no payments are made until a team manager resumes it",
                consequence="No payments are made while the budget is suspended; a team manager "
                "can resume it.",
            )
        },
    )
    def suspend(self, *, by: Any, on: dt.date, note: str, reason: str) -> None:
        self.status_reason = reason

    @transition(
        field=status,
        source=BudgetStatus.SUSPENDED,
        target=BudgetStatus.ACTIVE,
        permission=TEAM_MANAGER,
        custom={
            "step": Step(
                "Resume", params=REASON, done="Budget resumed: payments and bookings can carry on"
            )
        },
    )
    def resume(self, *, by: Any, on: dt.date, note: str, reason: str) -> None:
        self.status_reason = reason

    @transition(
        field=status,
        source=[BudgetStatus.ACTIVE, BudgetStatus.SUSPENDED],
        target=BudgetStatus.ENDED,
        permission=TEAM_MANAGER,
        custom={
            "step": Step(
                "End the budget",
                params=REASON,
                destructive=True,
                done=lambda budget: _ended_done(budget),
                consequence="What is still set aside for bookings is released and no more "
                "payments are made. This cannot be undone.",
                closes=(BUDGET_REVIEW, DIRECT_PAYMENT_REVIEW),
            )
        },
    )
    def end(self, *, by: Any, on: dt.date, note: str, reason: str) -> None:
        """Hooked in budgets/machines.py: releases what is still committed on the ledger."""
        self.ended_on = on
        self.status_reason = reason


class EntryKind(models.TextChoices):
    ALLOCATION = "allocation", "Budget allocated"
    COMMITMENT = "commitment", "Money set aside for a booking"
    COMMITMENT_RELEASE = "commitment_release", "Money set aside released"
    PAYMENT = "payment", "Payment"
    RECOVERY = "recovery", "Unspent direct payment recovered"
    ADJUSTMENT_UP = "adjustment_up", "Budget increased"
    ADJUSTMENT_DOWN = "adjustment_down", "Budget reduced"


class SpendCategory(models.TextChoices):
    DIRECT_PAYMENT = "direct_payment", "Direct payment instalments"
    OTHER = "other", "Other support"


class LedgerEntry(models.Model):
    """One movement of money on a budget. Append-only: the database refuses UPDATE and DELETE.

    A correction is a new entry. The database also refuses an entry dated outside its budget's
    dates and a payment or release that uses more of a commitment than is left of it (triggers of
    migration 0003). Balances are sums over entries, computed in SQL:
    allocated = allocation + adjustment_up − adjustment_down; spent = payment − recovery;
    committed = commitment − commitment_release − payments that settle a commitment;
    available = allocated − spent − committed.
    """

    budget = models.ForeignKey(PersonalBudget, on_delete=models.PROTECT, related_name="entries")
    entry_on = models.DateField()
    kind = models.CharField(max_length=20, choices=EntryKind.choices)
    amount = money_field()
    description = models.CharField(max_length=300)
    category = models.CharField(max_length=40, default=SpendCategory.OTHER)
    settles = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="settled_by",
        help_text="For a payment or release: the commitment it uses up.",
    )
    instalment = models.PositiveSmallIntegerField(null=True, blank=True)
    source_type = models.ForeignKey(
        ContentType, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    source_id = models.PositiveBigIntegerField(null=True, blank=True)
    source = GenericForeignKey("source_type", "source_id")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="ledger_entries"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["entry_on", "id"]
        verbose_name_plural = "ledger entries"
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="ledger_amount_positive"),
            models.CheckConstraint(
                condition=~Q(kind="commitment_release") | Q(settles__isnull=False),
                name="release_names_its_commitment",
            ),
            models.CheckConstraint(
                condition=Q(settles__isnull=True) | Q(kind__in=["payment", "commitment_release"]),
                name="only_payments_and_releases_settle",
            ),
            models.UniqueConstraint(
                fields=["budget", "instalment"],
                condition=Q(instalment__isnull=False),
                name="one_entry_per_instalment",
            ),
        ]
        indexes = [
            # Every balance and statement: a budget's entries by date.
            models.Index(fields=["budget", "entry_on"], name="ledger_budget_date"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} £{self.amount} on {self.entry_on}"
