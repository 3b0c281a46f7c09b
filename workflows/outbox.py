"""The outbox (DESIGN §6).

Every notification is a row written in the same transaction as its cause (`notify`). After the
commit the sender is only nudged; if the broker is down the nudge is lost but the row is not, and
the next sweep sends it.
"""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass

from celery import current_app
from django.db import transaction

from accounts.models import User
from workflows.delivery import notifications_deliver
from workflows.models import Notification

log = logging.getLogger(__name__)


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
# Named, not imported: the task calls the engine, whose transitions write into this outbox.
SEND_NOTIFICATIONS = "workflows.tasks.send_notifications"


def _nudge_sender() -> None:
    """Ask a worker to send the outbox now. Never waits on the broker: publishing happens on a
    thread of its own, because a Redis that is down makes the client retry for seconds, and a
    lost nudge costs only a few minutes (the periodic sweep sends the row)."""
    if current_app.conf.task_always_eager:
        # No worker to ask (the demo, the tests): send now, as the task would.
        notifications_deliver()
        return
    threading.Thread(target=_publish, name=NUDGE_THREAD, daemon=True).start()


def _publish() -> None:
    try:
        # Nobody waits for a result: asking for one would also wait on the result backend.
        current_app.send_task(SEND_NOTIFICATIONS, ignore_result=True)
    except Exception:
        log.warning("Could not nudge the sender; the next sweep will send.", exc_info=True)
