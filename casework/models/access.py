"""Who on the staff read which child-level record (DESIGN §9)."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from casework.models.people import Child


class AccessLog(models.Model):
    """Who on the staff read which child-level record, and when (DESIGN §9)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="record_reads"
    )
    # No index of its own: access_child_at begins with the child. Every read writes a row, and
    # a caseload page's 50 children land on 50 different leaves of each index by child.
    child = models.ForeignKey(
        Child, on_delete=models.PROTECT, related_name="reads", db_index=False
    )
    record_type = models.CharField(max_length=40)
    record_id = models.PositiveBigIntegerField()
    at = models.DateTimeField(auto_now_add=True)
    via = models.CharField(
        max_length=10, choices=[("api", "API"), ("page", "Page"), ("export", "Export")]
    )

    class Meta:
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["child", "at"], name="access_child_at")]

    def __str__(self) -> str:
        return f"{self.user} read {self.record_type} {self.record_id}"
