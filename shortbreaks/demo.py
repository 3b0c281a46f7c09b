"""A realistic local offer (the directory of `demo_directory`: every type of short break) and a
year of sessions for the demo families, booked, delivered and cancelled through the real services
and engine."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import workflows
from accounts.models import User
from budgets.models import PersonalBudget
from casework.models import Child
from shortbreaks import demo_changes, services
from shortbreaks.demo_directory import load_offer
from shortbreaks.models import Service
from workflows import clock

SATURDAY, TUESDAY = 5, 1


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
    offer = load_offer()
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
