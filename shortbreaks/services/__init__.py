"""Short-break use cases: the only writers of services, packages and sessions. Each is atomic.

Booking reserves money (a commitment on the budget, under the budget's lock); delivery turns it
into spend; cancellation releases it; a no-show is paid or released by the provider's terms.
"""

from __future__ import annotations

import calendar
import datetime as dt
from decimal import Decimal
from typing import Any, TypedDict, Unpack

from django.db import IntegrityError, transaction
from django.db.models import Count, Sum
from django.utils import timezone

import workflows
from accounts.models import User
from accounts.roles import Role
from budgets.models import EntryKind, PersonalBudget
from budgets.services import BudgetExceeded, ledger_post, money
from casework.models import Child
from shortbreaks import messages
from shortbreaks.errors import CorrectionNotCovered, DuplicateBooking
from shortbreaks.models import (
    Package,
    PackageStatus,
    Provider,
    Service,
    Session,
    SessionStatus,
)
from workflows import clock
from workflows.acting import require_staff
from workflows.errors import InvalidParams, NotPermitted, TransitionNotAllowed
from workflows.outbox import notify
from workflows.services import audit, record_created

SERVICE_FIELDS = (
    "provider",
    "name",
    "description",
    "type",
    "access",
    "unit",
    "unit_cost",
    "capacity",
    "min_age",
    "max_age",
    "no_show_charged",
    "active",
)


class ServiceChanges(TypedDict, total=False):
    """What `service_save` sets (SERVICE_FIELDS): a new service needs them all but those with a
    default; a change, only the fields it changes. The cost is text like "25.00" or a Decimal."""

    provider: Provider
    name: str
    description: str
    type: str
    access: str
    unit: str
    unit_cost: Decimal | str
    capacity: int
    min_age: int
    max_age: int
    no_show_charged: bool
    active: bool


MAX_SESSIONS_AT_ONCE = 200
# A weekly booking covers at most a year and repeats at most once a year: enough for any real
# plan, and a bound on the dates worked out before anything is checked.
MAX_WEEKLY_SPAN = dt.timedelta(days=366)
MAX_EVERY_WEEKS = 52


def _require_offer_editor(by: User) -> None:
    if not (by.has_role(Role.TEAM_MANAGER) or by.has_role(Role.COMMISSIONER)):
        raise NotPermitted("Only a team manager or a commissioner can change the local offer.")


def _units(value: Any) -> Decimal:
    try:
        units = Decimal(str(value))
    except ArithmeticError:
        raise InvalidParams({"units": ["Enter the number of units, like 1 or 2.5."]}) from None
    if not units.is_finite() or units <= 0:
        raise InvalidParams({"units": ["The number of units must be more than 0."]})
    if units != units.quantize(Decimal("0.01")) or units > 1000:
        raise InvalidParams({"units": ["Enter the number of units, like 1 or 2.5."]})
    return units


@transaction.atomic
def service_save(
    *, by: User, service: Service | None = None, **fields: Unpack[ServiceChanges]
) -> Service:
    """Add a service to the local offer or change one."""
    _require_offer_editor(by)
    unknown = set(fields) - set(SERVICE_FIELDS)
    if unknown:
        raise InvalidParams({name: ["This field cannot be changed here."] for name in unknown})
    if "unit_cost" in fields:
        fields["unit_cost"] = money(fields["unit_cost"], "unit_cost")
    target = service or Service()
    for name, value in fields.items():
        setattr(target, name, value)
    if target.min_age > target.max_age:
        raise InvalidParams({"max_age": ["The oldest age cannot be below the youngest."]})
    target.save()
    audit(target, "edited" if service else "added", by=by, params={"fields": sorted(fields)})
    return target


MAX_PACKAGE_UNITS = 10_000


