"""Reminders swept from deadlines, and the outbox that delivers every notification once."""

from __future__ import annotations

import datetime as dt
from unittest import mock

import pytest
import time_machine
from django.core import mail
from django.db import transaction
from rest_framework.test import APIClient

import workflows
from accounts.roles import Role
from casework.models import PlanStatus
from tests.factories import (
    ChildFactory,
    FamilyMemberFactory,
    NotificationFactory,
    PlanFactory,
    ReferredCaseFactory,
    UserFactory,
    staff,
)
from workflows.delivery import notifications_deliver
from workflows.models import Deadline, DeliveryStatus, Notification, Reminder
from workflows.reminder_messages import reminders_notify
from workflows.reminders import reminders_sweep

D = dt.date
MONDAY = dt.datetime(2026, 12, 14, 9, tzinfo=dt.UTC)


@pytest.fixture(autouse=True)
def monday():
    with time_machine.travel(MONDAY, tick=False):
        yield


@pytest.fixture
def case(team, practitioner):
    return ReferredCaseFactory(
        child__team=team, practitioner=practitioner, received_on=D(2026, 12, 14)
    )


def due_in(case, days: int, kind="assessment_complete") -> Deadline:
    deadline = Deadline.objects.get(case_id=case.pk, kind=kind)
    Deadline.objects.filter(pk=deadline.pk).update(
        due_on=D(2026, 12, 14) + dt.timedelta(days=days)
    )
    return Deadline.objects.get(pk=deadline.pk)


@pytest.mark.parametrize(
    ("days_left", "offset"), [(14, 14), (10, 14), (4, 14), (3, 3), (1, 3), (0, 0)]
)
def test_each_deadline_gets_the_one_reminder_for_its_window(case, practitioner, days_left, offset):
    Deadline.objects.filter(case_id=case.pk, kind="referral_decision").delete()
    due_in(case, days_left)

    assert reminders_sweep() == 1

    reminder = Reminder.objects.get()
    assert (reminder.offset_days, reminder.recipient) == (offset, practitioner)


def test_no_reminder_more_than_14_days_ahead(case):
    Deadline.objects.filter(case_id=case.pk, kind="referral_decision").delete()
    due_in(case, 15)

    assert reminders_sweep() == 0


def test_overdue_by_one_working_day_escalates_to_the_team_managers(case, manager, second_manager):
    Deadline.objects.filter(case_id=case.pk, kind="assessment_complete").delete()
    # Due Friday 11 December: Monday 14th is one working day later.
    Deadline.objects.filter(case_id=case.pk).update(due_on=D(2026, 12, 11))

    assert reminders_sweep() == 2
    reminders_notify()

    assert set(Reminder.objects.values_list("offset_days", "recipient")) == {
        (-1, manager.pk),
        (-1, second_manager.pk),
    }
    assert Notification.objects.filter(subject__startswith="Overdue:").count() == 2


def test_not_escalated_on_the_due_day_or_before_a_working_day_has_passed(case, manager):
    Deadline.objects.filter(case_id=case.pk, kind="assessment_complete").delete()
    Deadline.objects.filter(case_id=case.pk).update(due_on=D(2026, 12, 12))  # a Saturday

    reminders_sweep()

    assert not Reminder.objects.filter(offset_days=-1).exists()


def test_the_sweep_is_idempotent(case, manager):
    due_in(case, 3)
    first = reminders_sweep()
    rows = set(Reminder.objects.values_list("deadline", "offset_days", "recipient"))

    assert first > 0
    assert reminders_notify() == first
    assert reminders_sweep() == 0
    assert reminders_notify() == 0
    assert set(Reminder.objects.values_list("deadline", "offset_days", "recipient")) == rows
    assert Notification.objects.filter(kind="reminder").count() == first


def test_the_sweep_writes_reminders_only_and_the_sender_puts_them_into_words(case, manager):
    due_in(case, 3)

    written = reminders_sweep()

    assert written > 0
    assert not Notification.objects.filter(kind="reminder").exists()
    assert Reminder.objects.filter(notified_at__isnull=True).count() == written
    notifications_deliver()
    assert Notification.objects.filter(kind="reminder").count() == written
    assert not Reminder.objects.filter(notified_at__isnull=True).exists()


