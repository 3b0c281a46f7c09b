"""A factory for every model; the state factories reach their state the way the product does."""

from __future__ import annotations

import datetime as dt

import factory.random
import pytest
import time_machine
from django.apps import apps

import tests.factories as factories
from budgets.models import EntryKind, LedgerEntry
from workflows.models import Deadline, TransitionLog

PRODUCT_APPS = {"accounts", "workflows", "casework", "budgets", "shortbreaks", "commissioning"}
TODAY = dt.datetime(2026, 11, 24, 10, tzinfo=dt.UTC)


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(TODAY, tick=False):
        yield


def modelled() -> set[type]:
    found = set()
    for name in factories.__all__:
        made = getattr(factories, name)
        model = getattr(getattr(made, "_meta", None), "model", None)
        if isinstance(model, str):
            model = apps.get_model(model)
        if model is not None:
            found.add(model)
    return found


def test_every_product_model_has_a_factory():
    models = {m for m in apps.get_models() if m._meta.app_label in PRODUCT_APPS}

    assert sorted(m.__name__ for m in models - modelled()) == []


@pytest.mark.parametrize("name", [name for name in factories.__all__ if name.endswith("Factory")])
def test_each_factory_makes_a_saved_record(db, name):
    made = getattr(factories, name)()

    assert type(made).objects.filter(pk=made.pk).exists()


def test_the_same_seed_gives_the_same_people(db):
    factory.random.reseed_random("one test")
    first = [factories.ChildFactory().full_name for _ in range(3)]
    factory.random.reseed_random("one test")
    again = [factories.ChildFactory().full_name for _ in range(3)]

    assert first == again
    assert len(set(first)) == 3


STATES = [
    (factories.RequestedBudgetFactory, "requested"),
    (factories.IndicativeBudgetFactory, "indicative"),
    (factories.SubmittedBudgetFactory, "awaiting_approval"),
    (factories.ActiveBudgetFactory, "active"),
    (factories.SuspendedBudgetFactory, "suspended"),
    (factories.EndedBudgetFactory, "ended"),
    (factories.RequestedPackageFactory, "requested"),
    (factories.ApprovedPackageFactory, "approved"),
    (factories.ActivePackageFactory, "active"),
    (factories.EndedPackageFactory, "ended"),
    (factories.DeclinedPackageFactory, "declined"),
    (factories.BookedSessionFactory, "booked"),
    (factories.DeliveredSessionFactory, "delivered"),
    (factories.CancelledSessionFactory, "cancelled"),
    (factories.NoShowSessionFactory, "no_show"),
    (factories.ReferredCaseFactory, "referred"),
    (factories.AssessingCaseFactory, "assessing"),
    (factories.RequestedPlanFactory, "requested"),
    (factories.AssessingPlanFactory, "assessing"),
    (factories.DraftPlanFactory, "draft"),
    (factories.FinalPlanFactory, "final"),
]


@pytest.mark.parametrize(("state_factory", "status"), STATES)
def test_a_state_factory_reaches_its_state_through_the_engine(db, state_factory, status):
    record = state_factory()
    steps = TransitionLog.objects.filter(subject_id=record.pk).order_by("pk")

    assert record.status == status
    assert steps.last().target == status


def test_an_active_budget_has_its_allocation_and_its_review_deadline(db):
    budget = factories.ActiveBudgetFactory(amount="900.00")

    allocation = LedgerEntry.objects.get(budget=budget, kind=EntryKind.ALLOCATION)
    assert str(allocation.amount) == "900.00"
    assert Deadline.objects.filter(subject_id=budget.pk, kind="budget_review").exists()


def test_a_booked_session_sets_its_cost_aside_on_the_budget(db):
    session = factories.BookedSessionFactory()

    assert session.commitment.kind == EntryKind.COMMITMENT
    assert session.commitment.amount == session.cost


def test_a_record_that_goes_through_the_engine_cannot_be_built_without_it():
    with pytest.raises(TypeError, match="create it"):
        factories.ActiveBudgetFactory.build()
