"""A plan as it was issued (DESIGN §3 "plan versions"): every draft and final is frozen, so that
the family and staff can look back at what each said, whatever the plan says now."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models

from casework.models.plan import EHCPlan


class PlanVersionKind(models.TextChoices):
    DRAFT = "draft", "Draft"
    FINAL = "final", "Final"


class PlanVersionImmutable(Exception):
    """A version is what the family was sent: it is never changed or removed."""


class PlanVersion(models.Model):
    """One issue of a plan. The database refuses an UPDATE (migration 0016's triggers); the
    model refuses a second save and a delete before they reach it."""

    plan = models.ForeignKey(EHCPlan, on_delete=models.PROTECT, related_name="versions")
    number = models.PositiveIntegerField()
    kind = models.CharField(max_length=10, choices=PlanVersionKind.choices)
    issued_on = models.DateField()
    # The plan's dates as they stood when this version was issued.
    requested_on = models.DateField()
    draft_issued_on = models.DateField(null=True, blank=True)
    final_issued_on = models.DateField(null=True, blank=True)
    # Section field name (`casework.models.plan.SECTIONS`) to its text, every section present.
    sections = models.JSONField()
    placement_name = models.CharField(max_length=200, blank=True)
    phase_transfer_on = models.DateField(null=True, blank=True)
    phase_transfer_setting = models.CharField(max_length=200, blank=True)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["plan", "number"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "number"], name="plan_version_number_unique"),
            models.CheckConstraint(
                condition=models.Q(number__gte=1), name="plan_version_number_from_one"
            ),
        ]

    def __str__(self) -> str:
        return f"Version {self.number} ({self.get_kind_display().lower()}) of {self.plan_id}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise PlanVersionImmutable("A plan version cannot be changed once issued.")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise PlanVersionImmutable("A plan version cannot be removed.")
