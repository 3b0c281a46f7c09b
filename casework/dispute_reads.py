"""Reads of disputes shared by the API and the pages."""

from __future__ import annotations

from django.contrib.contenttypes.models import ContentType

from casework.models import TribunalOrderStep
from workflows.models import Deadline


def step_deadlines(steps: list[TribunalOrderStep]) -> dict[int, Deadline]:
    """The latest `tribunal_order` deadline of each step, in one query."""
    step_type = ContentType.objects.get_for_model(TribunalOrderStep)
    rows = Deadline.objects.filter(
        subject_type=step_type, subject_id__in=[step.pk for step in steps]
    ).order_by("opened_at", "pk")
    return {row.subject_id: row for row in rows}
