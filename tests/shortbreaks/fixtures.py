"""The short-break world the short-break, idempotency and repeated-request suites share: one
child with an active budget of £500 and an active package of 20 Saturday Club sessions, and its
frozen clock (a Tuesday)."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine

from accounts.roles import Role
from shortbreaks import services
from tests.factories import (
    ActiveBudgetFactory,
    ActivePackageFactory,
    ChildFactory,
    ProviderFactory,
    ServiceFactory,
    UserFactory,
    staff,
)

D = dt.date
TODAY = dt.datetime(2026, 11, 24, 10, tzinfo=dt.UTC)  # a Tuesday


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(TODAY, tick=False):
        yield


@pytest.fixture
def world(team):
    provider_user = UserFactory(role=Role.PROVIDER)
    provider = ProviderFactory(name="Rochester Short Breaks", users=[provider_user])
    child = ChildFactory(team=team, date_of_birth=D(2016, 5, 1))
    practitioner = staff(Role.PRACTITIONER, team)
    manager = staff(Role.TEAM_MANAGER, team)
    budget = ActiveBudgetFactory(
        child=child, amount="500.00", practitioner=practitioner, manager=manager
    )
    package = ActivePackageFactory(
        child=child,
        practitioner=practitioner,
        manager=manager,
        budget=budget,
        service=ServiceFactory(provider=provider),
    )
    return {
        "child": child,
        "practitioner": practitioner,
        "manager": manager,
        "budget": budget,
        "service": package.service,
        "package": package,
        "provider": provider_user,
    }


def book(world, *dates, units="1"):
    return services.sessions_book(
        by=world["practitioner"], package=world["package"], dates=list(dates), units=units
    )
