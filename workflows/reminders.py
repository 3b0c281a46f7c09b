"""The reminder sweep (DESIGN §6).

Deadlines are swept, not scheduled one by one: `reminders_sweep` finds every reminder now due in
one query and writes the reminder rows in bulk under a unique constraint, so two sweeps at once,
a retried task or a second beat never remind anyone twice. The sender puts each into words.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.conf import settings
from django.db import models, transaction
from django.db.models import Case, DateTimeField, F, IntegerField, Q, Value, When
from django.utils import timezone

from accounts.roles import Role
from workflows import clock
from workflows.batch import each_in_own_transaction
from workflows.models import Deadline, Reminder
from workflows.outbox import _nudge_sender
from workflows.registry import registry
from workflows.reminder_messages import ESCALATION
from workflows.sql import _insert_select


def _offset_windows(offsets: list[int]) -> list[tuple[int, int, int]]:
    """(offset, fewest days left, most days left) for each offset: a deadline 10 days away gets
    the 14-day reminder, never the 14-day and the 3-day ones at once."""
    ordered = sorted(set(offsets), reverse=True)
    windows = []
    for index, offset in enumerate(ordered):
        nearer = ordered[index + 1] if index + 1 < len(ordered) else -1
        windows.append((offset, nearer + 1, offset))
    return windows


def reminders_sweep(*, today: dt.date | None = None) -> int:
    """Write every reminder now due; returns how many were new. Safe to run at any time.

    Each audience (deadline owners, managers of deadlines without one, escalations to managers)
    is one batch of statements in a transaction of its own: one that fails is reported and the
    others are still written."""
    return each_in_own_transaction(
        "Reminder sweep",
        reminder_batches(today=today),
        reminders_write,
        describe=lambda batch: batch.label,
    ).done


@dataclass(frozen=True)
class ReminderBatch:
    """Deadline rows annotated with `deadline_id`, `offset` and `recipient`: one reminder each."""

    label: str
    due: models.QuerySet[Deadline]
    today: dt.date


def reminder_batches(*, today: dt.date | None = None) -> list[ReminderBatch]:
    today = today or clock.today()
    offsets: list[int] = settings.PATHWAY_REMINDER_OFFSETS
    escalate_due_before = clock.add_working_days(
        today, -settings.PATHWAY_ESCALATE_AFTER_WORKING_DAYS
    )
    running = Deadline.objects.running().exclude(kind__in=registry.others_time())

    windows = _offset_windows(offsets)
    which_offset = []
    for offset, fewest, most in windows:
        span = Q(
            due_on__gte=today + dt.timedelta(days=fewest),
            due_on__lte=today + dt.timedelta(days=most),
        )
        which_offset.append(When(span, then=Value(offset)))
    # The windows meet end to end: together they are one range of days, which the index of
    # deadlines by (status, due_on) reads directly; an OR of the windows made it read every
    # running deadline.
    in_window = (
        Q(
            due_on__gte=today + dt.timedelta(days=min(fewest for _, fewest, _ in windows)),
            due_on__lte=today + dt.timedelta(days=max(most for _, _, most in windows)),
        )
        if windows
        else Q(pk__in=[])
    )
    to_owner = running.filter(in_window, owner__isnull=False).annotate(
        deadline_id=F("pk"),
        offset=Case(*which_offset, output_field=IntegerField()),
        recipient=F("owner_id"),
    )
    # One row for each manager of the deadline's team.
    managers = Q(
        team__memberships__user__groups__name=Role.TEAM_MANAGER,
        team__memberships__user__is_active=True,
    )
    # No owner rule found anyone (DESIGN §5 Owners: "failing both, the team's managers").
    unowned_to_managers = running.filter(in_window, managers, owner__isnull=True).annotate(
        deadline_id=F("pk"),
        offset=Case(*which_offset, output_field=IntegerField()),
        recipient=F("team__memberships__user_id"),
    )
    to_managers = running.filter(managers, due_on__lte=escalate_due_before).annotate(
        deadline_id=F("pk"),
        offset=Value(ESCALATION, output_field=IntegerField()),
        recipient=F("team__memberships__user_id"),
    )
    others = [kind for kind in registry.deadline_kinds.values() if kind.also_reminded]
    to_others = [
        ReminderBatch(
            f"reminders of {kind.value} deadlines to {kind.also_reminded.description}",
            running.filter(in_window, kind=kind.value)
            .annotate(
                deadline_id=F("pk"),
                offset=Case(*which_offset, output_field=IntegerField()),
                recipient=kind.also_reminded.user(),
            )
            .filter(recipient__isnull=False),
            today,
        )
        for kind in others
        if kind.also_reminded is not None
    ]
    return [
        ReminderBatch("reminders to the deadlines' owners", to_owner, today),
        *to_others,
        ReminderBatch(
            "reminders of deadlines without an owner to team managers", unowned_to_managers, today
        ),
        ReminderBatch("overdue deadlines escalated to team managers", to_managers, today),
    ]


def reminders_write(batch: ReminderBatch) -> int:
    """Write the batch's reminders with one INSERT … SELECT: rows never travel to Python and
    back, and a reminder already written is skipped by the unique constraint, so two sweeps at
    once write each reminder once. The words of each message are the sender's to write
    (`workflows.reminder_messages`), when it sends it."""
    reminders = (
        batch.due.order_by()
        .annotate(created=Value(timezone.now(), output_field=DateTimeField()))
        .values_list("deadline_id", "offset", "recipient", "created")
    )
    with transaction.atomic():
        written = _insert_select(
            Reminder,
            ["deadline_id", "offset_days", "recipient_id", "created_at"],
            [reminders],
        )
        if written:
            transaction.on_commit(_nudge_sender, robust=True)
    return written
