"""Providers, their services of every type, packages for open cases and their sessions."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from decimal import Decimal
from typing import Any

from bench.world.base import World
from shortbreaks.models import Package, Provider, Service, Session

SERVICE_TYPES = [
    ("day_activity", "session", "30.00"),
    ("after_school", "session", "22.50"),
    ("holiday_scheme", "session", "45.00"),
    ("sitting_or_home_support", "hour", "18.75"),
    ("family_based_overnight", "night", "120.00"),
    ("residential_overnight", "night", "310.00"),
    ("leisure_inclusion", "session", "12.00"),
]
SESSIONS_PER_PACKAGE = 20


def write(
    world: World, cases: list[Any], booker: Any, teams_total: int, sessions_total: int
) -> None:
    rng, progress, year_start = world.rng, world.progress, world.year_start
    providers = progress.write(
        "providers",
        Provider,
        (
            Provider(
                name=f"Bench provider {world.tag} {n + 1}",
                kind=rng.choice(["council", "voluntary", "private", "foster_carer_scheme"]),
            )
            for n in range(max(4, teams_total * 3))
        ),
        max(4, teams_total * 3),
    )
    services = progress.write(
        "services",
        Service,
        (
            Service(
                provider=providers[n % len(providers)],
                name=f"{kind.replace('_', ' ').capitalize()} {n + 1}",
                type=kind,
                access="specialist" if unit == "night" else "targeted",
                unit=unit,
                unit_cost=Decimal(cost),
                capacity=rng.randint(4, 20),
            )
            for n, (kind, unit, cost) in enumerate(SERVICE_TYPES * max(1, teams_total))
        ),
        len(SERVICE_TYPES) * max(1, teams_total),
    )
    package_count = max(1, sessions_total // SESSIONS_PER_PACKAGE)
    open_cases = [case for case in cases if case.status != "closed"]
    packages = progress.write(
        "packages",
        Package,
        (
            Package(
                child_id=(case := open_cases[n % len(open_cases)]).child_id,
                team_id=case.team_id,
                service=(service := rng.choice(services)),
                status="active",
                units=SESSIONS_PER_PACKAGE * 2,
                unit_cost=service.unit_cost,
                start_on=year_start,
                end_on=world.year_end,
            )
            for n in range(package_count)
        ),
        package_count,
    )

    def sessions() -> Iterator[Any]:
        for package in packages:
            first = rng.randint(0, 30)
            for index in range(SESSIONS_PER_PACKAGE):
                day = year_start + dt.timedelta(days=first + index * 14)
                if day < world.today:
                    status = rng.choices(["delivered", "cancelled", "no_show"], [88, 9, 3])[0]
                else:
                    status = "booked"
                yield Session(
                    package=package,
                    date=day,
                    units=Decimal(rng.choice([1, 1, 2, 3])),
                    status=status,
                    booked_by=booker,
                )

    progress.write("sessions", Session, sessions(), package_count * SESSIONS_PER_PACKAGE)
