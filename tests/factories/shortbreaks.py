"""Short breaks: providers, the local offer, packages and sessions.

Rows only: `ProviderFactory` (with `users=[…]`, the provider's logins), `ServiceFactory` (a
Saturday Club, ages 5 to 18, £25 a session), `ServiceChangeFactory` (a change waiting for it),
`PackageFactory` and `SessionFactory` (written in `status=`: no approval, no commitment on a
budget, no audit row).

Through the services and `workflows.transition`, as in use: `RequestedPackageFactory` (paid from
an `ActiveBudgetFactory` budget unless `budget=None`, a block contract) → `ApprovedPackageFactory`
→ `ActivePackageFactory` → `EndedPackageFactory`; `DeclinedPackageFactory`.
`BookedSessionFactory` books through `sessions_book` on an active package, which sets its cost
aside on the budget; → `DeliveredSessionFactory` (paid), `CancelledSessionFactory` (released),
`NoShowSessionFactory` (recorded by one of the provider's logins).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import factory

import workflows
from accounts.roles import Role
from shortbreaks import services
from shortbreaks.models import (
    CareNotes,
    Contact,
    CostOption,
    Location,
    Package,
    Provider,
    Schedule,
    Service,
    ServiceAtLocation,
    ServiceChange,
    ServiceNeed,
    Session,
)
from tests.factories.accounts import UserFactory, staff
from tests.factories.base import ThroughServices, within
from tests.factories.budgets import ActiveBudgetFactory
from tests.factories.casework import ChildFactory
from workflows import clock

YEAR = (dt.date(2026, 4, 1), dt.date(2027, 3, 31))


class ProviderFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Provider
        skip_postgeneration_save = True

    name = factory.Sequence(lambda n: f"Provider {n}")
    kind = "voluntary"
    email = factory.Sequence(lambda n: f"provider{n}@example.org")
    phone = factory.Faker("phone_number", locale="en_GB")
    address = factory.Faker("address", locale="en_GB")

    @factory.post_generation
    def users(self, create: bool, extracted: list[Any] | None, **kwargs: object) -> None:
        if create and extracted:
            self.users.add(*extracted)


class ServiceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Service

    provider = factory.SubFactory(ProviderFactory)
    name = "Saturday Club"
    type = "day_activity"
    access = "targeted"
    unit = "session"
    unit_cost = Decimal("25.00")
    capacity = 12
    min_age = 5
    max_age = 18
    assured_on = dt.date(2026, 9, 1)


class ContactFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Contact

    service = factory.SubFactory(ServiceFactory)
    name = "Bookings team"
    title = "Bookings"
    email = "bookings@example.org"
    phone = "01634 000000"


class CostOptionFactory(factory.django.DjangoModelFactory):
    """What the family pays: £5 a session unless `amount=Decimal(0)`, a free option."""

    class Meta:
        model = CostOption

    service = factory.SubFactory(ServiceFactory)
    option = "Per session"
    amount = Decimal("5.00")
    amount_description = "Includes lunch"


class ScheduleFactory(factory.django.DjangoModelFactory):
    """Saturdays, 10am to 3pm."""

    class Meta:
        model = Schedule

    service = factory.SubFactory(ServiceFactory)
    byday = "SA"
    opens_at = dt.time(10, 0)
    closes_at = dt.time(15, 0)
    description = "Every Saturday in term time"


class LocationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Location

    name = factory.Sequence(lambda n: f"Community hub {n}")
    address_1 = "1 High Street"
    city = "Strood"
    postcode = "ME2 4AA"
    latitude = Decimal("51.393200")
    longitude = Decimal("0.497700")
    accessibility = "Step-free entrance and a changing places toilet."


class ServiceAtLocationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ServiceAtLocation

    service = factory.SubFactory(ServiceFactory)
    location = factory.SubFactory(LocationFactory)


class ServiceNeedFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ServiceNeed

    service = factory.SubFactory(ServiceFactory)
    need = "autism"


class ServiceChangeFactory(factory.django.DjangoModelFactory):
    """A row only: a change to a Saturday Club's description, waiting, with no audit row
    (`services.service_change_propose` makes one as a provider does)."""

    class Meta:
        model = ServiceChange

    service = factory.SubFactory(ServiceFactory)
    provider = factory.SelfAttribute("service.provider")
    values = factory.LazyAttribute(lambda change: {"description": "Now with music."})
    proposed_by = factory.SubFactory(UserFactory, role=Role.PROVIDER)


class PackageFactory(factory.django.DjangoModelFactory):
    """A package written straight in `status` (default `active`), from no budget."""

    class Meta:
        model = Package

    child = factory.SubFactory(ChildFactory)
    team = factory.SelfAttribute("child.team")
    service = factory.SubFactory(ServiceFactory)
    status = "active"
    units = 50
    unit_cost = factory.SelfAttribute("service.unit_cost")
    start_on, end_on = YEAR


class SessionFactory(factory.django.DjangoModelFactory):
    """A session written straight in `status` (default `booked`), with no commitment."""

    class Meta:
        model = Session

    package = factory.SubFactory(PackageFactory)
    date = factory.SelfAttribute("package.start_on")
    units = Decimal("1")
    booked_by = factory.SubFactory(UserFactory)


class CareNotesFactory(factory.django.DjangoModelFactory):
    """A child's care notes, shared with providers, written straight (no audit row)."""

    class Meta:
        model = CareNotes

    child = factory.SubFactory(ChildFactory)
    care_needs = "Needs help with eating; no nuts."
    emergency_contact_name = factory.Faker("name", locale="en_GB")
    emergency_contact_phone = "07700 900982"
    shared_with_providers = True
    updated_by = factory.SubFactory(UserFactory)


