"""Reminders and notifications through a real Redis and real Celery worker processes."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from celery import Celery
from django.contrib.contenttypes.models import ContentType

import workflows
from accounts.roles import Role
from casework.models import PlanStatus
from config import celery_app
from tests.factories import ChildFactory, FamilyMemberFactory, PlanFactory, UserFactory, staff
from tests.integration.conftest import patient, wait_until
from workflows import clock
from workflows.models import Deadline, DeliveryStatus, Notification, Reminder

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]


def sent_emails(directory: Path) -> list[str]:
    """Each message the file backend wrote (it may append several to one file)."""
    separator = "-" * 79
    text = "".join(path.read_text() for path in sorted(directory.glob("*.log")))
    return [message for message in text.split(separator) if "Subject:" in message]


def answers(client) -> bool:
    try:
        return bool(client.control.ping(timeout=0.5))
    except Exception:
        return False


def family_plans(team, count: int) -> list:
    plans = []
    for index in range(count):
        parent = UserFactory(role=Role.FAMILY, email=f"parent{index}@example.org")
        child = ChildFactory(team=team)
        FamilyMemberFactory(child=child, name="Parent", relationship="mother", user=parent)
        plans.append(
            PlanFactory(
                child=child,
                status=PlanStatus.REQUESTED,
                requested_on=clock.today() - dt.timedelta(days=10),
            )
        )
    return plans


def test_a_transition_leads_to_a_delivered_email(start_worker, app_publishes_to, email_dir, team):
    start_worker()
    [plan] = family_plans(team, 1)

    workflows.transition(plan, "agree_to_assess", by=staff(Role.TEAM_MANAGER, team))

    wait_until(
        lambda: Notification.objects.filter(email_status=DeliveryStatus.SENT).exists(),
        timeout=120,
        what="the worker sending the e-mail",
    )
    [email] = sent_emails(email_dir)
    assert "To: parent0@example.org" in email
    assert "We will carry out an EHC needs assessment" in email


def test_the_beat_schedule_entry_runs_the_sweep(celery_worker, email_dir, team, practitioner):
    entry = celery_app.conf.beat_schedule["send-due-reminders"]
    deadline_owner = practitioner
    for days in (14, 3, 0):
        Deadline.objects.create(
            subject_type=ContentType.objects.get_for_model(Deadline),
            subject_id=days,
            kind="assessment_complete",
            team=team,
            owner=deadline_owner,
            due_on=clock.today() + dt.timedelta(days=days),
            opened_on=clock.today(),
            label=f"Case {days}",
        )

    written = celery_worker.send_task(entry["task"]).get(timeout=patient(180))

    assert written == 3
    assert sorted(Reminder.objects.values_list("offset_days", flat=True)) == [0, 3, 14]
    wait_until(lambda: len(sent_emails(email_dir)) == 3, timeout=120, what="three reminders sent")


def test_two_workers_sweeping_at_once_write_no_duplicates(
    start_worker, celery_client, email_dir, team, practitioner
):
    start_worker()
    start_worker()
    for number in range(40):
        Deadline.objects.create(
            subject_type=ContentType.objects.get_for_model(Deadline),
            subject_id=number,
            kind="assessment_complete",
            team=team,
            owner=practitioner,
            due_on=clock.today() + dt.timedelta(days=number % 4),
            opened_on=clock.today(),
            label=f"Case {number}",
        )

    results = [celery_client.send_task("workflows.tasks.send_due_reminders") for _ in range(6)]
    written = [result.get(timeout=patient(180)) for result in results]

    assert sum(written) >= 40
    assert Reminder.objects.count() == 40
    assert Notification.objects.filter(kind="reminder").count() == 40
    celery_client.send_task("workflows.tasks.send_notifications").get(timeout=patient(180))
    wait_until(
        lambda: not Notification.objects.filter(email_status="pending").exists(),
        timeout=120,
        what="every reminder sent",
    )
    assert len(sent_emails(email_dir)) == 40


def test_redis_down_during_200_transitions_loses_nothing_and_sends_nothing_twice(
    redis_server, start_worker, app_publishes_to, email_dir, team
):
    start_worker()
    manager = staff(Role.TEAM_MANAGER, team)
    plans = family_plans(team, 200)
    redis_server.stop()

    for plan in plans:
        workflows.transition(plan, "agree_to_assess", by=manager)  # the nudge fails, quietly

    assert Notification.objects.filter(email_status=DeliveryStatus.PENDING).count() == 200
    redis_server.start()
    client = Celery(
        "after-restart",
        broker=f"{redis_server.url}/0",
        backend=f"{redis_server.url}/1",
        set_as_current=False,
    )
    wait_until(lambda: answers(client), timeout=180, what="the worker reconnecting")
    client.send_task("workflows.tasks.send_due_reminders").get(timeout=patient(180))
    client.send_task("workflows.tasks.send_notifications").get(timeout=patient(180))
    client.close()

    wait_until(
        lambda: Notification.objects.filter(email_status=DeliveryStatus.SENT).count() == 200,
        timeout=120,
        what="all 200 notifications sent",
    )
    emails = sent_emails(email_dir)
    recipients = [
        line for email in emails for line in email.splitlines() if line.startswith("To: ")
    ]
    assert len(recipients) == 200
    assert len(set(recipients)) == 200
