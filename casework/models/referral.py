"""How a case began and what the assessment found."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from casework.models.case import Case
from casework.models.choices import AssessmentOutcome, ReferralSource


class Referral(models.Model):
    case = models.OneToOneField(Case, on_delete=models.PROTECT, related_name="referral")
    received_on = models.DateField()
    source = models.CharField(max_length=20, choices=ReferralSource.choices)
    reason = models.TextField()
    consent_to_share = models.BooleanField(
        help_text="Consent to share information between education, health and social care."
    )
    consent_recorded_on = models.DateField(null=True, blank=True)
    consent_given_by = models.CharField(max_length=200, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    def __str__(self) -> str:
        return f"Referral of {self.received_on:%d %b %Y} ({self.get_source_display()})"


class Assessment(models.Model):
    """The child-and-family assessment (Children Act 1989 section 17)."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="assessments")
    started_on = models.DateField()
    completed_on = models.DateField(null=True, blank=True)
    outcome = models.CharField(max_length=20, choices=AssessmentOutcome.choices, blank=True)
    summary_of_needs = models.TextField(blank=True)

    class Meta:
        ordering = ["started_on", "id"]

    def __str__(self) -> str:
        return f"Assessment started {self.started_on:%d %b %Y}"
