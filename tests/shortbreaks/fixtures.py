"""The short-break world the short-break, idempotency and repeated-request suites share: one
child with an active budget of £500 and an active package of 20 Saturday Club sessions, and its
frozen clock (a Tuesday)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
import time_machine

import workflows
from accounts.roles import Role
from shortbreaks import services
from shortbreaks.models import Provider, Service
from tests.factories import ChildFactory, UserFactory, active_budget, staff

D = dt.date
TODAY = dt.datetime(2026, 11, 24, 10, tzinfo=dt.UTC)  # a Tuesday


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(TODAY, tick=False):
        yield


def make_service(provider=None, **fields) -> Service:
    provider = provider or Provider.objects.create(
        name=f"Provider {Provider.objects.count()}", kind="voluntary"
    )
    defaults = {
        "name": "Saturday Club",
        "type": "day_activity",
        "access": "targeted",
        "unit": "session",
        "unit_cost": Decimal("25.00"),
        "capacity": 12,
        "min_age": 5,
        "max_age": 18,
    }
    return Service.objects.create(provider=provider, **(defaults | fields))


@pytest.fixture
def world(team):
    provider_user = UserFactory(role=Role.PROVIDER)
    provider = Provider.objects.create(name="Rochester Short Breaks", kind="voluntary")
    provider.users.add(provider_user)
    child = ChildFactory(team=team, date_of_birth=D(2016, 5, 1))
    practitioner = staff(Role.PRACTITIONER, team)
    manager = staff(Role.TEAM_MANAGER, team)
    budget = active_budget(child, amount="500.00", practitioner=practitioner, manager=manager)
    service = make_service(provider)
    package = services.package_request(
        by=practitioner,
        child=child,
        service=service,
        units=20,
        start_on=D(2026, 4, 1),
        end_on=D(2027, 3, 31),
        budget=budget,
    )
    package = workflows.transition(package, "approve", by=manager)
    package = workflows.transition(package, "activate", by=practitioner)
    return {
        "child": child,
        "practitioner": practitioner,
        "manager": manager,
        "budget": budget,
        "service": service,
        "package": package,
        "provider": provider_user,
    }


def book(world, *dates, units="1"):
    return services.sessions_book(
        by=world["practitioner"], package=world["package"], dates=list(dates), units=units
    )
