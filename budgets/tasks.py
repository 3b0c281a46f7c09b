from celery import shared_task

from budgets.services import direct_payments_pay_due


@shared_task(autoretry_for=(ConnectionError,), retry_backoff=True, max_retries=5)
def pay_direct_payment_instalments() -> int:
    """Daily: post the direct-payment instalments that have fallen due.

    Each instalment is one ledger entry under a unique constraint, so a retry or a second beat
    pays nothing twice; a lost database connection is retried, since families rely on the money.
    """
    return direct_payments_pay_due()
