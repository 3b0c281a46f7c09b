"""Reviews of an EHC plan or of a case's support plan."""

from __future__ import annotations

from django.db import models
from django.db.models import Q

from casework.models.case import Case
from casework.models.choices import ReviewOutcome
from casework.models.people import Child
from casework.models.plan import EHCPlan


class Review(models.Model):
    """An annual (or, under 5, six-monthly) review of an EHC plan or of a case's support plan."""

    plan = models.ForeignKey(
        EHCPlan, null=True, blank=True, on_delete=models.PROTECT, related_name="reviews"
    )
    case = models.ForeignKey(
        Case, null=True, blank=True, on_delete=models.PROTECT, related_name="reviews"
    )
    due_on = models.DateField(null=True, blank=True)
    meeting_on = models.DateField(null=True, blank=True)
    report_sent_on = models.DateField(null=True, blank=True)
    outcome = models.CharField(max_length=10, choices=ReviewOutcome.choices, blank=True)
    decision_on = models.DateField(null=True, blank=True)
    notes = models.TextField(blank=True)

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
