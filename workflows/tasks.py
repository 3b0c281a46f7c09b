"""Periodic and nudged work. Each task takes no state, calls one service, and is safe to repeat.

Every item a task handles is done in a transaction of its own (`workflows.batch`): one that fails
is reported to its team's managers and in the admin, and the rest of the run goes on.
"""

from celery import shared_task

from workflows.batch import each_in_own_transaction
from workflows.delivery import notifications_deliver
from workflows.reminders import reminders_sweep
from workflows.services import deadlines_mark_missed, idempotency_keys_purge


@shared_task(autoretry_for=(ConnectionError,), retry_backoff=True, max_retries=5)
def mark_missed_deadlines() -> int:
    """Daily: mark deadlines past their due day as missed.

    One UPDATE guarded by status, so a retry or a second beat finds nothing more to do; a lost
    database connection is retried with backoff because tomorrow's run would be a day late.
    Any other failure is reported to the administrators; the next run marks what this one did
    not, since the statement covers every day already past.
    """
    return each_in_own_transaction(
        "Mark missed deadlines",
        [deadlines_mark_missed],
        lambda mark: mark(),
        describe=lambda _: "marking overdue deadlines missed",
    ).done


@shared_task(autoretry_for=(ConnectionError,), retry_backoff=True, max_retries=3)
def send_due_reminders() -> int:
    """Every 15 minutes: write the reminders now due, then send what waits in the outbox.

    The unique constraints make a second sweep write nothing. Sending here too means that a
    nudge lost while the broker was down is made up within 15 minutes. A batch of the sweep that
    fails is reported and stops neither the other batch nor the sending.
    """
    written = reminders_sweep()
    notifications_deliver()
    return written


@shared_task(autoretry_for=(ConnectionError,), retry_backoff=True, max_retries=3)
def send_notifications() -> dict[str, int]:
    """Send the e-mail copies waiting in the outbox. Rows are locked with SKIP LOCKED, so two
    senders at once share the work instead of sending anything twice."""
    return notifications_deliver()


@shared_task(autoretry_for=(ConnectionError,), retry_backoff=True, max_retries=3)
def purge_idempotency_keys() -> int:
    """Hourly: forget Idempotency-Key answers older than 24 hours. One DELETE by age, so a second
    run finds nothing; a key looked up after 24 hours is treated as forgotten even before this."""
    return idempotency_keys_purge()