@transaction.atomic
def package_request(
    *,
    by: User,
    child: Child,
    service: Service,
    units: int,
    start_on: dt.date,
    end_on: dt.date,
    budget: PersonalBudget | None = None,
) -> Package:
    """Ask for a package of one service for a child, paid from their budget or a block contract."""
    require_staff(by)
    if not service.active:
        raise InvalidParams({"service": ["This service is no longer offered."]})
    if end_on < start_on:
        raise InvalidParams({"end_on": ["The end date must be after the start date."]})
    if isinstance(units, bool) or not isinstance(units, int) or units <= 0:
        raise InvalidParams({"units": ["The number of units must be a whole number more than 0."]})
    if units > MAX_PACKAGE_UNITS:
        # A year of daily sessions is a few hundred units; more would overflow the package's cost.
        raise InvalidParams({"units": [f"A package has at most {MAX_PACKAGE_UNITS:,} units."]})
    if not service.min_age <= child.age_on(start_on) <= service.max_age:
        raise InvalidParams(
            {"service": [f"{service.name} is for ages {service.min_age} to {service.max_age}."]}
        )
    if budget is not None:
        if budget.child_id != child.pk:
            raise InvalidParams({"budget": ["Choose a budget of this child."]})
        if not (budget.start_on <= start_on and end_on <= budget.end_on):
            raise InvalidParams({"end_on": ["The package must fall within the budget's dates."]})
    package = Package.objects.create(
        child=child,
        team=child.team,
        service=service,
        budget=budget,
        units=units,
        unit_cost=service.unit_cost,
        start_on=start_on,
        end_on=end_on,
    )
    record_created(package, by=by, on=min(start_on, clock.today()))
    return package


@transaction.atomic
def sessions_book(
    *,
    by: User,
    package: Package,
    dates: list[dt.date],
    units: Any,
    on: dt.date | None = None,
) -> list[Session]:
    """Book sessions on the given dates: all of them, or, if any one cannot be booked, none.

    Each booking sets money aside on the child's budget under the budget's lock, so bookings made
    at the same moment by different people can never overdraw it. The package and the service are
    locked first, so that the same booking made twice at once is one booking and a 409
    `duplicate_booking`, and two children never take a service's last place on a day.
    """
    require_staff(by)
    value = _units(units)
    if not dates:
        raise InvalidParams({"dates": ["Choose at least one date."]})
    if len(dates) > MAX_SESSIONS_AT_ONCE:
        raise InvalidParams({"dates": [f"Book at most {MAX_SESSIONS_AT_ONCE} sessions at once."]})
    if len(set(dates)) != len(dates):
        raise InvalidParams({"dates": ["A date is given twice."]})
    locked = (
        Package.objects.select_for_update(of=("self", "service"))
        .select_related("service", "child", "budget")
        .get(pk=package.pk)
    )
    if locked.status != PackageStatus.ACTIVE:
        raise TransitionNotAllowed(
            f"Sessions can be booked only on an active package; this one is "
            f"{locked.get_status_display().lower()}."
        )
    service = locked.service
    for day in dates:
        if not locked.start_on <= day <= locked.end_on:
            raise InvalidParams(
                {
                    "dates": [
                        f"{day:%-d %B %Y} is outside the package "
                        f"({locked.start_on:%-d %B %Y} to {locked.end_on:%-d %B %Y})."
                    ]
                }
            )
        if not service.min_age <= locked.child.age_on(day) <= service.max_age:
            raise InvalidParams(
                {
                    "dates": [
                        f"On {day:%-d %B %Y} {locked.child.given_name} is outside the ages "
                        f"{service.min_age} to {service.max_age} of {service.name}."
                    ]
                }
            )
    clashes = _booked_days(locked, dates)
    if clashes:
        raise _duplicate(locked, clashes)
    used = locked.sessions.exclude(status=SessionStatus.CANCELLED).aggregate(total=Sum("units"))[
        "total"
    ] or Decimal(0)
    if used + value * len(dates) > locked.units:
        left = locked.units - used
        raise TransitionNotAllowed(f"The package has only {left:g} {service.unit}s left to book.")
    full = _full_days(service, dates)
    if full:
        raise TransitionNotAllowed(
            f"{service.name} is full on {', '.join(f'{day:%-d %B %Y}' for day in full)}."
        )
    booked_on = min(on or clock.today(), clock.today())
    try:
        with transaction.atomic():
            sessions = Session.objects.bulk_create(
                Session(package=locked, date=day, units=value, booked_by=by)
                for day in sorted(dates)
            )
    except IntegrityError:
        # Only a writer that did not take the package's lock could get here; the database's
        # constraint keeps the rule for it, and the answer is the same 409.
        raise _duplicate(locked, _booked_days(locked, dates)) from None
    for session in sessions:
        day = session.date
        # A booking recorded after its day stood by that day, so that the day's delivery can be
        # recorded with its own date.
        record_created(session, by=by, on=min(booked_on, day))
        if locked.budget is not None:
            session.commitment = ledger_post(
                by=by,
                budget=locked.budget,
                kind=EntryKind.COMMITMENT,
                amount=str(session.cost),
                entry_on=min(booked_on, day),
                category=service.type,
                source=session,
                description=f"{service.name}, {day:%-d %b %Y}",
            )
            session.save(update_fields=["commitment"])
    notify(messages.booked(locked, sorted(dates)))
    return sessions


