"""Repeated and simultaneous requests on PostgreSQL, each on its own connection as in production
(issue #15 items 4, 10 and 11): a double-click sent twice at the same moment, with and without an
Idempotency-Key; the last places of a service; two approvals counting on the same money."""

from __future__ import annotations

import datetime as dt
import threading
from collections import Counter
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest
from django.db import connection, connections
from rest_framework.test import APIClient

import workflows
from accounts.roles import Role
from budgets.models import EntryKind, LedgerEntry
from shortbreaks import services
from shortbreaks.models import Package, PackageStatus, Service, Session
from tests.factories import ChildFactory, staff
from tests.shortbreaks import fixtures as base
from workflows.models import IdempotencyKey

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

world, frozen = base.world, base.frozen
SESSIONS = "/api/v1/shortbreaks/sessions/"


@pytest.fixture(autouse=True)
def _only_on_postgresql():
    if connection.vendor != "postgresql":
        pytest.skip("row locks need PostgreSQL; `make test` runs this suite there too")


def race(requests: list[tuple[Any, Callable[[APIClient], Any]]]) -> list[Any]:
    """Start every request at the same moment, one thread and connection each, as (user,
    request) pairs; the responses in the order given."""
    barrier = threading.Barrier(len(requests))
    responses: list[Any] = [None] * len(requests)

    def run(index: int, user: Any, request: Callable[[APIClient], Any]) -> None:
        client = APIClient()
        client.force_authenticate(user)
        try:
            barrier.wait()
            responses[index] = request(client)
        finally:
            connections.close_all()

    threads = [
        threading.Thread(target=run, args=(index, user, request))
        for index, (user, request) in enumerate(requests)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return responses


def codes(responses: list[Any]) -> Counter:
    def code(response: Any) -> str | None:
        return response.json().get("code") if response.status_code >= 400 else None

    return Counter((response.status_code, code(response)) for response in responses)


def test_a_booking_sent_twice_at_once_is_one_session_and_one_409(world):
    body = {"package": world["package"].pk, "units": "1", "date": "2026-11-28"}

    def send(client: APIClient) -> Any:
        return client.post(SESSIONS, body, format="json")

    responses = race([(world["practitioner"], send)] * 2)

    assert codes(responses) == {(201, None): 1, (409, "duplicate_booking"): 1}
    assert Session.objects.count() == 1
    assert LedgerEntry.objects.filter(kind=EntryKind.COMMITMENT).count() == 1


def test_a_booking_sent_twice_at_once_with_one_key_gets_one_answer_twice(world):
    body = {"package": world["package"].pk, "units": "1", "date": "2026-11-28"}

    def send(client: APIClient) -> Any:
        return client.post(SESSIONS, body, format="json", HTTP_IDEMPOTENCY_KEY="double-click")

    first, second = race([(world["practitioner"], send)] * 2)

    assert first.status_code == second.status_code == 201
    assert first.content == second.content
    assert sorted(r.get("Idempotent-Replayed", "") for r in (first, second)) == ["", "true"]
    assert Session.objects.count() == 1
    assert IdempotencyKey.objects.count() == 1


def test_children_racing_for_a_services_last_places_never_overfill_it(world, team):
    service = world["service"]
    Service.objects.filter(pk=service.pk).update(capacity=2)
    packages = []
    for _ in range(6):
        child = ChildFactory(team=team, date_of_birth=dt.date(2015, 1, 1))
        package = services.package_request(
            by=world["practitioner"],
            child=child,
            service=service,
            units=2,
            start_on=dt.date(2026, 11, 1),
            end_on=dt.date(2026, 12, 31),
        )
        Package.objects.filter(pk=package.pk).update(status=PackageStatus.ACTIVE)
        packages.append(package)

    def book(package: Package) -> Callable[[APIClient], Any]:
        body = {"package": package.pk, "units": "1", "date": "2026-11-28"}
        return lambda client: client.post(SESSIONS, body, format="json")

    responses = race([(world["practitioner"], book(package)) for package in packages])

    assert codes(responses) == {(201, None): 2, (409, "transition_not_allowed"): 4}
    assert all(
        "is full on 28 November 2026" in response.json()["detail"]
        for response in responses
        if response.status_code == 409
    )
    assert Session.objects.filter(package__service=service).count() == 2


def test_two_managers_approving_two_packages_of_one_budget_at_once_cannot_overcommit_it(
    world, team
):
    # £500 available, nothing else promised once the fixture's package has ended; each new
    # package is £300: either fits alone, the two together do not.
    workflows.transition(world["package"], "end", by=world["practitioner"], reason="Replaced")
    managers = [world["manager"], staff(Role.TEAM_MANAGER, team)]
    packages = [
        services.package_request(
            by=world["practitioner"],
            child=world["child"],
            service=world["service"],
            units=12,
            start_on=dt.date(2026, 12, 1),
            end_on=dt.date(2027, 3, 1),
            budget=world["budget"],
        )
        for _ in managers
    ]

    def approve(package: Package) -> Callable[[APIClient], Any]:
        url = f"/api/v1/shortbreaks/packages/{package.pk}/transitions/approve/"
        return lambda client: client.post(url, {}, format="json")

    responses = race(
        [(manager, approve(package)) for manager, package in zip(managers, packages, strict=True)]
    )

    assert codes(responses) == {(200, None): 1, (409, "budget_overcommitted"): 1}
    approved = Package.objects.filter(pk__in=[p.pk for p in packages], status="approved")
    assert approved.count() == 1
    assert sum(p.cost for p in approved) <= Decimal("500.00")
