from celery import shared_task

from workflows.services import deadlines_mark_missed


@shared_task(
    autoretry_for=(ConnectionError,),
    retry_backoff=True,
    max_retries=5,
)
def mark_missed_deadlines() -> int:
    """Daily: mark deadlines past their due day as missed.

    One UPDATE guarded by status, so a retry or a second beat finds nothing more to do; a lost
    database connection is retried with backoff because tomorrow's run would be a day late.
    """
    return deadlines_mark_missed()
