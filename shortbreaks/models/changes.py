"""A provider's proposed change to its entry in the local offer, waiting for staff to approve it.

Nothing a provider types is published until a team manager or a commissioner approves it: the
directory pages and the Open Referral UK API read only `Service` and its rows, and a change lives
here, apart from them, until its approval copies it across.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django_fsm import FSMField, FSMModelMixin, transition

from accounts.roles import Role
from casework.deadlines import reason_field
from shortbreaks.models.directory import Provider, Service, Unit
from workflows.registry import Step
from workflows.rules import Permission, requires_role

OFFER_EDITOR = requires_role(Role.TEAM_MANAGER, Role.COMMISSIONER)
THE_PROPOSING_PROVIDER = Permission(
    lambda change, user: (
        user.has_role(Role.PROVIDER) and change.provider.users.filter(pk=user.pk).exists()
    ),
    "Only the provider who proposed the change can withdraw it.",
)


# What the council pays for a new service, which only staff decide: asked when approving one.
NEW_SERVICE_TERMS = {
    "unit": forms.ChoiceField(
        label="Unit it is paid by (only for a new service)",
        choices=[("", "Choose a unit"), *Unit.choices],
        required=False,
    ),
    "unit_cost": forms.CharField(
        label="Cost of one unit to the council, in pounds (only for a new service)",
        required=False,
        max_length=20,
    ),
    "capacity": forms.IntegerField(
        label="Children who can attend on one day (only for a new service)",
        required=False,
        min_value=1,
        max_value=10_000,
    ),
}


class ChangeStatus(models.TextChoices):
    PROPOSED = "proposed", "Waiting for approval"
    APPROVED = "approved", "Approved"
    REJECTED = "rejected", "Rejected"
    WITHDRAWN = "withdrawn", "Withdrawn"


class ServiceChange(FSMModelMixin, models.Model):
    """A provider's proposed values for one of its services, or for a new service (`service`
    empty).

    proposed ─approve→ approved (the values are copied onto the service, assured today)
    proposed ─reject→ rejected (with the reason the provider is shown)
    proposed ─withdraw→ withdrawn (by the provider)
    One change per service waits at a time. `values` holds the directory fields as JSON (cost
    amounts as decimal strings), checked by `shortbreaks.change_values` before it is stored;
    `current` holds the service's values when the change was proposed, for the side-by-side.
    """

    provider = models.ForeignKey(Provider, on_delete=models.PROTECT, related_name="changes")
    service = models.ForeignKey(
        Service, null=True, blank=True, on_delete=models.PROTECT, related_name="changes"
    )
    values = models.JSONField()
    current = models.JSONField(default=dict, blank=True)
    status = FSMField(default=ChangeStatus.PROPOSED, choices=ChangeStatus.choices, protected=True)
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    proposed_at = models.DateTimeField(auto_now_add=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    reason = models.TextField(blank=True)
    terms = models.JSONField(
        default=dict,
        blank=True,
        help_text="For a new service: the unit, unit cost and capacity the approver set.",
    )

    class Meta:
        ordering = ["proposed_at", "pk"]
        constraints = [
            # Two changes waiting for one service could each be approved over the other.
            models.UniqueConstraint(
                fields=["service"],
                condition=Q(status=ChangeStatus.PROPOSED),
                name="one_pending_change_per_service",
            ),
        ]

    def __str__(self) -> str:
        return f"Change to {self.name}"

    @property
    def name(self) -> str:
        """The service's name as proposed: what the queue and the pages call the change."""
        return str(self.values.get("name") or (self.service.name if self.service else ""))

    @property
    def is_new_service(self) -> bool:
        return self.service_id is None

    def _decided(self, by: Any) -> None:
        self.decided_by = by
        self.decided_at = timezone.now()

    @transition(
        field=status,
        source=ChangeStatus.PROPOSED,
        target=ChangeStatus.APPROVED,
        permission=OFFER_EDITOR,
        custom={
            "step": Step(
                "Approve the change",
                params=NEW_SERVICE_TERMS,
                done="Change approved: it is now in the local offer",
            )
        },
    )
    def approve(
        self, *, by: Any, on: Any, note: str, unit: str, unit_cost: str, capacity: int | None
    ) -> None:
        """Hooked in shortbreaks/machines.py: copies the values onto the service (a new one is
        made with the unit, cost and capacity given here, which only a new service takes)."""
        self._decided(by)
        given = {"unit": unit, "unit_cost": unit_cost, "capacity": capacity}
        self.terms = {key: value for key, value in given.items() if value not in ("", None)}

    @transition(
        field=status,
        source=ChangeStatus.PROPOSED,
        target=ChangeStatus.REJECTED,
        permission=OFFER_EDITOR,
        custom={
            "step": Step(
                "Reject the change",
                params={"reason": reason_field()},
                destructive=True,
                done="Change rejected: the provider will see your reason",
                consequence="Nothing in the local offer changes. The provider sees the reason "
                "and can propose the change again.",
            )
        },
    )
    def reject(self, *, by: Any, on: Any, note: str, reason: str) -> None:
        self._decided(by)
        self.reason = reason

    @transition(
        field=status,
        source=ChangeStatus.PROPOSED,
        target=ChangeStatus.WITHDRAWN,
        permission=THE_PROPOSING_PROVIDER,
        custom={"step": Step("Withdraw the change", done="Change withdrawn")},
    )
    def withdraw(self, *, by: Any, on: Any, note: str) -> None:
        self._decided(by)
