"""A small machine, defined only in the tests, that exercises every feature of the engine.

draft ──submit──▶ submitted ──approve──▶ approved
  │                  │ └──────refuse──▶ refused
  └────withdraw──────┴───────────────▶ withdrawn
"""

from __future__ import annotations

import datetime as dt

from django import forms
from django.conf import settings
from django.db import models
from django_fsm import FSMField, FSMModelMixin, transition

from accounts.roles import Role
from workflows import clock
from workflows.registry import DeadlineKind, DeadlineRule, Machine, registry
from workflows.rules import condition, permission, requires_role


class State(models.TextChoices):
    DRAFT = "draft", "Draft"
    SUBMITTED = "submitted", "Submitted"
    APPROVED = "approved", "Approved"
    REFUSED = "refused", "Refused"
    WITHDRAWN = "withdrawn", "Withdrawn"


@condition("Enter the amount before submitting.")
def has_amount(errand: Errand) -> bool:
    return errand.amount is not None


@permission("Another manager must approve it: you submitted it.")
def not_the_submitter(errand: Errand, user: object) -> bool:
    return errand.submitted_by_id != getattr(user, "pk", None)


def decision_due(errand: Errand, on: dt.date) -> dt.date:
    return clock.add_working_days(on, 5)


def review_due(errand: Errand, on: dt.date) -> dt.date:
    return clock.add_months(on, 12)


class Errand(FSMModelMixin, models.Model):
    title = models.CharField(max_length=100)
    status = FSMField(default=State.DRAFT, choices=State.choices, protected=True)
    amount = models.DecimalField(max_digits=12, decimal_places=2, null=True, blank=True)
    team = models.ForeignKey("accounts.Team", null=True, on_delete=models.PROTECT)
    case_number = models.PositiveIntegerField(null=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    refusal_reason = models.TextField(blank=True)

    class Meta:
        verbose_name = "errand"

    def __str__(self) -> str:
        return self.title

    @transition(
        field=status,
        source=State.DRAFT,
        target=State.SUBMITTED,
        permission=requires_role(Role.PRACTITIONER),
        conditions=[has_amount],
        custom={"label": "Submit", "opens": [DeadlineRule("errand_decision", decision_due)]},
    )
    def submit(self, *, by: object, on: dt.date, note: str) -> None:
        self.submitted_by = by

    @transition(
        field=status,
        source=State.SUBMITTED,
        target=State.APPROVED,
        permission=requires_role(Role.TEAM_MANAGER) & not_the_submitter,
        custom={
            "label": "Approve",
            "closes": ["errand_decision"],
            "opens": [DeadlineRule("errand_review", review_due)],
        },
    )
    def approve(self, *, by: object, on: dt.date, note: str) -> None:
        pass

    @transition(
        field=status,
        source=State.SUBMITTED,
        target=State.REFUSED,
        permission=requires_role(Role.TEAM_MANAGER),
        custom={
            "label": "Refuse",
            "closes": ["errand_decision"],
            "params": {
                "reason": forms.CharField(error_messages={"required": "Enter the reason."})
            },
        },
    )
    def refuse(self, *, by: object, on: dt.date, note: str, reason: str) -> None:
        self.refusal_reason = reason

    @transition(
        field=status,
        source=[State.DRAFT, State.SUBMITTED],
        target=State.WITHDRAWN,
        permission=requires_role(Role.PRACTITIONER),
        custom={"label": "Withdraw", "closes": ["errand_decision"]},
    )
    def withdraw(self, *, by: object, on: dt.date, note: str) -> None:
        pass


def register() -> None:
    registry.register(
        Machine(
            model=Errand,
            field_name="status",
            case_of=lambda errand: errand.case_number,
            team_of=lambda errand: errand.team_id,
            opens_on_create=(
                DeadlineRule(
                    "errand_first_look", lambda errand, on: clock.add_working_days(on, 1)
                ),
            ),
        )
    )
    registry.register_deadline_kind(DeadlineKind("errand_decision", "Decision", statutory=True))
    registry.register_deadline_kind(DeadlineKind("errand_review", "Review", statutory=False))