# Through the engine ---------------------------------------------------------------------------


class RequestedPackageFactory(ThroughServices):
    class Meta:
        model = Package

    child = factory.SubFactory(ChildFactory)
    practitioner = factory.LazyAttribute(lambda o: staff(Role.PRACTITIONER, o.child.team))
    manager = factory.LazyAttribute(lambda o: staff(Role.TEAM_MANAGER, o.child.team))
    budget = factory.LazyAttribute(
        lambda o: ActiveBudgetFactory(
            child=o.child, practitioner=o.practitioner, manager=o.manager
        )
    )
    service = factory.SubFactory(ServiceFactory)
    units = 20
    start_on, end_on = YEAR

    @classmethod
    def _create(cls, model_class: Any, **kw: Any) -> Any:
        return services.package_request(
            by=kw["practitioner"],
            child=kw["child"],
            service=kw["service"],
            units=kw["units"],
            start_on=kw["start_on"],
            end_on=kw["end_on"],
            budget=kw["budget"],
        )


class ApprovedPackageFactory(RequestedPackageFactory):
    """Approved by the manager on `approved_on` (default today), with `override_reason=` to
    approve beyond the budget."""

    approved_on = None
    override_reason = ""

    @classmethod
    def _create(cls, model_class: Any, **kw: Any) -> Any:
        package = super()._create(model_class, **kw)
        override = {"override_reason": kw["override_reason"]} if kw["override_reason"] else {}
        return workflows.transition(
            package, "approve", by=kw["manager"], on=kw["approved_on"], **override
        )


class ActivePackageFactory(ApprovedPackageFactory):
    """Started by the practitioner on the day it was approved: sessions can be booked on it."""

    @classmethod
    def _create(cls, model_class: Any, **kw: Any) -> Any:
        package = super()._create(model_class, **kw)
        return workflows.transition(
            package, "activate", by=kw["practitioner"], on=kw["approved_on"]
        )


class EndedPackageFactory(ActivePackageFactory):
    """Ended by the practitioner today: the sessions after today are cancelled."""

    reason = "No longer needed."

    @classmethod
    def _create(cls, model_class: Any, **kw: Any) -> Any:
        package = super()._create(model_class, **kw)
        return workflows.transition(package, "end", by=kw["practitioner"], reason=kw["reason"])


class DeclinedPackageFactory(RequestedPackageFactory):
    reason = "Another service meets the need."

    @classmethod
    def _create(cls, model_class: Any, **kw: Any) -> Any:
        package = super()._create(model_class, **kw)
        return workflows.transition(package, "decline", by=kw["manager"], reason=kw["reason"])


class BookedSessionFactory(ThroughServices):
    """One session booked on `date` (default today, within the package) by a practitioner."""

    class Meta:
        model = Session

    package = factory.SubFactory(ActivePackageFactory)
    date = factory.LazyAttribute(
        lambda o: within(clock.today(), o.package.start_on, o.package.end_on)
    )
    units = "1"
    booked_by = factory.LazyAttribute(lambda o: staff(Role.PRACTITIONER, o.package.team))

    @classmethod
    def _create(cls, model_class: Any, **kw: Any) -> Any:
        (session,) = services.sessions_book(
            by=kw["booked_by"], package=kw["package"], dates=[kw["date"]], units=kw["units"]
        )
        return session


class DeliveredSessionFactory(BookedSessionFactory):
    @classmethod
    def _create(cls, model_class: Any, **kw: Any) -> Any:
        session = super()._create(model_class, **kw)
        return workflows.transition(session, "deliver", by=kw["booked_by"])


class CancelledSessionFactory(BookedSessionFactory):
    reason = "The child is unwell."

    @classmethod
    def _create(cls, model_class: Any, **kw: Any) -> Any:
        session = super()._create(model_class, **kw)
        return workflows.transition(session, "cancel", by=kw["booked_by"], reason=kw["reason"])


def _a_login_of(provider: Provider) -> Any:
    user = provider.users.first()
    if user is None:
        user = UserFactory(role=Role.PROVIDER)
        provider.users.add(user)
    return user


class NoShowSessionFactory(BookedSessionFactory):
    recorded_by = factory.LazyAttribute(lambda o: _a_login_of(o.package.service.provider))

    @classmethod
    def _create(cls, model_class: Any, **kw: Any) -> Any:
        session = super()._create(model_class, **kw)
        return workflows.transition(session, "record_no_show", by=kw["recorded_by"])