def test_the_words_of_a_reminder_come_from_its_template(case, settings, tmp_path):
    Deadline.objects.filter(case_id=case.pk, kind="referral_decision").delete()
    due_in(case, 0)
    folder = tmp_path / "workflows" / "reminders"
    folder.mkdir(parents=True)
    (folder / "subject.txt").write_text("Today: {{ what }}")
    (folder / "body.txt").write_text("{{ label }} is due {{ due_on|date:'j F' }}.")
    settings.TEMPLATES = [
        {**settings.TEMPLATES[0], "DIRS": [tmp_path, *settings.TEMPLATES[0]["DIRS"]]},
        *settings.TEMPLATES[1:],
    ]

    reminders_sweep()
    reminders_notify()

    notification = Notification.objects.get(kind="reminder")
    assert notification.subject == "Today: Complete the assessment"
    assert notification.body.endswith("is due 14 December.")


def test_offsets_are_a_setting(case, settings):
    settings.PATHWAY_REMINDER_OFFSETS = [7]
    Deadline.objects.filter(case_id=case.pk, kind="referral_decision").delete()
    due_in(case, 10)
    assert reminders_sweep() == 0
    due_in(case, 7)
    assert reminders_sweep() == 1


def test_closed_and_waived_deadlines_are_not_reminded(case, practitioner):
    workflows.transition(case, "accept_referral", by=practitioner)
    deadline = due_in(case, 3)
    Deadline.objects.filter(pk=deadline.pk).update(status="waived")

    assert reminders_sweep() == 0


def test_staff_reminders_link_to_the_case(case):
    due_in(case, 0)
    Deadline.objects.filter(case_id=case.pk, kind="referral_decision").delete()

    reminders_sweep()
    reminders_notify()

    notification = Notification.objects.get(kind="reminder")
    assert notification.subject.startswith("Due today: Complete the assessment")
    assert notification.link == f"/cases/{case.pk}/"


@pytest.mark.parametrize(
    ("due", "subject", "body"),
    [
        (
            D(2026, 12, 24),
            "Due in 10 days: Complete the assessment (Case {label})",
            "Complete the assessment for Case {label} is due on Thursday 24 December 2026.",
        ),
        (
            D(2026, 12, 14),
            "Due today: Complete the assessment (Case {label})",
            "Complete the assessment for Case {label} is due today, Monday 14 December 2026.",
        ),
        (
            D(2026, 12, 1),
            "Overdue: Complete the assessment (Case {label})",
            "Complete the assessment for Case {label} was due on Tuesday 1 December 2026 and has "
            "not been done. You are told as the team manager. Please check with the lead "
            "professional.",
        ),
    ],
)
def test_reminder_words_are_written_as_a_person_would(case, manager, due, subject, body):
    Deadline.objects.filter(case_id=case.pk, kind="referral_decision").delete()
    Deadline.objects.filter(case_id=case.pk).update(due_on=due, label=f"Case {case.pk}")

    reminders_sweep()
    reminders_notify()

    notification = Notification.objects.filter(kind="reminder").order_by("pk").first()
    assert notification.subject == subject.format(label=case.pk)
    assert notification.body == body.format(label=case.pk)
    assert notification.email_status == DeliveryStatus.PENDING
    reminder = Reminder.objects.get(recipient=notification.recipient)
    assert notification.dedupe_key == (
        f"reminder:{reminder.deadline_id}:{reminder.offset_days}:{reminder.recipient_id}"
    )


def family_and_plan(team):
    parent = UserFactory(role=Role.FAMILY, email="mum@example.org")
    child = ChildFactory(team=team, given_name="Ella")
    FamilyMemberFactory(child=child, name="Mum", relationship="mother", user=parent)
    return parent, PlanFactory(
        child=child, status=PlanStatus.REQUESTED, requested_on=D(2026, 11, 2)
    )


def test_a_decision_writes_the_familys_letter_in_the_same_transaction(
    team, manager, django_capture_on_commit_callbacks
):
    parent, plan = family_and_plan(team)

    with django_capture_on_commit_callbacks() as callbacks:
        workflows.transition(plan, "refuse_to_assess", by=manager, reason="Needs met at school")

    letter = Notification.objects.get(recipient=parent)
    assert letter.subject == "We will not carry out an EHC needs assessment for Ella"
    assert "Needs met at school" in letter.body
    assert "First-tier Tribunal" in letter.body
    assert letter.link == f"/letters/{plan.letters.get().pk}/download/"
    assert len(callbacks) >= 1  # the sender is nudged only after the commit


