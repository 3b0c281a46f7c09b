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
from workflows.models import StatutoryException
from workflows.registry import DeadlineKind, Machine, OwnerRule, Step, registry
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


def first_look_due(errand: Errand, on: dt.date) -> dt.date:
    return clock.add_working_days(on, 1)


# Errands remind no one: the engine's tests count the reminders of casework's kinds only.
NO_ONE = OwnerRule("No one", lambda errand: None)

ERRAND_DECISION = DeadlineKind(
    "errand_decision",
    "Decision",
    decision_due,
    statutory=True,
    basis="The Errands Act, s 1",
    owner=NO_ONE,
    exceptions=tuple(StatutoryException.values),
)
ERRAND_REVIEW = DeadlineKind("errand_review", "Review", review_due, statutory=False)
ERRAND_FIRST_LOOK = DeadlineKind(
    "errand_first_look", "First look", first_look_due, statutory=False
)
KINDS = (ERRAND_DECISION, ERRAND_REVIEW, ERRAND_FIRST_LOOK)


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
        custom={"step": Step("Submit", opens=(ERRAND_DECISION,))},
    )
    def submit(self, *, by: object, on: dt.date, note: str) -> None:
        self.submitted_by = by

    @transition(
        field=status,
        source=State.SUBMITTED,
        target=State.APPROVED,
        permission=requires_role(Role.TEAM_MANAGER) & not_the_submitter,
        custom={"step": Step("Approve", closes=(ERRAND_DECISION,), opens=(ERRAND_REVIEW,))},
    )
    def approve(self, *, by: object, on: dt.date, note: str) -> None:
        pass

    @transition(
        field=status,
        source=State.SUBMITTED,
        target=State.REFUSED,
        permission=requires_role(Role.TEAM_MANAGER),
        custom={
            "step": Step(
                "Refuse",
                closes=(ERRAND_DECISION,),
                params={
                    "reason": forms.CharField(error_messages={"required": "Enter the reason."})
                },
            )
        },
    )
    def refuse(self, *, by: object, on: dt.date, note: str, reason: str) -> None:
        self.refusal_reason = reason

    @transition(
        field=status,
        source=[State.DRAFT, State.SUBMITTED],
        target=State.WITHDRAWN,
        permission=requires_role(Role.PRACTITIONER),
        custom={"step": Step("Withdraw", closes=(ERRAND_DECISION,))},
    )
    def withdraw(self, *, by: object, on: dt.date, note: str) -> None:
        pass


def register() -> None:
    registry.register(
        Machine(
            model=Errand,
            field_name="status",
            states=State,
            case_of=lambda errand: errand.case_number,
            team_of=lambda errand: errand.team_id,
            opens_on_create=(ERRAND_FIRST_LOOK,),
        )
    )
    registry.declare(*KINDS)
