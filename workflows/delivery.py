"""Delivery: the e-mail copy of each notification waiting in the outbox, sent once, retried with
a growing wait when the provider refuses it."""

from __future__ import annotations

import datetime as dt
import logging
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from accounts.models import User
from workflows.batch import each_in_own_transaction
from workflows.channels import email_channel
from workflows.models import DeliveryStatus, Notification
from workflows.reminder_messages import reminders_notify

log = logging.getLogger(__name__)


def notifications_deliver(*, batch: int = 100) -> dict[str, int]:
    """Send the e-mail copy of pending notifications; each one is stamped sent, or its error is
    recorded and it is tried again later, with a growing wait, up to the limit. The reminders
    the sweep wrote are put into words first, so they go out with the rest."""
    reminders_notify()
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
