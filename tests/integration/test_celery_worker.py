"""Periodic work runs in a real Celery worker, through a real Redis broker."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
import time_machine

import workflows
from tests.engine.models import Errand
from tests.integration.conftest import patient
from workflows.models import Deadline

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]


def test_worker_marks_overdue_deadlines_missed_and_a_second_run_changes_nothing(
    celery_worker, team, practitioner
):
    with time_machine.travel(dt.datetime(2025, 1, 6, 10, tzinfo=dt.UTC), tick=False):
        overdue = Errand.objects.create(title="Overdue", amount=Decimal("10.00"), team=team)
        workflows.transition(overdue, "submit", by=practitioner)
    current = Errand.objects.create(title="Current", amount=Decimal("10.00"), team=team)
    workflows.transition(current, "submit", by=practitioner)

    first = celery_worker.send_task("workflows.tasks.mark_missed_deadlines").get(
        timeout=patient(180)
    )
    second = celery_worker.send_task("workflows.tasks.mark_missed_deadlines").get(
        timeout=patient(180)
    )

    assert (first, second) == (1, 0)
    assert Deadline.objects.get(subject_id=overdue.pk, kind="errand_decision").status == "missed"
    assert Deadline.objects.get(subject_id=current.pk, kind="errand_decision").status == "open"
