"""The Celery application.

The beat schedule lives here, in code, so that every environment runs the same periodic work.
Each periodic task is idempotent: two beats or a retried task change nothing twice.
"""

import os

from celery import Celery
from celery.schedules import crontab

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

app = Celery("pathway")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

app.conf.beat_schedule = {
    "send-due-reminders": {
        "task": "workflows.tasks.send_due_reminders",
        "schedule": 15 * 60,
    },
    "send-notifications": {
        "task": "workflows.tasks.send_notifications",
        "schedule": 5 * 60,
    },
    "mark-missed-deadlines": {
        "task": "workflows.tasks.mark_missed_deadlines",
        # Just after midnight in London: a deadline is missed once its due day has ended.
        "schedule": crontab(hour=0, minute=5),
    },
    "purge-idempotency-keys": {
        "task": "workflows.tasks.purge_idempotency_keys",
        "schedule": 60 * 60,
    },
    "open-phase-transfer-deadlines": {
        "task": "casework.tasks.open_phase_transfer_deadlines",
        "schedule": crontab(hour=0, minute=15),
    },
    "pay-direct-payment-instalments": {
        "task": "budgets.tasks.pay_direct_payment_instalments",
        "schedule": crontab(hour=6, minute=0),
    },
}