@pytest.mark.django_db(transaction=True)
def test_no_letter_when_the_decision_rolls_back(team, monkeypatch):
    manager = staff(Role.TEAM_MANAGER, team)
    _parent, plan = family_and_plan(team)
    monkeypatch.setattr("workflows.services.deadlines_settle", lambda *a, **k: 1 / 0)

    with pytest.raises(ZeroDivisionError):
        workflows.transition(plan, "refuse_to_assess", by=manager, reason="x")

    assert not Notification.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_the_nudge_sends_the_email_after_commit(team):
    manager = staff(Role.TEAM_MANAGER, team)
    _parent, plan = family_and_plan(team)

    with transaction.atomic():
        workflows.transition(plan, "agree_to_assess", by=manager)
        assert mail.outbox == []

    assert [message.to for message in mail.outbox] == [["mum@example.org"]]
    assert Notification.objects.get().email_status == DeliveryStatus.SENT


@pytest.mark.django_db(transaction=True)
def test_a_broker_that_is_down_loses_the_nudge_but_not_the_notification(team, monkeypatch):
    manager = staff(Role.TEAM_MANAGER, team)
    _parent, plan = family_and_plan(team)

    def broker_down() -> None:
        raise ConnectionError("Redis down")

    monkeypatch.setattr("workflows.outbox._nudge_sender", broker_down)

    workflows.transition(plan, "agree_to_assess", by=manager)

    assert Notification.objects.get().email_status == DeliveryStatus.PENDING
    assert notifications_deliver()["sent"] == 1
    assert notifications_deliver()["sent"] == 0
    assert len(mail.outbox) == 1


def test_a_provider_error_is_recorded_retried_and_finally_failed(team, settings):
    settings.PATHWAY_NOTIFICATION_MAX_ATTEMPTS = 2
    user = UserFactory(email="worker@example.org")
    NotificationFactory(recipient=user, kind="reminder", subject="S", body="B")
    broken = mock.Mock()
    broken.send.side_effect = OSError("SMTP refused")

    with mock.patch("workflows.delivery.email_channel", return_value=broken):
        assert notifications_deliver() == {"sent": 0, "failed": 0, "retrying": 1, "in_app_only": 0}
        assert notifications_deliver()["retrying"] == 0  # waiting for its next attempt
        Notification.objects.update(next_attempt_at=None)
        assert notifications_deliver()["failed"] == 1

    row = Notification.objects.get()
    assert (row.email_status, row.attempts) == (DeliveryStatus.FAILED, 2)
    assert "SMTP refused" in row.last_error


def test_no_email_address_means_in_app_only(db):
    user = UserFactory(email="")
    NotificationFactory(recipient=user, kind="decision", subject="S", body="B")

    assert notifications_deliver()["in_app_only"] == 1
    assert mail.outbox == []


def test_govuk_notify_is_used_when_a_key_is_set(settings, db):
    settings.NOTIFY_API_KEY = "test-key"
    settings.NOTIFY_TEMPLATE_ID = "template-1"
    NotificationFactory(
        recipient=UserFactory(email="a@example.org"), kind="k", subject="S", body="B"
    )

    with mock.patch("notifications_python_client.notifications.NotificationsAPIClient") as client:
        assert notifications_deliver()["sent"] == 1

    client.return_value.send_email_notification.assert_called_once_with(
        email_address="a@example.org",
        template_id="template-1",
        personalisation={"subject": "S", "body": "B"},
    )


def test_notifications_api_shows_only_your_own_and_marks_read(db):
    me, someone = UserFactory(), UserFactory()
    mine = NotificationFactory(recipient=me, kind="k", subject="Mine", body="B")
    theirs = NotificationFactory(recipient=someone, kind="k", subject="Theirs", body="B")
    client = APIClient()
    client.force_authenticate(me)

    listed = client.get("/api/v1/notifications/").json()
    marked = client.post(f"/api/v1/notifications/{mine.pk}/read/")

    assert [row["subject"] for row in listed["results"]] == ["Mine"]
    assert marked.json()["read_at"] is not None
    assert client.post(f"/api/v1/notifications/{theirs.pk}/read/").status_code == 404


def test_header_shows_the_unread_count_and_the_list_page(client, db):
    me = UserFactory(role=Role.PROVIDER)
    NotificationFactory(recipient=me, kind="booking", subject="Booked", body="Saturday")
    client.force_login(me)

    page = client.get("/notifications/").content.decode()
    client.post("/notifications/")
    after = client.get("/notifications/").content.decode()

    assert "Booked" in page
    assert 'govuk-tag--red">1<' in page
    assert 'govuk-tag--red">1<' not in after


def test_sweep_command_prints_how_many_it_wrote(case):
    from io import StringIO

    from django.core.management import call_command

    due_in(case, 3)
    out = StringIO()
    call_command("sweep_reminders", stdout=out)
    call_command("sweep_reminders", stdout=out)

    assert out.getvalue().splitlines()[-1] == "0 reminders written."
    assert out.getvalue().splitlines()[0].endswith("reminders written.")
