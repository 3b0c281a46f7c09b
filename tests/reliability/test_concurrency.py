"""Races through the whole API on PostgreSQL, each request on its own connection as in
production (issue #10 item 3; the service-level races are in tests/workflows and
tests/shortbreaks).

Eight managers pressing one button get one success and seven 409s with one audit row; fifty
bookings racing for one budget never take it below zero.
"""

from __future__ import annotations

import datetime as dt
import threading
from collections import Counter
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest
import time_machine
from django.db import connection, connections
from django.db.models import Count
from rest_framework.test import APIClient

from budgets.selectors import balances_of
from shortbreaks.models import Package, Session
from tests.security.world import TODAY, World, build
from workflows.models import Deadline, TransitionLog

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _only_on_postgresql():
    if connection.vendor != "postgresql":
        pytest.skip("row locks need PostgreSQL; `make test` runs this suite there too")


@pytest.fixture
def world():
    with time_machine.travel(TODAY, tick=False):
        yield build()


def race(world: World, actor: str, requests: list[Callable[[APIClient], Any]]) -> Counter:
    """Start every request at the same moment, one thread and connection each; count the
    answers by status code."""
    token = world.token(actor)
    barrier = threading.Barrier(len(requests))
    answers: Counter = Counter()
    lock = threading.Lock()

    def run(request: Callable[[APIClient], Any]) -> None:
        client = APIClient()
        client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
        try:
            barrier.wait()
            response = request(client)
        finally:
            connections.close_all()
        body = response.json()
        with lock:
            answers[
                (response.status_code, body.get("code") if isinstance(body, dict) else None)
            ] += 1

    threads = [threading.Thread(target=run, args=(request,)) for request in requests]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return answers


def test_eight_managers_agreeing_to_assess_one_request_get_one_200_and_seven_409s(world):
    plan = world.records["plan"]
    url = f"/api/v1/ehc-plans/{plan.pk}/transitions/agree_to_assess/"
    opened_before = Deadline.objects.filter(subject_id=plan.pk).count()

    answers = race(world, "manager", [lambda client: client.post(url, {}, format="json")] * 8)

    assert answers == {(200, None): 1, (409, "transition_not_allowed"): 7}
    plan.refresh_from_db()
    assert plan.status == "assessing"
    assert TransitionLog.objects.filter(transition="agree_to_assess").count() == 1
    assert Deadline.objects.filter(subject_id=plan.pk).count() > opened_before
    doubled = (
        Deadline.objects.filter(status="open")
        .values("subject_type", "subject_id", "kind")
        .annotate(open=Count("pk"))
        .filter(open__gt=1)
    )
    assert not doubled


def test_fifty_bookings_racing_for_one_budget_never_overdraw_it(world):
    budget, package = world.records["budget"], world.records["package"]
    Package.objects.filter(pk=package.pk).update(units=100)  # only the money can run out
    available = balances_of(budget).available
    fits = int(available // Decimal("25.00"))  # the service's unit cost
    days = [TODAY.date() + dt.timedelta(days=n) for n in range(1, 51)]

    def book(day: dt.date) -> Callable[[APIClient], Any]:
        body = {"package": package.pk, "units": "1", "date": day.isoformat()}
        return lambda client: client.post("/api/v1/shortbreaks/sessions/", body, format="json")

    with time_machine.travel(TODAY, tick=False):
        answers = race(world, "practitioner", [book(day) for day in days])

    assert answers == {(201, None): fits, (409, "budget_exceeded"): 50 - fits}
    assert balances_of(budget).available == available - fits * Decimal("25.00") >= 0
    assert Session.objects.filter(package=package, date__gt=TODAY.date()).count() == fits
