"""Short breaks: providers, the local offer (services), packages of care and booked sessions."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django import forms
from django.conf import settings
from django.db import models
from django.db.models import Q, Sum
from django_fsm import FSMField, FSMModelMixin, transition

from accounts.roles import Role
from budgets.models import PENCE, PersonalBudget, money_field
from budgets.selectors import balances_of
from casework.deadlines import reason_field
from shortbreaks.errors import BudgetOvercommitted
from shortbreaks.models.directory import (
    Access as Access,
)
from shortbreaks.models.directory import (
    Contact as Contact,
)
from shortbreaks.models.directory import (
    CostOption as CostOption,
)
from shortbreaks.models.directory import (
    Location as Location,
)
from shortbreaks.models.directory import (
    Need as Need,
)
from shortbreaks.models.directory import (
    Provider as Provider,
)
from shortbreaks.models.directory import (
    ProviderKind as ProviderKind,
)
from shortbreaks.models.directory import (
    Schedule as Schedule,
)
from shortbreaks.models.directory import (
    Service as Service,
)
from shortbreaks.models.directory import (
    ServiceAtLocation as ServiceAtLocation,
)
from shortbreaks.models.directory import (
    ServiceNeed as ServiceNeed,
)
from shortbreaks.models.directory import (
    ServiceType as ServiceType,
)
from shortbreaks.models.directory import (
    Unit as Unit,
)
from shortbreaks.models.directory import (
    Weekday as Weekday,
)
from shortbreaks.models.directory import (
    price_per_unit as price_per_unit,
)
from shortbreaks.models.directory import (
    units_of as units_of,
)
from workflows import clock
from workflows.registry import Step
from workflows.rules import Permission, condition, requires_role
from workflows.templatetags.govuk import money

TEAM_MANAGER = requires_role(Role.TEAM_MANAGER)
PRACTITIONER = requires_role(Role.PRACTITIONER)


class PackageStatus(models.TextChoices):
    REQUESTED = "requested", "Requested"
    APPROVED = "approved", "Approved"
    ACTIVE = "active", "Active"
    ENDED = "ended", "Ended"
    DECLINED = "declined", "Declined"


@condition("The personal budget does not have enough available to pay for the whole package.")
def budget_covers_package(package: Package) -> bool:
    if package.budget is None:
        return True
    return balances_of(package.budget).available >= package.cost


@condition("The personal budget is not active.")
def budget_active(package: Package) -> bool:
    return package.budget is None or package.budget.status == "active"


REASON = {"reason": reason_field()}
OVERRIDE = {
    "override_reason": forms.CharField(
        label="Reason for approving beyond the budget (only if asked for)",
        help_text=(
            "Needed only when this package and what approved packages have still to book "
            "together cost more than the personal budget has available."
        ),
        required=False,
        widget=forms.Textarea,
    )
}


def promised_to_other_packages(package: Package) -> Decimal:
    """What the budget's other approved and active packages may still book: each one's cost less
    what its sessions (all but the cancelled) have already taken as commitments or payments."""
    rows = (
        Package.objects.filter(
            budget_id=package.budget_id,
            status__in=[PackageStatus.APPROVED, PackageStatus.ACTIVE],
        )
        .exclude(pk=package.pk)
        .annotate(used=Sum("sessions__units", filter=~Q(sessions__status=SessionStatus.CANCELLED)))
        .values_list("unit_cost", "units", "used")
    )
    total = sum((unit_cost * (units - (used or 0)) for unit_cost, units, used in rows), Decimal(0))
    return Decimal(total).quantize(PENCE)


class Package(FSMModelMixin, models.Model):
    """A child's agreed allocation of one service for a period, such as 24 nights a year.

    requested ─approve→ approved ─activate→ active ─end→ ended;  requested ─decline→ declined
    Funded from the child's personal budget, or from a commissioned block when `budget` is empty.
    Approval needs the budget to cover this package and what its other approved packages have
    still to book (or a manager's reason to go beyond it); ending cancels the sessions after it.
    """

    child = models.ForeignKey("casework.Child", on_delete=models.PROTECT, related_name="packages")
    team = models.ForeignKey("accounts.Team", on_delete=models.PROTECT, related_name="packages")
    service = models.ForeignKey(Service, on_delete=models.PROTECT, related_name="packages")
    budget = models.ForeignKey(
        "budgets.PersonalBudget",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="packages",
    )
    status = FSMField(
        default=PackageStatus.REQUESTED, choices=PackageStatus.choices, protected=True
    )
    units = models.PositiveIntegerField(help_text="Units agreed for the whole period.")
    unit_cost = money_field()
    start_on = models.DateField()
    end_on = models.DateField()
    decision_reason = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-start_on", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(units__gt=0), name="package_units_positive"),
            models.CheckConstraint(
                condition=Q(end_on__gte=models.F("start_on")), name="package_dates_in_order"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.service.name} for {self.child}"

    @property
    def cost(self) -> Decimal:
        return Decimal(self.unit_cost * self.units)

    @property
    def cost_description(self) -> str:
        """The one way a package's cost is described, on every page that shows a package.

        A package is agreed as a number of units for its whole period at the price of one
        unit, so it is described that way and nowhere as a monthly amount, which it is not.
        """
        unit = self.service.unit
        return (
            f"{price_per_unit(self.unit_cost, unit)}, up to {units_of(self.units, unit)} "
            f"from {self.start_on:%-d %B %Y} to {self.end_on:%-d %B %Y} "
            f"({money(self.cost)} at most)"
        )

    @transition(
        field=status,
        source=PackageStatus.REQUESTED,
        target=PackageStatus.APPROVED,
        permission=TEAM_MANAGER,
        conditions=[budget_active, budget_covers_package],
        custom={
            "step": Step(
                "Approve the package",
                params=OVERRIDE,
                decision=True,
                done="Package approved: sessions can now be booked once it is started",
            )
        },
    )
    def approve(self, *, by: Any, on: dt.date, note: str, override_reason: str) -> None:
        if self.budget_id is None:
            return
        # Under the budget's lock, so that two managers approving two packages of one budget at
        # once cannot both count on the same money.
        budget = PersonalBudget.objects.select_for_update().get(pk=self.budget_id)
        available = balances_of(budget).available
        promised = promised_to_other_packages(self)
        if promised + self.cost <= available:
            return
        if not override_reason.strip():
            raise BudgetOvercommitted(
                f"The personal budget does not have enough available for this package as well as "
                f"what approved packages have still to book: £{available:,.2f} is available, "
                f"£{promised:,.2f} is promised to approved packages and this one costs "
                f"£{self.cost:,.2f}. To approve it anyway, give the reason for approving beyond "
                f"the budget.",
                extra={"available": str(available), "promised": str(promised)},
            )
        self.decision_reason = f"Approved beyond the budget: {override_reason.strip()}"

    @transition(
        field=status,
        source=PackageStatus.REQUESTED,
        target=PackageStatus.DECLINED,
        permission=TEAM_MANAGER,
        custom={
            "step": Step(
                "Decline the package",
                params=REASON,
                decision=True,
                destructive=True,
                done="Package declined",
                consequence="The package will not go ahead. This cannot be undone.",
            )
        },
    )
    def decline(self, *, by: Any, on: dt.date, note: str, reason: str) -> None:
        self.decision_reason = reason

    @transition(
        field=status,
        source=PackageStatus.APPROVED,
        target=PackageStatus.ACTIVE,
        permission=PRACTITIONER,
        conditions=[budget_active],
        custom={"step": Step("Start the package", done="Package started")},
    )
    def activate(self, *, by: Any, on: dt.date, note: str) -> None:
        pass

    @transition(
        field=status,
        source=[PackageStatus.APPROVED, PackageStatus.ACTIVE],
        target=PackageStatus.ENDED,
        permission=PRACTITIONER,
        custom={
            "step": Step(
                "End the package",
                params=REASON,
                destructive=True,
                done="Package ended",
                consequence="No more sessions can be booked. This cannot be undone.",
            )
        },
    )
    def end(self, *, by: Any, on: dt.date, note: str, reason: str) -> None:
        """Hooked in shortbreaks/machines.py: cancels the package's sessions still to come."""
        self.decision_reason = reason


class SessionStatus(models.TextChoices):
    BOOKED = "booked", "Booked"
    DELIVERED = "delivered", "Delivered"
    CANCELLED = "cancelled", "Cancelled"
    NO_SHOW = "no_show", "Did not attend"


def _provides(session: Session, user: Any) -> bool:
    return session.package.service.provider.users.filter(pk=user.pk).exists()


PROVIDER_OR_PRACTITIONER = Permission(
    lambda session, user: (
        user.has_role(Role.PRACTITIONER)
        or (user.has_role(Role.PROVIDER) and _provides(session, user))
    ),
    "Only the provider of the service or a practitioner can record this.",
)
THE_PROVIDER = Permission(
    lambda session, user: user.has_role(Role.PROVIDER) and _provides(session, user),
    "Only the provider of the service can record that a child did not attend.",
)


@condition("The session has not happened yet.")
def session_day_reached(session: Session) -> bool:
    return session.date <= clock.today()


@condition(
    "The session has been paid for from the personal budget and the provider's terms do not "
    "charge for a child who did not attend, so this would mean taking the payment back, which "
    "the budget's ledger does not allow. A team manager can adjust the budget instead."
)
def correction_moves_no_money(session: Session) -> bool:
    return session.package.budget_id is None or session.package.service.no_show_charged


class Session(FSMModelMixin, models.Model):
    """One booked occurrence under a package.

    booked ─deliver→ delivered (the money set aside is paid)
    booked ─cancel→ cancelled (the money is released)
    booked ─record_no_show→ no_show (paid or released, by the provider's terms)
    no_show ─correct_to_delivered→ delivered (paid now, unless the no-show was charged)
    delivered ─correct_to_no_show→ no_show (only where no money would move back)
    """

    package = models.ForeignKey(Package, on_delete=models.PROTECT, related_name="sessions")
    date = models.DateField()
    units = models.DecimalField(max_digits=6, decimal_places=2)
    status = FSMField(default=SessionStatus.BOOKED, choices=SessionStatus.choices, protected=True)
    commitment = models.OneToOneField(
        "budgets.LedgerEntry", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    booked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    note = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["date", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(units__gt=0), name="session_units_positive"),
            # A live session is one that is not cancelled (booked, delivered or did not attend):
            # the same states that count against the package's units and the service's places.
            models.UniqueConstraint(
                fields=["package", "date"],
                condition=~Q(status=SessionStatus.CANCELLED),
                name="one_live_session_per_package_day",
            ),
        ]
        indexes = [
            # A provider's day and week lists, and capacity checks: sessions by date.
            models.Index(fields=["date", "status"], name="session_date_status"),
            models.Index(fields=["package", "date"], name="session_package_date"),
        ]

    def __str__(self) -> str:
        return f"{self.package.service.name} on {self.date:%d %b %Y}"

    @property
    def cost(self) -> Decimal:
        return Decimal(self.package.unit_cost * self.units).quantize(Decimal("0.01"))

    @transition(
        field=status,
        source=SessionStatus.BOOKED,
        target=SessionStatus.DELIVERED,
        permission=PROVIDER_OR_PRACTITIONER,
        conditions=[session_day_reached],
        custom={"step": Step("Record as delivered", done="Session recorded as delivered")},
    )
    def deliver(self, *, by: Any, on: dt.date, note: str) -> None:
        """Hooked in shortbreaks/machines.py: pays for the session from the budget."""
        self.note = note or self.note

    @transition(
        field=status,
        source=SessionStatus.BOOKED,
        target=SessionStatus.CANCELLED,
        permission=PRACTITIONER,
        custom={
            "step": Step(
                "Cancel the session",
                params=REASON,
                destructive=True,
                done="Session cancelled: the family will be told",
                consequence="The family will be told and the money set aside for it released. "
                "This cannot be undone.",
            )
        },
    )
    def cancel(self, *, by: Any, on: dt.date, note: str, reason: str) -> None:
        """Hooked in shortbreaks/machines.py: releases the cost set aside, sends the notice."""
        self.note = reason

    @transition(
        field=status,
        source=SessionStatus.BOOKED,
        target=SessionStatus.NO_SHOW,
        permission=THE_PROVIDER,
        conditions=[session_day_reached],
        custom={
            "step": Step("Record as did not attend", done="Session recorded as did not attend")
        },
    )
    def record_no_show(self, *, by: Any, on: dt.date, note: str) -> None:
        """Hooked in shortbreaks/machines.py: settles the no-show on the budget's ledger."""
        self.note = note or self.note

    @transition(
        field=status,
        source=SessionStatus.NO_SHOW,
        target=SessionStatus.DELIVERED,
        permission=PROVIDER_OR_PRACTITIONER,
        custom={
            "step": Step(
                "Correct to delivered",
                params=REASON,
                done="Session corrected to delivered",
            )
        },
    )
    def correct_to_delivered(self, *, by: Any, on: dt.date, note: str, reason: str) -> None:
        """A no-show recorded in error. Hooked in shortbreaks/machines.py: pays for the session
        unless the no-show was already charged."""
        self.note = f"Corrected to delivered: {reason}"

    @transition(
        field=status,
        source=SessionStatus.DELIVERED,
        target=SessionStatus.NO_SHOW,
        permission=THE_PROVIDER,
        conditions=[correction_moves_no_money],
        custom={
            "step": Step(
                "Correct to did not attend",
                params=REASON,
                done="Session corrected to did not attend",
            )
        },
    )
    def correct_to_no_show(self, *, by: Any, on: dt.date, note: str, reason: str) -> None:
        """A delivery recorded in error, allowed only where the payment stands either way: the
        ledger only adds entries, and none of its kinds takes a session's payment back."""
        self.note = f"Corrected to did not attend: {reason}"


# Imported last: the care notes refer to nothing above by name, and Django finds every model here.
from shortbreaks.models.care_notes import CareNotes as CareNotes  # noqa: E402
from shortbreaks.models.changes import ChangeStatus as ChangeStatus  # noqa: E402
from shortbreaks.models.changes import ServiceChange as ServiceChange  # noqa: E402
