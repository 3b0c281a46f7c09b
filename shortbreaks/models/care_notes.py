"""What a child's short-break carers should know: kept apart from the booking machines."""

from __future__ import annotations

from django.conf import settings
from django.db import models


class CareNotes(models.Model):
    """What a child's short-break carers should know, and whom to call in an emergency: written
    by the family or the child's team, and shown to providers only when the family agreed."""

    child = models.OneToOneField(
        "casework.Child", on_delete=models.PROTECT, related_name="care_notes"
    )
    care_needs = models.TextField(blank=True)
    emergency_contact_name = models.CharField(max_length=200, blank=True)
    emergency_contact_phone = models.CharField(max_length=30, blank=True)
    shared_with_providers = models.BooleanField(
        default=False,
        help_text="The family agreed that providers with a booking for the child may see these.",
    )
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name_plural = "care notes"

    def __str__(self) -> str:
        return f"Care notes for {self.child}"
