"""Reminders and the outbox (DESIGN §6).

Deadlines are swept, not scheduled one by one: `reminders_sweep` finds every reminder now due in
one query and writes it, with its notification, in bulk under unique constraints, so two sweeps
at once, a retried task or a second beat never remind anyone twice.

Every notification is a row written in the same transaction as its cause (`notify`). After the
commit the sender is only nudged; if the broker is down the nudge is lost but the row is not, and
the next sweep sends it.
"""

from __future__ import annotations

import datetime as dt
import logging
import threading
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import models, transaction
from django.db.models import Case, Exists, F, IntegerField, OuterRef, Q, Value, When
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from accounts.models import User
from accounts.roles import Role
from workflows import clock
from workflows.channels import email_channel
from workflows.errors import NotPermitted
from workflows.models import Deadline, DeadlineStatus, DeliveryStatus, Notification, Reminder
from workflows.registry import registry

log = logging.getLogger(__name__)

ESCALATION = -1


@dataclass(frozen=True)
class Message:
    recipient_id: int
    kind: str
    subject: str
    body: str
    link: str = ""
    dedupe_key: str | None = None


def notify(messages: list[Message]) -> int:
    """Write notifications into the outbox, in the caller's transaction, and nudge the sender
    once that transaction commits. A message with a `dedupe_key` already written is skipped."""
    if not messages:
        return 0
    Notification.objects.bulk_create(
        [
            Notification(
                recipient_id=message.recipient_id,
                kind=message.kind,
                subject=message.subject[:200],
                body=message.body,
                link=message.link,
                dedupe_key=message.dedupe_key,
            )
            for message in messages
        ],
        ignore_conflicts=True,
    )
    transaction.on_commit(_nudge_sender, robust=True)
    return len(messages)


NUDGE_THREAD = "pathway-nudge"


def _nudge_sender() -> None:
    """Ask a worker to send the outbox now. Never waits on the broker: publishing happens on a
    thread of its own, because a Redis that is down makes the client retry for seconds, and a
    lost nudge costs only a few minutes (the periodic sweep sends the row)."""
    from workflows.tasks import send_notifications

    if send_notifications.app.conf.task_always_eager:
        send_notifications.apply_async(ignore_result=True)
        return
    threading.Thread(
        target=_publish, args=(send_notifications,), name=NUDGE_THREAD, daemon=True
    ).start()


def _publish(task: Any) -> None:
    try:
        # Nobody waits for a result: asking for one would also wait on the result backend.
        task.apply_async(ignore_result=True)
    except Exception:
        log.warning("Could not nudge the sender; the next sweep will send.", exc_info=True)


def case_link(case_id: int | None) -> str:
    if case_id is None:
        return ""
    try:
        return reverse("casework:case", args=[case_id])
    except NoReverseMatch:
        return ""


# The sweep ----------------------------------------------------------------------------------


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
    """Write every reminder now due; returns how many were new. Safe to run at any time."""
    today = today or clock.today()
    offsets: list[int] = settings.PATHWAY_REMINDER_OFFSETS
    escalate_due_before = clock.add_working_days(
        today, -settings.PATHWAY_ESCALATE_AFTER_WORKING_DAYS
    )
    running = Deadline.objects.filter(closed_on__isnull=True).exclude(status=DeadlineStatus.WAIVED)
    not_ours = [kind.kind for kind in registry.deadline_kinds.values() if not kind.council_duty]
    running = running.exclude(kind__in=not_ours)

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
    already = Reminder.objects.filter(
        deadline=OuterRef("deadline_id"),
        offset_days=OuterRef("offset"),
        recipient=OuterRef("recipient"),
    )
    to_owner = running.filter(in_window, owner__isnull=False).annotate(
        deadline_id=F("pk"),
        offset=Case(*which_offset, output_field=IntegerField()),
        recipient=F("owner_id"),
    )
    # One row for each manager of the deadline's team.
    to_managers = running.filter(
        due_on__lte=escalate_due_before,
        team__memberships__user__groups__name=Role.TEAM_MANAGER,
        team__memberships__user__is_active=True,
    ).annotate(
        deadline_id=F("pk"),
        offset=Value(ESCALATION, output_field=IntegerField()),
        recipient=F("team__memberships__user_id"),
    )
    fields = ("deadline_id", "offset", "recipient", "kind", "due_on", "label", "case_id")
    due_now = list(
        to_owner.filter(~Exists(already))
        .order_by()
        .values_list(*fields)
        .union(to_managers.filter(~Exists(already)).order_by().values_list(*fields), all=True)
    )
    return _write_reminders(due_now, today)


