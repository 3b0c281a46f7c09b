from __future__ import annotations

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.db.models import Q

from workflows.registry import DeadlineKind, registry


class TransitionLog(models.Model):
    """The audit record of one change of state (or one creation, or one deadline decision).

    Written in the same transaction as the change, so there is a row for every change and none
    for a change that was rolled back. Never updated or deleted by the application.
    """

    CREATED = "create"

    subject_type = models.ForeignKey(ContentType, on_delete=models.PROTECT)
    subject_id = models.PositiveBigIntegerField()
    subject = GenericForeignKey("subject_type", "subject_id")
    # An id, not a foreign key: the case model lives in casework, above this app.
    case_id = models.PositiveBigIntegerField(null=True, blank=True)
    transition = models.CharField(max_length=60)
    source = models.CharField(max_length=40, blank=True)
    target = models.CharField(max_length=40, blank=True)
    # Empty only for what the system does on its own: the daily sweep marking deadlines missed.
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="transitions_made",
    )
    at = models.DateTimeField(auto_now_add=True)
    effective_on = models.DateField(help_text="The date the change really happened.")
    note = models.TextField(blank=True)
    params = models.JSONField(default=dict, blank=True, encoder=DjangoJSONEncoder)

    class Meta:
        ordering = ["at", "id"]
        indexes = [
            # The history of one record, and "when did this record last change" in transition().
            models.Index(fields=["subject_type", "subject_id", "at"], name="log_subject_at"),
            # The timeline of a case page.
            models.Index(fields=["case_id", "at"], name="log_case_at"),
        ]

    def __str__(self) -> str:
        return f"{self.subject_type.model} {self.subject_id}: {self.transition} by {self.actor_id}"


class DeadlineStatus(models.TextChoices):
    OPEN = "open", "Open"
    MET = "met", "Met"
    MISSED = "missed", "Missed"
    WAIVED = "waived", "Waived"
    SUPERSEDED = "superseded", "Replaced by a newer deadline"
    NOT_REQUIRED = "not_required", "Not required"


class StatutoryException(models.TextChoices):
    """The grounds of SEND Regulations 2014 reg 10(4)(a) to (d) (applied by reg 5(4), 13(3) and
    27(3)) on which a time limit need not be complied with. Late advice is none of them."""

    SETTING_CLOSED = (
        "setting_closed",
        "Advice was asked of a school or post-16 institution closed for 4 weeks or more",
    )
    EARLY_YEARS_CLOSED = (
        "early_years_closed",
        "Advice was asked of an early years provider closed for 4 weeks or more",
    )
    EXCEPTIONAL_CIRCUMSTANCES = (
        "exceptional_circumstances",
        "Exceptional personal circumstances of the child or family",
    )
    AWAY_FROM_AREA = "away_from_area", "The family was away from the area for 4 weeks or more"


RUNNING_STATES = (DeadlineStatus.OPEN, DeadlineStatus.MISSED)


class DeadlineQuerySet(models.QuerySet["Deadline"]):
    def running(self) -> DeadlineQuerySet:
        """Still counting: open, or missed and not yet closed by a late step."""
        return self.filter(closed_on__isnull=True, status__in=RUNNING_STATES)

    def for_subject(self, obj: models.Model) -> DeadlineQuerySet:
        return self.filter(subject_type=ContentType.objects.get_for_model(obj), subject_id=obj.pk)

    def of_kind(self, *kinds: DeadlineKind) -> DeadlineQuerySet:
        """Of these declared kinds (`DeadlineKind` objects, never strings)."""
        return self.filter(kind__in=[kind.value for kind in kinds])

    def statutory(self) -> DeadlineQuerySet:
        values = [kind.value for kind in registry.deadline_kinds.values() if kind.statutory]
        return self.filter(kind__in=values)


