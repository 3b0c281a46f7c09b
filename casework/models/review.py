"""Reviews of an EHC plan or of a case's support plan, and the review's machine (DESIGN §4)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.db import models
from django.db.models import Q
from django_fsm import FSMField, FSMModelMixin, transition

from accounts.roles import STAFF_ROLES
from casework import deadlines as due
from casework.models.case import Case
from casework.models.choices import ReviewOutcome, ReviewStatus
from casework.models.people import Child
from casework.models.plan import EHCPlan
from casework.models.team import is_review_convener
from workflows import clock
from workflows.registry import Step
from workflows.rules import permission, requires_role

STAFF = requires_role(*STAFF_ROLES)


@permission("Only council staff or the child's review convener can do this.")
def staff_or_convener(review: Review, user: Any) -> bool:
    """A plan's review meeting is recorded by staff or by the setting convening it (reg 20(1));
    a case's support-plan review is the council's own."""
    if STAFF(review, user):
        return True
    plan = review.plan
    return plan is not None and is_review_convener(plan.child_id, user, on=clock.today())


CURRENT_REVIEW_STATES = [ReviewStatus.SCHEDULED, ReviewStatus.HELD]


class ReviewQuerySet(models.QuerySet["Review"]):
    def current(self) -> ReviewQuerySet:
        """The reviews not yet decided: the one under way for a plan or a case."""
        return self.filter(status__in=CURRENT_REVIEW_STATES)

    def held(self) -> ReviewQuerySet:
        """Current reviews whose meeting has been held, waiting for the decision."""
        return self.filter(status=ReviewStatus.HELD)

    def decided(self) -> ReviewQuerySet:
        return self.filter(status=ReviewStatus.DECIDED)


class Review(FSMModelMixin, models.Model):
    """An annual (or, under 5, six-monthly) review of an EHC plan or of a case's support plan.

    scheduled ─hold_meeting→ held ─decide→ decided;  held ─clear_meeting→ scheduled
    scheduled ─decide→ decided (a case's review, begun on the case without a meeting date)

    The decision is the plan's (maintain, amend, cease) or the case's (complete_review): those
    steps reach `decide` through `casework.services.review_decide`, the one writer of the
    outcome decided and of `decision_on`. Before it, `outcome` holds the outcome recommended at
    the meeting.

    A review's dates are facts about its plan or case and are often entered after the event and
    out of order against the day the review was added, which the engine's effective dates would
    refuse; so its own steps take effect on the day they are recorded, and the dates they set
    are their parameters.
    """

    plan = models.ForeignKey(
        EHCPlan, null=True, blank=True, on_delete=models.PROTECT, related_name="reviews"
    )
    case = models.ForeignKey(
        Case, null=True, blank=True, on_delete=models.PROTECT, related_name="reviews"
    )
    status = FSMField(default=ReviewStatus.SCHEDULED, choices=ReviewStatus.choices, protected=True)
    due_on = models.DateField(null=True, blank=True)
    meeting_on = models.DateField(null=True, blank=True)
    report_sent_on = models.DateField(null=True, blank=True)
    outcome = models.CharField(max_length=10, choices=ReviewOutcome.choices, blank=True)
    decision_on = models.DateField(null=True, blank=True)
    notes = models.TextField(blank=True)

    objects = ReviewQuerySet.as_manager()

    class Meta:
        ordering = ["-meeting_on", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(plan__isnull=False, case__isnull=True)
                | Q(plan__isnull=True, case__isnull=False),
                name="review_of_a_plan_or_a_case",
            )
        ]

    def __str__(self) -> str:
        return f"Review of {self.plan or self.case}"

    @property
    def child(self) -> Child:
        subject = self.plan or self.case
        if subject is None:
            raise ValueError("A review belongs to a plan or a case.")
        return subject.child

    @property
    def is_current(self) -> bool:
        return self.status in CURRENT_REVIEW_STATES

    @transition(
        field=status,
        source=ReviewStatus.SCHEDULED,
        target=ReviewStatus.HELD,
        permission=staff_or_convener,
        custom={
            "step": Step(
                "Record the review meeting",
                params={"meeting_on": due.date_field("Enter the date of the review meeting.")},
            )
        },
    )
    def hold_meeting(self, *, by: Any, on: dt.date, note: str, meeting_on: dt.date) -> None:
        self.meeting_on = meeting_on

    @transition(
        field=status,
        source=ReviewStatus.HELD,
        target=ReviewStatus.SCHEDULED,
        permission=STAFF,
        custom={"step": Step("Remove the date of the review meeting")},
    )
    def clear_meeting(self, *, by: Any, on: dt.date, note: str) -> None:
        self.meeting_on = None

    @transition(
        field=status,
        source=CURRENT_REVIEW_STATES,
        target=ReviewStatus.DECIDED,
        permission=STAFF,
        custom={
            "step": Step(
                "Decide the review",
                params={
                    # Empty only for a case's review closed without one: the case's condition
                    # asks for maintain or amend on one of its current reviews, not on every one.
                    "outcome": forms.ChoiceField(choices=ReviewOutcome.choices, required=False),
                    "decision_on": due.date_field("Enter the date of the decision."),
                },
            )
        },
    )
    def decide(
        self, *, by: Any, on: dt.date, note: str, outcome: str, decision_on: dt.date
    ) -> None:
        self.outcome = outcome
        self.decision_on = decision_on
