"""Personal budgets, their schemes and the ledger.

Rows only (no engine, no ledger entry, no deadline, no audit row): `AllocationSchemeFactory`,
`SchemeDomainFactory`, `PersonalBudgetFactory` (written in `status=`, as a report's fixture
wants it), `LedgerEntryFactory` (an entry inserted as it is, under the database's own rules).

Through the services and `workflows.transition`, the way a budget reaches each state in use:
`RequestedBudgetFactory` → `IndicativeBudgetFactory` (scored with the demo scheme) →
`SubmittedBudgetFactory` (support plan and splits recorded, submitted by a practitioner) →
`ActiveBudgetFactory` (approved by a different manager: the allocation is posted to the ledger
and the review deadline opened) → `SuspendedBudgetFactory` / `EndedBudgetFactory`.
Every field of the support plan (`direct_payment_amount=`, `first_payment_on=` …) may be given
to `SubmittedBudgetFactory` and below; `amount=` is the agreed amount, notional and social
care, or, with `by_direct_payments=True`, all paid as direct payments from the first day.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import factory

import workflows
from accounts.roles import Role
from budgets import periods, services
from budgets.demo import ANSWERS, default_scheme
from budgets.models import AllocationScheme, LedgerEntry, PersonalBudget, SchemeDomain
from tests.factories.accounts import UserFactory, staff
from tests.factories.base import ThroughServices
from tests.factories.casework import ChildFactory

START = dt.date(2026, 4, 1)


class AllocationSchemeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = AllocationScheme

    name = factory.Sequence(lambda n: f"Scheme {n}")
    price_per_point = Decimal("10.00")
    floor = Decimal("100.00")
    ceiling = Decimal("1000.00")


class SchemeDomainFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SchemeDomain

    scheme = factory.SubFactory(AllocationSchemeFactory)
    key = factory.Sequence(lambda n: f"domain-{n}")
    label = factory.Sequence(lambda n: f"Domain {n}")
    max_score = 4
    position = factory.Sequence(int)


class PersonalBudgetFactory(factory.django.DjangoModelFactory):
    """A budget written straight in `status` for the year `start_on` falls in."""

    class Meta:
        model = PersonalBudget

    child = factory.SubFactory(ChildFactory)
    team = factory.SelfAttribute("child.team")
    start_on = START
    period_start = factory.LazyAttribute(lambda o: periods.start_of(o.start_on))
    end_on = factory.LazyAttribute(lambda o: periods.end_of(o.period_start))
    agreed_amount = Decimal("1000.00")


class LedgerEntryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = LedgerEntry

    budget = factory.SubFactory(PersonalBudgetFactory, status="active")
    entry_on = factory.SelfAttribute("budget.start_on")
    kind = "payment"
    amount = Decimal("10.00")
    description = "test"
    created_by = factory.SubFactory(UserFactory)


# Through the engine ---------------------------------------------------------------------------

ENGINE_ARGS = {"child", "start_on", "practitioner", "manager", "amount", "reason"}


class RequestedBudgetFactory(ThroughServices):
    class Meta:
        model = PersonalBudget

    child = factory.SubFactory(ChildFactory)
    start_on = START
    practitioner = factory.LazyAttribute(lambda o: staff(Role.PRACTITIONER, o.child.team))

    @classmethod
    def _create(cls, model_class: Any, **kw: Any) -> Any:
        return services.budget_request(
            by=kw["practitioner"], child=kw["child"], start_on=kw["start_on"]
        )


class IndicativeBudgetFactory(RequestedBudgetFactory):
    """Scored with the demo scheme and answers, on `start_on`."""

    @classmethod
    def _create(cls, model_class: Any, **kw: Any) -> Any:
        budget = super()._create(model_class, **kw)
        return services.budget_score(
            by=kw["practitioner"],
            budget=budget,
            scheme=default_scheme(),
            answers=ANSWERS,
            on=kw["start_on"],
        )


class SubmittedBudgetFactory(IndicativeBudgetFactory):
    """Its plan recorded and submitted by the practitioner: `awaiting_approval`."""

    manager = factory.LazyAttribute(lambda o: staff(Role.TEAM_MANAGER, o.child.team))
    amount = "1200.00"

    class Params:
        # All of it paid to the family as direct payments, the first on the budget's first day.
        by_direct_payments = factory.Trait(
            direct_payment_amount=factory.SelfAttribute("amount"),
            notional_amount="0.00",
            first_payment_on=factory.SelfAttribute("start_on"),
        )

    @classmethod
    def _create(cls, model_class: Any, **kw: Any) -> Any:
        budget = super()._create(model_class, **kw)
        amount = kw["amount"]
        plan = {
            "support_plan": "Short breaks",
            "agreed_amount": amount,
            "direct_payment_amount": "0.00",
            "notional_amount": amount,
            "social_care_amount": amount,
        } | {name: value for name, value in kw.items() if name not in ENGINE_ARGS}
        budget = services.budget_plan(by=kw["practitioner"], budget=budget, **plan)
        budget = workflows.transition(budget, "submit", by=kw["practitioner"], on=kw["start_on"])
        assert Decimal(amount) == budget.agreed_amount
        return budget


class ActiveBudgetFactory(SubmittedBudgetFactory):
    """Approved by the manager on `start_on`: the allocation is on the ledger."""

    @classmethod
    def _create(cls, model_class: Any, **kw: Any) -> Any:
        budget = super()._create(model_class, **kw)
        return workflows.transition(budget, "approve", by=kw["manager"], on=kw["start_on"])


class SuspendedBudgetFactory(ActiveBudgetFactory):
    """Suspended by the manager today."""

    reason = "Paused while the family is away."

    @classmethod
    def _create(cls, model_class: Any, **kw: Any) -> Any:
        budget = super()._create(model_class, **kw)
        return workflows.transition(budget, "suspend", by=kw["manager"], reason=kw["reason"])


class EndedBudgetFactory(ActiveBudgetFactory):
    """Ended by the manager today: its commitments released, its review deadlines closed."""

    reason = "The family moved away."

    @classmethod
    def _create(cls, model_class: Any, **kw: Any) -> Any:
        budget = super()._create(model_class, **kw)
        return workflows.transition(budget, "end", by=kw["manager"], reason=kw["reason"])
