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
from typing import Any, ClassVar, cast

from django.conf import settings
from django.db import models, transaction
from django.db.models import (
    Case,
    CharField,
    DateTimeField,
    Exists,
    F,
    Func,
    IntegerField,
    OuterRef,
    Q,
    Value,
    When,
)
from django.db.models.functions import Cast, Concat, Left
from django.db.models.lookups import Exact
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from accounts.models import User
from accounts.roles import Role
from workflows import clock
from workflows.batch import each_in_own_transaction
from workflows.channels import email_channel
from workflows.errors import NotPermitted
from workflows.models import Deadline, DeliveryStatus, Notification, Reminder
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


def notify_one(*, recipient: User, kind: str, subject: str, body: str, link: str = "") -> None:
    """One message, for the apps below the engine (`accounts.outbox`)."""
    notify([Message(recipient.pk, kind, subject, body, link)])


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
    """Write every reminder now due; returns how many were new. Safe to run at any time.

    Each audience (deadline owners, escalations to managers) is one batch of statements in a
    transaction of its own: one that fails is reported and the other is still written."""
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
    to_managers = running.filter(
        due_on__lte=escalate_due_before,
        team__memberships__user__groups__name=Role.TEAM_MANAGER,
        team__memberships__user__is_active=True,
    ).annotate(
        deadline_id=F("pk"),
        offset=Value(ESCALATION, output_field=IntegerField()),
        recipient=F("team__memberships__user_id"),
    )
    return [
        ReminderBatch("reminders to the deadlines' owners", to_owner, today),
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


def _insert_select(
    model: type[models.Model], columns: list[str], selects: list[models.QuerySet[Any]]
) -> int:
    """INSERT INTO model (columns) SELECT … UNION ALL SELECT …, skipping rows that would break a
    unique constraint (ON CONFLICT DO NOTHING, or SQLite's INSERT OR IGNORE)."""
    from django.db import connection
    from django.db.models.constants import OnConflict

    parts, params = [], []
    for select in selects:
        # The compiler's SQL with its parameters kept apart: nothing user-given is spliced in.
        sql, select_params = select.query.get_compiler(connection=connection).as_sql()
        parts.append(f"SELECT * FROM ({sql}) AS due")  # noqa: S608
        params.extend(select_params)
    table = connection.ops.quote_name(model._meta.db_table)
    fields = [cast("models.Field[Any, Any]", model._meta.get_field(column)) for column in columns]
    names = ", ".join(connection.ops.quote_name(field.column) for field in fields)
    insert = connection.ops.insert_statement(on_conflict=OnConflict.IGNORE)
    suffix = connection.ops.on_conflict_suffix_sql(fields, OnConflict.IGNORE, None, None)
    with connection.cursor() as cursor:
        cursor.execute(f"{insert} {table} ({names}) {' UNION ALL '.join(parts)} {suffix}", params)
        return max(int(cursor.rowcount), 0)


WEEKDAYS = ["Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"]
MONTHS = [
    "January", "February", "March", "April", "May", "June", "July", "August", "September",
    "October", "November", "December",
]  # fmt: skip


class DatePart(Func):
    """A part of a date as a number, by the database's own function: Django's Extract runs as a
    Python function on SQLite, once per row and branch, which made the sweep 10 times slower.
    Both databases count days of the week from 0 for Sunday."""

    output_field = IntegerField()
    PARTS: ClassVar[dict[str, tuple[str, str]]] = {
        "weekday": ("DOW", "w"),
        "day": ("DAY", "d"),
        "month": ("MONTH", "m"),
        "year": ("YEAR", "Y"),
    }

    def __init__(self, field: str, part: str) -> None:
        super().__init__(F(field))
        self.part = part

    def as_sql(  # type: ignore[override]
        self, compiler: Any, connection: Any, **extra: Any
    ) -> tuple[str, list[Any]]:
        sql, params = compiler.compile(self.source_expressions[0])
        return f"CAST(EXTRACT({self.PARTS[self.part][0]} FROM {sql}) AS INTEGER)", list(params)

    def as_sqlite(self, compiler: Any, connection: Any, **extra: Any) -> tuple[str, list[Any]]:
        sql, params = compiler.compile(self.source_expressions[0])
        # %% is a literal % in SQL that goes out with parameters.
        code = self.PARTS[self.part][1]
        return f"CAST(strftime('%%{code}', {sql}) AS INTEGER)", list(params)


def _named(number: DatePart, names: list[str], first: int) -> Case:
    return Case(
        *(When(Q(Exact(number, first + n)), then=Value(name)) for n, name in enumerate(names)),
        output_field=CharField(),
    )


def _long_date(field: str) -> Concat:
    """`Monday 7 December 2026`, in SQL that SQLite and PostgreSQL both run."""
    return Concat(
        _named(DatePart(field, "weekday"), WEEKDAYS, 0),
        Value(" "),
        Cast(DatePart(field, "day"), CharField()),
        Value(" "),
        _named(DatePart(field, "month"), MONTHS, 1),
        Value(" "),
        Cast(DatePart(field, "year"), CharField()),
        output_field=CharField(),
    )


def _reminder_message_columns(today: dt.date, now: dt.datetime) -> dict[str, Any]:
    """The notification of a due reminder, column by column, as SQL expressions over the
    deadline rows of the sweep (which carry `offset` and `recipient`)."""
    what = Case(
        *(
            When(kind=kind.kind, then=Value(kind.label))
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
        When(
            offset=0,
            then=Concat(
                what,
                Value(" for "),
                "label",
                Value(" is due today, "),
                on,
                Value("."),
                output_field=CharField(),
            ),
        ),
        default=Concat(
            what,
            Value(" for "),
            "label",
            Value(" is due on "),
            on,
            Value("."),
            output_field=CharField(),
        ),
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

        def deliver(notification: Notification) -> int:
            done[_deliver_one(notification, channel, now)] += 1
            return 1

        # A row that cannot even be stamped is reported and left pending; the others are sent.
        each_in_own_transaction(
            "Sending notifications",
            pending,
            deliver,
            describe=lambda notification: f"notification {notification.pk}",
        )
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
