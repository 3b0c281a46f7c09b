"""A realistic local offer (all seven types of short break) and a year of sessions for the demo
families, booked, delivered and cancelled through the real services and engine."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import workflows
from accounts.models import User
from budgets.models import PersonalBudget
from casework.models import Child
from shortbreaks import demo_changes, services
from shortbreaks.models import Provider, Service
from workflows import clock

PROVIDERS = [
    ("Rochester Short Breaks", "voluntary", "provider@example.org"),
    ("Medway Council Children's Services", "council", ""),
    ("Kent Family Link", "foster_carer_scheme", ""),
    ("Bright Horizons Residential Care", "private", ""),
    ("Medway Leisure Trust", "voluntary", ""),
]
SERVICES = [
    # provider, name, type, access, unit, cost, capacity, ages, no-show charged, description
    (
        "Rochester Short Breaks",
        "Saturday Club",
        "day_activity",
        "targeted",
        "session",
        "25.00",
        12,
        (5, 18),
        False,
        "Games, cooking and trips every Saturday, 10am to 3pm, at the Strood hub.",
    ),
    (
        "Rochester Short Breaks",
        "Home sitting service",
        "sitting_or_home_support",
        "specialist",
        "hour",
        "18.50",
        6,
        (0, 18),
        True,
        "A trained sitter at home, so parents can have an evening.",
    ),
    (
        "Medway Council Children's Services",
        "After-school club at Bligh",
        "after_school",
        "targeted",
        "session",
        "15.00",
        10,
        (5, 14),
        False,
        "Tuesdays and Thursdays, 3:30pm to 5:30pm.",
    ),
    (
        "Medway Council Children's Services",
        "Summer holiday scheme",
        "holiday_scheme",
        "targeted",
        "session",
        "40.00",
        20,
        (5, 17),
        False,
        "Four weeks of day trips in August.",
    ),
    (
        "Kent Family Link",
        "Family-based overnight stays",
        "family_based_overnight",
        "specialist",
        "night",
        "95.00",
        4,
        (3, 18),
        True,
        "Overnight stays with an approved family-link carer.",
    ),
    (
        "Bright Horizons Residential Care",
        "Residential short stays",
        "residential_overnight",
        "specialist",
        "night",
        "310.00",
        8,
        (8, 18),
        True,
        "Overnight stays at Bright Horizons, "
        "for children whose needs cannot be met by a family-based carer.",
    ),
    (
        "Medway Leisure Trust",
        "Inclusive swimming",
        "leisure_inclusion",
        "universal",
        "session",
        "6.00",
        15,
        (0, 25),
        False,
        "Quiet sessions with extra lifeguards at Strood Sports Centre.",
    ),
]
SATURDAY, TUESDAY = 5, 1


def _offer() -> dict[str, Service]:
    for name, kind, login in PROVIDERS:
        provider, _ = Provider.objects.get_or_create(name=name, defaults={"kind": kind})
        if login:
            provider.users.add(User.objects.get(email=login))
    offer = {}
    for provider, name, type_, access, unit, cost, capacity, ages, charged, text in SERVICES:
        offer[name], _ = Service.objects.get_or_create(
            name=name,
            defaults={
                "provider": Provider.objects.get(name=provider),
                "type": type_,
                "access": access,
                "unit": unit,
                "unit_cost": Decimal(cost),
                "capacity": capacity,
                "min_age": ages[0],
                "max_age": ages[1],
                "no_show_charged": charged,
                "description": text,
            },
        )
    return offer


def _year_of_sessions(child: Child, service: Service, weekday: int, units: str) -> None:
    worker = User.objects.get(email="practitioner@example.org")
    manager = User.objects.get(email="manager@example.org")
    provider = service.provider.users.first() or worker
    budget = PersonalBudget.objects.filter(child=child, status="active").first()
    if budget is None:
        return
    start = budget.start_on
    end = min(budget.end_on, clock.today() + dt.timedelta(weeks=6))
    dates = services.weekly_dates(start_on=start, end_on=end, weekday=weekday)
    package = services.package_request(
        by=worker,
        child=child,
        service=service,
        units=len(dates) * int(Decimal(units)) + 4,
        start_on=start,
        end_on=budget.end_on,
        budget=budget,
    )
    package = workflows.transition(package, "approve", by=manager, on=start)
    package = workflows.transition(package, "activate", by=worker, on=start)
    sessions = services.sessions_book(
        by=worker, package=package, dates=dates, units=units, on=start
    )
    for index, session in enumerate(sessions):
        if session.date >= clock.today():
            continue
        if index % 9 == 4:
            workflows.transition(
                session,
                "cancel",
                by=worker,
                on=session.date - dt.timedelta(days=2),
                reason="The family was on holiday.",
            )
        elif index % 11 == 7:
            workflows.transition(session, "record_no_show", by=provider, on=session.date)
        else:
            workflows.transition(session, "deliver", by=provider, on=session.date)


def load() -> str:
    offer = _offer()
    made = 0
    for name, service, weekday, units in (
        ("Amelia", "Saturday Club", SATURDAY, "1"),
        ("Noah", "Home sitting service", TUESDAY, "3"),
    ):
        child = Child.objects.filter(given_name=name).first()
        if child is None or child.packages.exists():
            continue
        _year_of_sessions(child, offer[service], weekday, units)
        made += 1
    return (
        f"{len(offer)} services in the local offer; a year of sessions for {made} children; "
        f"{demo_changes.waiting_change()}"
    )