def _write_reminders(rows: list[tuple[Any, ...]], today: dt.date) -> int:
    if not rows:
        return 0
    with transaction.atomic():
        Reminder.objects.bulk_create(
            [
                Reminder(deadline_id=row[0], offset_days=row[1], recipient_id=row[2])
                for row in rows
            ],
            ignore_conflicts=True,
        )
        notify([_reminder_message(*row, today=today) for row in rows])
    return len(rows)


def _reminder_message(
    deadline_id: int,
    offset: int,
    recipient_id: int,
    kind: str,
    due_on: dt.date,
    label: str,
    case_id: int | None,
    *,
    today: dt.date,
) -> Message:
    what = registry.kind(kind).label
    on = f"{due_on:%A %-d %B %Y}"
    if offset == ESCALATION:
        subject = f"Overdue: {what} ({label})"
        body = (
            f"{what} for {label} was due on {on} and has not been done. You are told as the "
            f"team manager. Please check with the lead professional."
        )
    elif offset == 0:
        subject = f"Due today: {what} ({label})"
        body = f"{what} for {label} is due today, {on}."
    else:
        subject = f"Due in {(due_on - today).days} days: {what} ({label})"
        body = f"{what} for {label} is due on {on}."
    return Message(
        recipient_id=recipient_id,
        kind="reminder",
        subject=subject,
        body=body,
        link=case_link(case_id),
        dedupe_key=f"reminder:{deadline_id}:{offset}:{recipient_id}",
    )


# The sender ---------------------------------------------------------------------------------


def notifications_deliver(*, batch: int = 100) -> dict[str, int]:
    """Send the e-mail copy of pending notifications; each one is stamped sent, or its error is
    recorded and it is tried again later, with a growing wait, up to the limit."""
    now = timezone.now()
    done = {"sent": 0, "failed": 0, "retrying": 0, "in_app_only": 0}
    with transaction.atomic():
        pending = (
            Notification.objects.select_for_update(skip_locked=True)
            .filter(email_status=DeliveryStatus.PENDING)
            .filter(Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now))
            .select_related("recipient")
            .order_by("created_at", "pk")[:batch]
        )
        channel = email_channel()
        for notification in pending:
            done[_deliver_one(notification, channel, now)] += 1
    return done


def _deliver_one(notification: Notification, channel: Any, now: dt.datetime) -> str:
    recipient: User = notification.recipient
    if not recipient.email or not recipient.is_active:
        notification.email_status = DeliveryStatus.IN_APP_ONLY
        notification.save(update_fields=["email_status"])
        return "in_app_only"
    notification.attempts += 1
    try:
        channel.send(
            to=recipient.email, subject=notification.subject, body=_email_body(notification)
        )
    except Exception as error:
        log.warning("Notification %s not sent: %s", notification.pk, error)
        notification.last_error = f"{type(error).__name__}: {error}"[:2000]
        if notification.attempts >= settings.PATHWAY_NOTIFICATION_MAX_ATTEMPTS:
            notification.email_status = DeliveryStatus.FAILED
            outcome = "failed"
        else:
            wait = dt.timedelta(minutes=2**notification.attempts)
            notification.next_attempt_at = now + wait
            outcome = "retrying"
        notification.save(
            update_fields=["attempts", "last_error", "email_status", "next_attempt_at"]
        )
        return outcome
    notification.email_status = DeliveryStatus.SENT
    notification.sent_at = now
    notification.save(update_fields=["attempts", "email_status", "sent_at"])
    return "sent"


def _email_body(notification: Notification) -> str:
    if not notification.link:
        return notification.body
    return f"{notification.body}\n\n{settings.PATHWAY_BASE_URL.rstrip('/')}{notification.link}"


# Reading and marking ------------------------------------------------------------------------


def notifications_of(user: User) -> models.QuerySet[Notification]:
    return Notification.objects.filter(recipient=user)


def unread_count(user: User) -> int:
    return Notification.objects.filter(recipient=user, read_at__isnull=True).count()


def notification_mark_read(*, by: User, notification: Notification) -> Notification:
    if notification.recipient_id != by.pk:
        raise NotPermitted("This notification is for someone else.")
    if notification.read_at is None:
        notification.read_at = timezone.now()
        notification.save(update_fields=["read_at"])
    return notification


def notifications_mark_all_read(*, by: User) -> int:
    return Notification.objects.filter(recipient=by, read_at__isnull=True).update(
        read_at=timezone.now()
    )