class Deadline(models.Model):
    """A statutory or council-policy timescale on a record (DESIGN §5); `workflows.deadlines` is
    its machine and the only code that changes one.

    open → met (closed on or before `due_on`) | missed (closed late, or still open after `due_on`:
    the daily sweep marks it, and a later closing step still records `closed_on`) | waived (a
    council-policy deadline set aside by a team manager, with a reason) | superseded (a newer one
    of the same kind replaced it) | not_required. An open or missed deadline with no `closed_on` is
    still running.
    """

    SET_ASIDE = (DeadlineStatus.WAIVED, DeadlineStatus.SUPERSEDED, DeadlineStatus.NOT_REQUIRED)

    subject_type = models.ForeignKey(ContentType, on_delete=models.PROTECT)
    subject_id = models.PositiveBigIntegerField()
    subject = GenericForeignKey("subject_type", "subject_id")
    case_id = models.PositiveBigIntegerField(null=True, blank=True)
    team = models.ForeignKey(
        "accounts.Team", null=True, blank=True, on_delete=models.PROTECT, related_name="deadlines"
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="deadlines",
        help_text="Who is reminded: the kind's owner rule (DESIGN §5 Owners); when empty, the "
        "team's managers.",
    )
    label = models.CharField(max_length=200, blank=True, help_text="The record, for reminders.")
    kind = models.CharField(max_length=40)
    due_on = models.DateField()
    opened_on = models.DateField(help_text="The effective date of the step that opened it.")
    opened_at = models.DateTimeField(auto_now_add=True)
    status = models.CharField(
        max_length=12, choices=DeadlineStatus.choices, default=DeadlineStatus.OPEN
    )
    closed_on = models.DateField(null=True, blank=True)
    closed_by = models.CharField(max_length=60, blank=True, help_text="The closing transition.")
    # The ground of the latest live `DeadlineException`, kept in step by the one writer of both
    # (`workflows.deadlines`) so that lists and reports read it without a join.
    exception = models.CharField(max_length=40, choices=StatutoryException.choices, blank=True)
    waiver_reason = models.TextField(blank=True)

    objects = DeadlineQuerySet.as_manager()

    class Meta:
        ordering = ["due_on", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["subject_type", "subject_id", "kind"],
                condition=Q(closed_on__isnull=True) & ~Q(status=DeadlineStatus.WAIVED),
                name="one_running_deadline_per_kind",
            )
        ]
        indexes = [
            # The daily "mark missed" sweep and the reminder sweep: open deadlines by due date.
            models.Index(fields=["status", "due_on"], name="deadline_status_due"),
            # The deadlines tab of a case page.
            models.Index(fields=["case_id", "due_on"], name="deadline_case_due"),
            # Closing a record's deadlines in transition().
            models.Index(fields=["subject_type", "subject_id", "kind"], name="deadline_subject"),
            # The reminder sweep's batches of a few deadlines among many running ones: those
            # without an owner, and each kind also reminded to someone else. Read by
            # (status, due_on) they cost a quarter of the sweep on SQLite finding nothing.
            models.Index(
                fields=["status", "due_on"],
                condition=Q(closed_on__isnull=True, owner__isnull=True),
                name="deadline_running_unowned",
            ),
            models.Index(
                fields=["kind", "due_on"],
                condition=Q(closed_on__isnull=True),
                name="deadline_running_kind_due",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} due {self.due_on:%d %b %Y} ({self.status})"


class DeadlineException(models.Model):
    """One exception recorded against a statutory deadline, with the facts its ground rests on
    (DESIGN §5). A history: a second exception is a new row, and a withdrawn one keeps its row
    with who withdrew it, when and why. `workflows.deadlines` is the only writer; the deadline's
    current exception is its latest live (not withdrawn) row."""

    deadline = models.ForeignKey(Deadline, on_delete=models.PROTECT, related_name="exceptions")
    ground = models.CharField(max_length=40, choices=StatutoryException.choices)
    reason = models.TextField()
    advice_requested_on = models.DateField(null=True, blank=True)
    closed_from = models.DateField(null=True, blank=True)
    closed_to = models.DateField(
        null=True, blank=True, help_text="The last day the setting was closed."
    )
    away_from = models.DateField(null=True, blank=True)
    away_to = models.DateField(null=True, blank=True, help_text="The last day away.")
    # Empty only on rows carried over from before exceptions were a history.
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="deadline_exceptions_added",
    )
    added_at = models.DateTimeField(auto_now_add=True)
    withdrawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="deadline_exceptions_withdrawn",
    )
    withdrawn_at = models.DateTimeField(null=True, blank=True)
    withdrawal_reason = models.TextField(blank=True)

    class Meta:
        ordering = ["added_at", "id"]
        indexes = [
            # A deadline's history, and the live exception of each deadline in reports.
            models.Index(fields=["deadline", "withdrawn_at"], name="deadline_exception_live"),
        ]

    def __str__(self) -> str:
        return f"{self.get_ground_display()} on {self.deadline}"

    @property
    def is_live(self) -> bool:
        return self.withdrawn_at is None


