"""The direct-payment review (SEN (Personal Budgets) Regulations 2014 reg 11: statutory, within
the first 3 months and then at each review of the EHC plan) and the budget review (council
policy: waivable, 12 months after approval)."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine

import workflows
from budgets import services
from casework import services as casework_services
from casework.models import PlanStatus
from tests.factories import ActiveBudgetFactory, ChildFactory, PlanFactory
from workflows.errors import TransitionNotAllowed
from workflows.models import Deadline, DeadlineStatus

D = dt.date


@pytest.fixture(autouse=True)
def today():
    with time_machine.travel(dt.datetime(2026, 11, 30, 12, tzinfo=dt.UTC), tick=False):
        yield


@pytest.fixture
def paid(team):
    """A child with a final plan and a budget paid as direct payments from 1 April 2026."""
    child = ChildFactory(team=team)
    PlanFactory(child=child, status=PlanStatus.FINAL, first_final_issued_on=D(2025, 9, 1))
    budget = ActiveBudgetFactory(child=child, by_direct_payments=True)
    services.direct_payments_pay_due(today=D(2026, 4, 1))
    return budget


def reviews(kind="direct_payment_review"):
    return list(Deadline.objects.filter(kind=kind).order_by("pk"))


def test_the_first_direct_payment_opens_a_statutory_review_within_3_months(paid):
    (review,) = reviews()
    assert (review.opened_on, review.due_on) == (D(2026, 4, 1), D(2026, 6, 30))
    assert Deadline.objects.statutory().filter(pk=review.pk).exists()


def test_a_direct_payment_review_cannot_be_waived(paid, manager):
    with pytest.raises(TransitionNotAllowed):
        workflows.services.deadline_waive(reviews()[0], by=manager, reason="Busy")


def test_each_review_meeting_of_the_plan_opens_the_next_direct_payment_review(paid, practitioner):
    services.budget_review_record(
        by=practitioner, budget=paid, reviewed_on=D(2026, 6, 20), direct_payments=True
    )
    plan = paid.child.plans.get()

    casework_services.review_create(by=practitioner, plan=plan, meeting_on=D(2026, 9, 10))

    first, second = reviews()
    assert (first.status, first.closed_on) == (DeadlineStatus.MET, D(2026, 6, 20))
    assert (second.opened_on, second.due_on) == (D(2026, 9, 10), D(2026, 10, 8))


def test_a_missed_direct_payment_review_stays_missed_when_the_plan_review_opens_the_next(
    paid, practitioner
):
    workflows.services.deadlines_mark_missed(today=D(2026, 7, 1))
    plan = paid.child.plans.get()

    casework_services.review_create(by=practitioner, plan=plan, meeting_on=D(2026, 9, 10))

    first, second = reviews()
    assert (first.status, first.closed_on) == (DeadlineStatus.MISSED, D(2026, 9, 10))
    assert second.status == DeadlineStatus.OPEN


def test_budget_review_12_months_after_approval_is_council_policy_and_waivable(paid, manager):
    (review,) = reviews("budget_review")
    assert review.due_on == D(2027, 4, 1)
    assert not Deadline.objects.statutory().filter(pk=review.pk).exists()

    waived = workflows.services.deadline_waive(review, by=manager, reason="Budget ending")

    assert waived.status == DeadlineStatus.WAIVED