def _booked_days(package: Package, dates: list[dt.date]) -> list[dt.date]:
    """The dates on which the package already has a live (not cancelled) session."""
    return sorted(
        package.sessions.filter(date__in=dates)
        .exclude(status=SessionStatus.CANCELLED)
        .values_list("date", flat=True)
    )


def _duplicate(package: Package, days: list[dt.date]) -> DuplicateBooking:
    listed = ", ".join(f"{day:%-d %B %Y}" for day in days)
    return DuplicateBooking(
        f"{package.service.name} is already booked for {package.child.given_name} on {listed}. "
        "Nothing was booked: leave out the dates already booked, or cancel those sessions first.",
        extra={"dates": ", ".join(day.isoformat() for day in days)},
    )


def _full_days(service: Service, dates: list[dt.date]) -> list[dt.date]:
    """The dates on which the service already has as many children as it has places."""
    taken = (
        Session.objects.filter(package__service=service, date__in=dates)
        .exclude(status=SessionStatus.CANCELLED)
        .values("date")
        .annotate(count=Count("pk"))
        .filter(count__gte=service.capacity)
        .values_list("date", flat=True)
    )
    return sorted(taken)


def weekly_dates(
    *, start_on: dt.date, end_on: dt.date, weekday: int, every: int = 1
) -> list[dt.date]:
    """Every `every` weeks on `weekday` (0 Monday … 6 Sunday) from `start_on` to `end_on`.

    Bounded (at most a year, every 1 to 52 weeks) so that no rule, however far it reaches, can
    run past the last date a computer can hold.
    """
    if not 0 <= weekday <= 6:
        raise InvalidParams(
            {"weekday": ["Choose a day of the week from 0 (Monday) to 6 (Sunday)."]}
        )
    if isinstance(every, bool) or not 1 <= every <= MAX_EVERY_WEEKS:
        raise InvalidParams(
            {"every": [f"Repeat every 1 to {MAX_EVERY_WEEKS} weeks, as a whole number."]}
        )
    if end_on < start_on:
        raise InvalidParams({"end_on": ["The end date must be after the start date."]})
    if end_on - start_on > MAX_WEEKLY_SPAN:
        raise InvalidParams(
            {"end_on": ["A weekly booking can cover at most a year: book the rest later."]}
        )
    step = dt.timedelta(weeks=every)
    offset = (weekday - start_on.weekday()) % 7
    if (end_on - start_on).days < offset:
        return []
    day = start_on + dt.timedelta(days=offset)
    dates = [day]
    while end_on - day >= step:
        day += step
        dates.append(day)
    return dates


def package_weekly_dates(
    *,
    package: Package,
    weekday: int,
    every: int = 1,
    start_on: dt.date | None = None,
    end_on: dt.date | None = None,
) -> list[dt.date]:
    """The dates of a weekly booking on a package: from its start to its end unless narrower."""
    start_on = start_on or package.start_on
    end_on = end_on or package.end_on
    if start_on < package.start_on:
        raise InvalidParams({"start_on": [f"The package starts on {package.start_on:%-d %B %Y}."]})
    if end_on > package.end_on:
        raise InvalidParams({"end_on": [f"The package ends on {package.end_on:%-d %B %Y}."]})
    dates = weekly_dates(start_on=start_on, end_on=end_on, weekday=weekday, every=every)
    if not dates:
        day = calendar.day_name[weekday]
        raise InvalidParams(
            {"weekday": [f"There is no {day} from {start_on:%-d %B %Y} to {end_on:%-d %B %Y}."]}
        )
    return dates


# Effects of session steps on the ledger, run inside the step's transaction (see ready()).


