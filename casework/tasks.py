"""Casework's periodic work. Each task calls one service and is safe to repeat."""

from celery import shared_task

from casework.services.phase_transfer import phase_transfer_check, phase_transfer_sweep
from workflows import clock
from workflows.batch import each_in_own_transaction


@shared_task(autoretry_for=(ConnectionError,), retry_backoff=True, max_retries=5)
def open_phase_transfer_deadlines() -> int:
    """Daily: open the phase-transfer deadline of each plan whose transfer has come within 12
    months (SEND Regulations 2014 reg 18).

    A plan that already has its deadline is left alone (one per transfer), so a retry or a second
    beat opens nothing twice; a lost connection is retried because tomorrow is a day late.
    """
    today = clock.today()
    return each_in_own_transaction(
        "Open phase-transfer deadlines",
        phase_transfer_sweep(today=today),
        lambda plan: phase_transfer_check(plan.pk, on=today),
        team_of=lambda plan: plan.child.team_id,
    ).done
