"""Scheduled work keeps going (issue #15 item 11): the embedded scheduler survives its passes and
a failing task, and every batch task does each item alone, reports the ones that failed to the
team's managers and in the admin, and goes on with the rest."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal
from unittest import mock

import pytest
import time_machine
from django.contrib.admin.sites import site
from django.core.management import call_command
from django.test import RequestFactory

from accounts.roles import Role
from budgets import services
from budgets.models import EntryKind, LedgerEntry
from tests.factories import (
    ActiveBudgetFactory,
    BatchFailureFactory,
    ReferredCaseFactory,
    staff,
)
from workflows import delivery, outbox, reminders
from workflows.models import BatchFailure, Deadline, DeliveryStatus, Notification, Reminder

D = dt.date
TODAY = dt.datetime(2026, 12, 14, 9, tzinfo=dt.UTC)
TASKS = [
    "send-due-reminders",
    "send-notifications",
    "mark-missed-deadlines",
    "pay-direct-payment-instalments",
]


@pytest.fixture(autouse=True)
def monday():
    with time_machine.travel(TODAY, tick=False) as traveller:
        yield traveller


def direct_payment_budget(team, manager):
    return ActiveBudgetFactory(
        child__team=team, amount="1200.00", by_direct_payments=True, manager=manager
    )


def instalments_paid(budget) -> int:
    return LedgerEntry.objects.filter(budget=budget, kind=EntryKind.PAYMENT).count()


# The scheduler ------------------------------------------------------------------------------


def run_schedule(monday, passes: int) -> str:
    """Run the scheduler for `passes` checks, each a day after the one before, with no wait."""
    out = io.StringIO()
    with mock.patch(
        "workflows.management.commands.run_schedule.time.sleep",
        side_effect=lambda seconds: monday.shift(dt.timedelta(days=1)),
    ) as sleep:
        call_command("run_schedule", "--passes", str(passes), "--interval", "0", stdout=out)
    assert sleep.call_count == passes
    return out.getvalue()


def runs_of(output: str, task: str) -> int:
    return sum(1 for line in output.splitlines() if f" {task} ran: " in line)


@pytest.mark.django_db
def test_run_schedule_runs_every_due_task_at_each_of_three_passes(monday):
    output = run_schedule(monday, passes=3)

    # Once at start-up, then once at each pass: a day later, every task has fallen due again.
    assert {task: runs_of(output, task) for task in TASKS} == dict.fromkeys(TASKS, 4)


@pytest.mark.django_db
def test_run_schedule_goes_on_past_a_task_that_raises(monday):
    with mock.patch("workflows.tasks.reminders_sweep", side_effect=RuntimeError("broken")):
        output = run_schedule(monday, passes=3)

    assert runs_of(output, "send-due-reminders") == 0
    assert runs_of(output, "mark-missed-deadlines") == 4
    assert runs_of(output, "pay-direct-payment-instalments") == 4


# Direct payments ----------------------------------------------------------------------------


def test_a_budget_whose_instalment_fails_does_not_stop_the_later_families(team, manager):
    first, broken, later = (direct_payment_budget(team, manager) for _ in range(3))
    real_pay = services._pay_instalment

    def pay(budget, instalment):
        if budget.pk == broken.pk:
            raise RuntimeError("the payment provider refused the account")
        real_pay(budget, instalment)

    with mock.patch("budgets.services._pay_instalment", side_effect=pay):
        paid = services.direct_payments_pay_due()

    assert paid == 18  # April to December 2026 for two families
    assert (instalments_paid(first), instalments_paid(broken), instalments_paid(later)) == (
        9,
        0,
        9,
    )
    failure = BatchFailure.objects.get()
    assert failure.task == "Direct payment instalments"
    assert failure.item == f"the direct payment of budget {broken.pk}"
    assert failure.team_id == team.pk
    assert "the payment provider refused the account" in failure.error
    told = Notification.objects.get(kind="batch_failure")
    assert told.recipient == manager
    assert f"budget {broken.pk}" in told.subject


def test_the_failed_budget_is_paid_at_the_next_run_and_nothing_twice(team, manager):
    first, broken = direct_payment_budget(team, manager), direct_payment_budget(team, manager)
    real_pay = services._pay_instalment

    def pay(budget, instalment):
        if budget.pk == broken.pk and instalment.number == 3:
            raise RuntimeError("refused")
        real_pay(budget, instalment)

    with mock.patch("budgets.services._pay_instalment", side_effect=pay):
        services.direct_payments_pay_due()
    # The budget's whole run was rolled back, instalments 1 and 2 with it.
    assert instalments_paid(broken) == 0

    assert services.direct_payments_pay_due() == 9
    assert services.direct_payments_pay_due() == 0
    assert (instalments_paid(first), instalments_paid(broken)) == (9, 9)
    assert sum(
        entry.amount for entry in LedgerEntry.objects.filter(budget=broken, kind=EntryKind.PAYMENT)
    ) == Decimal("900.00")


def test_a_failure_is_reported_once_a_day_however_often_the_task_runs(team, manager):
    broken = direct_payment_budget(team, manager)

    with mock.patch("budgets.services._pay_instalment", side_effect=RuntimeError("refused")):
        services.direct_payments_pay_due()
        services.direct_payments_pay_due()

    assert BatchFailure.objects.filter(item__contains=f"budget {broken.pk}").count() == 2
    assert Notification.objects.filter(kind="batch_failure", recipient=manager).count() == 1


def test_batch_failures_are_listed_in_the_admin_and_cannot_be_changed(admin_user):
    failure = BatchFailureFactory(task="Reminder sweep", item="the sweep", error="boom")
    request = RequestFactory().get("/")
    request.user = admin_user
    model_admin = site._registry[BatchFailure]

    assert model_admin.has_view_permission(request, failure)
    assert not model_admin.has_add_permission(request)
    assert not model_admin.has_change_permission(request, failure)
    assert not model_admin.has_delete_permission(request, failure)


# The reminder sweep and the sender ----------------------------------------------------------


@pytest.fixture
def overdue_and_upcoming(team, practitioner, manager):
    """One deadline due in 3 days (a reminder to its owner) and one overdue (an escalation)."""
    cases = [
        ReferredCaseFactory(
            child__team=team, practitioner=practitioner, received_on=D(2026, 12, 14)
        )
        for _ in range(2)
    ]
    Deadline.objects.filter(case_id=cases[0].pk).update(due_on=D(2026, 12, 17))
    Deadline.objects.filter(case_id=cases[1].pk).update(due_on=D(2026, 12, 1))
    return cases


def test_a_sweep_batch_that_fails_is_reported_and_the_other_is_written(
    overdue_and_upcoming, practitioner, manager, admin_user
):
    real_write = reminders.reminders_write

    def write(batch):
        if "owners" in batch.label:
            raise RuntimeError("statement refused")
        return real_write(batch)

    with mock.patch("workflows.reminders.reminders_write", side_effect=write):
        reminders.reminders_sweep()

    assert set(Reminder.objects.values_list("offset_days", "recipient")) == {(-1, manager.pk)}
    failure = BatchFailure.objects.get()
    assert (failure.task, failure.item) == ("Reminder sweep", "reminders to the deadlines' owners")
    # A sweep over every team is reported to the administrators.
    assert Notification.objects.get(kind="batch_failure").recipient == admin_user

    assert reminders.reminders_sweep() > 0  # the next sweep writes what was missed
    assert Reminder.objects.filter(recipient=practitioner).exists()


def test_a_notification_that_cannot_be_stamped_does_not_stop_the_others(team, practitioner):
    outbox.notify(
        [
            outbox.Message(recipient_id=practitioner.pk, kind="note", subject=s, body=s)
            for s in ("first", "broken", "last")
        ]
    )
    real_deliver = delivery._deliver_one

    def deliver(notification, channel, now):
        if notification.subject == "broken":
            raise RuntimeError("row refused")
        return real_deliver(notification, channel, now)

    with mock.patch("workflows.delivery._deliver_one", side_effect=deliver):
        done = delivery.notifications_deliver()

    assert done["sent"] == 2
    assert set(
        Notification.objects.filter(kind="note").values_list("subject", "email_status")
    ) == {
        ("first", DeliveryStatus.SENT),
        ("broken", DeliveryStatus.PENDING),
        ("last", DeliveryStatus.SENT),
    }
    assert BatchFailure.objects.get().task == "Sending notifications"


def test_managers_of_another_team_are_not_told(team, other_team, manager):
    other_manager = staff(Role.TEAM_MANAGER, other_team)
    direct_payment_budget(team, manager)

    with mock.patch("budgets.services._pay_instalment", side_effect=RuntimeError("refused")):
        services.direct_payments_pay_due()

    told = set(
        Notification.objects.filter(kind="batch_failure").values_list("recipient", flat=True)
    )
    assert told == {manager.pk}
    assert other_manager.pk not in told