def _settle(session: Session, *, by: User, on: dt.date, kind: str, words: str) -> None:
    commitment, budget = session.commitment, session.package.budget
    if commitment is None or budget is None:
        return  # paid from a commissioned block, not a personal budget
    amount = commitment.amount
    if kind == EntryKind.COMMITMENT_RELEASE:
        # Ending the budget has already released what it set aside; nothing is left to release.
        used = commitment.settled_by.aggregate(total=Sum("amount"))["total"] or Decimal(0)
        amount -= used
        if amount <= 0:
            return
    ledger_post(
        by=by,
        budget=budget,
        kind=kind,
        amount=str(amount),
        entry_on=on,
        settles=commitment,
        category=commitment.category,
        source=session,
        description=f"{session.package.service.name}, {session.date:%-d %b %Y}: {words}",
    )


def pay_for_session(session: Session, *, by: User, on: dt.date) -> None:
    _settle(session, by=by, on=on, kind=EntryKind.PAYMENT, words="delivered")


def release_session(session: Session, *, by: User, on: dt.date) -> None:
    _settle(session, by=by, on=on, kind=EntryKind.COMMITMENT_RELEASE, words="cancelled")


def settle_no_show(session: Session, *, by: User, on: dt.date) -> None:
    if session.package.service.no_show_charged:
        _settle(session, by=by, on=on, kind=EntryKind.PAYMENT, words="did not attend (charged)")
    else:
        _settle(session, by=by, on=on, kind=EntryKind.COMMITMENT_RELEASE, words="did not attend")


def pay_for_corrected_session(session: Session, *, by: User, on: dt.date) -> None:
    """A no-show corrected to delivered: a charged no-show is already paid; otherwise its money
    was released, so the session is paid now from what is available (409 if it cannot be)."""
    budget = session.package.budget
    if budget is None or session.package.service.no_show_charged:
        return
    try:
        ledger_post(
            by=by,
            budget=budget,
            kind=EntryKind.PAYMENT,
            amount=str(session.cost),
            entry_on=on,
            category=session.package.service.type,
            source=session,
            description=(
                f"{session.package.service.name}, {session.date:%-d %b %Y}: "
                "delivered (corrected from did not attend)"
            ),
        )
    except BudgetExceeded as error:
        raise CorrectionNotCovered(
            f"The personal budget cannot pay for this session: {error.detail} "
            "Nothing was changed.",
            extra=error.extra,
        ) from None


def package_end_cancel_sessions(package: Package, *, by: User, on: dt.date) -> None:
    """An effect of ending a package: its sessions after the end are cancelled, each through the
    session's own `cancel` step (an audit row and a release naming its commitment), in the end's
    transaction. Sessions up to the end stay booked for the provider to record."""
    sessions = list(
        package.sessions.filter(status=SessionStatus.BOOKED, date__gt=on).order_by("date", "pk")
    )
    for session in sessions:
        workflows.transition(
            session,
            "cancel",
            by=by,
            # Not before the day it was booked: a step is never dated before the record's last.
            on=max(on, timezone.localdate(session.created_at)),
            reason=f"The package ended: {package.decision_reason}",
        )
    if sessions:
        notify(messages.package_ended(package, [session.date for session in sessions]))


@transaction.atomic
def sessions_record_day(
    *, by: User, outcomes: dict[Session, str], on: dt.date | None = None
) -> int:
    """A provider records a day's sessions at once: all of them are recorded, or none is."""
    steps = {"delivered": "deliver", "no_show": "record_no_show"}
    for session, outcome in outcomes.items():
        if outcome not in steps:
            raise InvalidParams({f"session-{session.pk}": ["Choose delivered or did not attend."]})
        workflows.transition(session, steps[outcome], by=by, on=on or session.date)
    return len(outcomes)


from shortbreaks.services.care_notes import care_notes_save as care_notes_save  # noqa: E402
from shortbreaks.services.changes import service_change_apply as service_change_apply  # noqa: E402
from shortbreaks.services.changes import service_change_decide as service_change_decide  # noqa: E402
from shortbreaks.services.changes import service_change_propose as service_change_propose  # noqa: E402
from shortbreaks.services.changes import service_edit as service_edit  # noqa: E402
from shortbreaks.services.changes import service_mark_checked as service_mark_checked  # noqa: E402
