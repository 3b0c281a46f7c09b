"""The reminder sweep (DESIGN §6).

Deadlines are swept, not scheduled one by one: `reminders_sweep` finds every reminder now due in
one query and writes it, with its notification, in bulk under unique constraints, so two sweeps
at once, a retried task or a second beat never remind anyone twice.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import models, transaction
from django.db.models import (
    Case,
    CharField,
    DateTimeField,
    Exists,
    F,
    IntegerField,
    OuterRef,
    Q,
    Value,
    When,
)
from django.db.models.functions import Cast, Concat, Left
from django.utils import timezone

from accounts.roles import Role
from workflows import clock
from workflows.batch import each_in_own_transaction
from workflows.models import Deadline, DeliveryStatus, Notification, Reminder
from workflows.outbox import _nudge_sender, case_link
from workflows.registry import registry, step_of
from workflows.sql import _insert_select, _long_date

ESCALATION = -1
WAITING = (
    " The step that meets it is a team manager's decision: it is waiting for a team manager, in "
    "their decisions queue."
)


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
    in_window = Q()
    which_offset = []
    for offset, fewest, most in windows:
        span = Q(
            due_on__gte=today + dt.timedelta(days=fewest),
            due_on__lte=today + dt.timedelta(days=most),
        )
        in_window |= span
        which_offset.append(When(span, then=Value(offset)))
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
    """Write the batch's reminders and their notifications with two INSERT … SELECT statements,
    the messages' words put together by the database: rows never travel to Python and back.

    The notifications go first, while the reminders they belong to are still missing; each
    statement skips rows already written (unique reminder, unique dedupe key), so two sweeps
    at once write each reminder and its message once.
    """
    already = Reminder.objects.filter(
        deadline=OuterRef("deadline_id"),
        offset_days=OuterRef("offset"),
        recipient=OuterRef("recipient"),
    )
    now = timezone.now()
    message = _reminder_message_columns(batch.today, now)
    due = batch.due.filter(~Exists(already)).order_by()
    reminders = due.annotate(created=Value(now, output_field=DateTimeField())).values_list(
        "deadline_id", "offset", "recipient", "created"
    )
    messages = due.annotate(
        **{f"new_{column}": value for column, value in message.items()}
    ).values_list(*(f"new_{column}" for column in message))
    with transaction.atomic():
        _insert_select(Notification, list(message), [messages])
        written = _insert_select(
            Reminder,
            ["deadline_id", "offset_days", "recipient_id", "created_at"],
            [reminders],
        )
        if written:
            transaction.on_commit(_nudge_sender, robust=True)
    return written


def kinds_met_by_a_decision() -> set[str]:
    """The deadline kinds that only a team manager's decision (a `decision` step) meets."""
    decided: set[str] = set()
    others: set[str] = set()
    for machine in registry.machines.values():
        for fsm_transition in machine.transitions():
            step = step_of(fsm_transition)
            (decided if step.decision else others).update(kind.value for kind in step.closes)
    return decided - others


def _reminder_message_columns(today: dt.date, now: dt.datetime) -> dict[str, Any]:
    """The notification of a due reminder, column by column, as SQL expressions over the
    deadline rows of the sweep (which carry `offset` and `recipient`)."""
    what = Case(
        *(
            When(kind=kind.value, then=Value(kind.label))
            for kind in registry.deadline_kinds.values()
        ),
        default=F("kind"),
        output_field=CharField(),
    )
    on = _long_date("due_on")
    days_left = Case(
        *(
            When(due_on=today + dt.timedelta(days=days), then=Value(str(days)))
            for days in range(max(settings.PATHWAY_REMINDER_OFFSETS, default=0) + 1)
        ),
        output_field=CharField(),
    )
    subject = Case(
        When(
            offset=ESCALATION,
            then=Concat(
                Value("Overdue: "),
                what,
                Value(" ("),
                "label",
                Value(")"),
                output_field=CharField(),
            ),
        ),
        When(
            offset=0,
            then=Concat(
                Value("Due today: "),
                what,
                Value(" ("),
                "label",
                Value(")"),
                output_field=CharField(),
            ),
        ),
        default=Concat(
            Value("Due in "),
            days_left,
            Value(" days: "),
            what,
            Value(" ("),
            "label",
            Value(")"),
            output_field=CharField(),
        ),
        output_field=CharField(),
    )
    # The owner of a deadline that only a manager's decision meets is told who it waits for, so
    # a practitioner reminded of it knows the step is not theirs (DESIGN §6, §11). Each wording
    # is its own branch: nesting one more expression overflows SQLite's parser.
    decided = Q(kind__in=sorted(kinds_met_by_a_decision()))

    def due(words: str, *, waiting: bool) -> Concat:
        end = "." + (WAITING if waiting else "")
        return Concat(
            what, Value(" for "), "label", Value(words), on, Value(end), output_field=CharField()
        )

    body = Case(
        When(
            offset=ESCALATION,
            then=Concat(
                what,
                Value(" for "),
                "label",
                Value(" was due on "),
                on,
                Value(
                    " and has not been done. You are told as the team manager. Please check with "
                    "the lead professional."
                ),
                output_field=CharField(),
            ),
        ),
        When(decided & Q(offset=0), then=due(" is due today, ", waiting=True)),
        When(offset=0, then=due(" is due today, ", waiting=False)),
        When(decided, then=due(" is due on ", waiting=True)),
        default=due(" is due on ", waiting=False),
        output_field=CharField(),
    )
    prefix, suffix = case_link(CASE_ID_PLACEHOLDER).split(str(CASE_ID_PLACEHOLDER))
    link = Case(
        When(case_id__isnull=True, then=Value("")),
        default=Concat(
            Value(prefix), Cast("case_id", CharField()), Value(suffix), output_field=CharField()
        ),
        output_field=CharField(),
    )
    dedupe = Concat(
        Value("reminder:"),
        Cast("deadline_id", CharField()),
        Value(":"),
        Cast("offset", CharField()),
        Value(":"),
        Cast("recipient", CharField()),
        output_field=CharField(),
    )
    return {
        "recipient_id": F("recipient"),
        "kind": Value("reminder", output_field=CharField()),
        "subject": Left(subject, 200),
        "body": body,
        "link": link,
        "dedupe_key": dedupe,
        "created_at": Value(now, output_field=DateTimeField()),
        "email_status": Value(DeliveryStatus.PENDING.value, output_field=CharField()),
        "attempts": Value(0, output_field=IntegerField()),
        "last_error": Value("", output_field=CharField()),
    }


CASE_ID_PLACEHOLDER = 987654321