class Reminder(models.Model):
    """One reminder of one deadline to one person at one offset: the sweep's idempotence key.

    `offset_days` is days before the due date (14, 3, 0), or negative for the escalation sent
    once the deadline is a working day overdue. The sweep writes the row only; its message is
    put into words when the sender takes it (`notified_at`), from the templates of
    `workflows.reminder_messages`.
    """

    deadline = models.ForeignKey(Deadline, on_delete=models.CASCADE, related_name="reminders")
    offset_days = models.SmallIntegerField()
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="reminders"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    notified_at = models.DateTimeField(
        null=True, blank=True, help_text="When its message was written into the outbox."
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["deadline", "offset_days", "recipient"], name="one_reminder_per_offset"
            )
        ]
        indexes = [
            # The sender: reminders whose message is still to be written, oldest first.
            models.Index(
                fields=["id"], name="reminder_to_notify", condition=Q(notified_at__isnull=True)
            )
        ]

    def __str__(self) -> str:
        return f"Reminder of {self.deadline} at {self.offset_days} days to {self.recipient_id}"


class DeliveryStatus(models.TextChoices):
    PENDING = "pending", "Waiting to be sent"
    SENT = "sent", "Sent"
    FAILED = "failed", "Failed after every retry"
    IN_APP_ONLY = "in_app_only", "In the app only (no e-mail address)"


class Notification(models.Model):
    """The outbox: a message to one person, written in the same transaction as its cause.

    Every notification is shown in the app. Its e-mail copy is sent by the sender task, which
    stamps it sent, or records the error and tries again later, up to a limit.
    """

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    kind = models.CharField(max_length=40)
    subject = models.CharField(max_length=200)
    body = models.TextField()
    link = models.CharField(max_length=300, blank=True)
    dedupe_key = models.CharField(max_length=200, null=True, blank=True, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    read_at = models.DateTimeField(null=True, blank=True)
    email_status = models.CharField(
        max_length=12, choices=DeliveryStatus.choices, default=DeliveryStatus.PENDING
    )
    attempts = models.PositiveSmallIntegerField(default=0)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    last_error = models.TextField(blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            # The sender: pending e-mails whose next attempt is due.
            models.Index(fields=["email_status", "next_attempt_at"], name="outbox_pending"),
            # The header's unread count and the list page.
            models.Index(fields=["recipient", "read_at"], name="notification_unread"),
        ]

    def __str__(self) -> str:
        return f"{self.subject} to {self.recipient_id} ({self.email_status})"


class IdempotencyKey(models.Model):
    """The first answer to a request sent with an `Idempotency-Key` header, kept 24 hours.

    Written in the same transaction as what the request did, so a key exists exactly when its
    request's changes do; (user, key) is unique, so a second request with the key waits for the
    first to finish and is then given its answer.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="idempotency_keys"
    )
    key = models.CharField(max_length=255)
    fingerprint = models.CharField(
        max_length=64, help_text="SHA-256 of the method, the path and the body."
    )
    response_status = models.PositiveSmallIntegerField(null=True, blank=True)
    # The JSON text as first sent, so that the answer given again is the same to the byte.
    response_body = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "key"], name="one_idempotency_key_per_user")
        ]
        indexes = [
            # The hourly purge of keys older than a day.
            models.Index(fields=["created_at"], name="idempotency_key_created"),
        ]

    def __str__(self) -> str:
        return f"Idempotency key {self.key} of {self.user_id}"


class BatchFailure(models.Model):
    """One item a batch task could not do: a budget whose instalment failed, a sweep statement
    that raised. The task rolled back that item alone and went on with the others; this row is
    what an administrator sees in the admin, and the team's managers were told."""

    task = models.CharField(max_length=100)
    item = models.CharField(max_length=200)
    # An id, not a foreign key: a failure is kept even if its team is later renamed or merged.
    team_id = models.PositiveBigIntegerField(null=True, blank=True)
    error = models.TextField()
    failed_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-failed_at", "-id"]

    def __str__(self) -> str:
        return f"{self.task}: {self.item}"
