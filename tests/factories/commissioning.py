"""Commissioning: the implementation plan as data, targets, comparators and feedback. Rows only:
the plan is loaded from its file by `plan_load` where a test wants the real one."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import factory

from accounts.roles import Role
from commissioning.models import (
    Action,
    ActionStep,
    Comparator,
    Feedback,
    ImplementationPlan,
    Measure,
    Outcome,
    ProgressNote,
    Target,
    Theme,
    quarter_start,
)
from tests.factories.accounts import UserFactory
from tests.factories.casework import ChildFactory
from workflows import clock


class ImplementationPlanFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ImplementationPlan

    slug = factory.Sequence(lambda n: f"plan-{n}")
    title = "Short breaks implementation plan"
    owner = "Disabled children's commissioning"
    start_on = dt.date(2026, 4, 1)
    end_on = dt.date(2029, 3, 31)


class ThemeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Theme

    plan = factory.SubFactory(ImplementationPlanFactory)
    position = factory.Sequence(int)
    title = factory.Sequence(lambda n: f"Theme {n}")


class OutcomeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Outcome

    theme = factory.SubFactory(ThemeFactory)
    position = factory.Sequence(int)
    text = "Families get the breaks they need."


class MeasureFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Measure

    outcome = factory.SubFactory(OutcomeFactory)
    position = factory.Sequence(int)
    text = "Children with a short break"


class ActionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Action

    theme = factory.SubFactory(ThemeFactory)
    number = factory.Sequence(lambda n: n + 1)
    text = "Widen the local offer."


class ActionStepFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ActionStep

    action = factory.SubFactory(ActionFactory)
    letter = factory.Sequence(lambda n: "abcdefghijklmnopqrstuvwxyz"[n % 26])
    text = "Ask families what they would use."


class ProgressNoteFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ProgressNote

    action = factory.SubFactory(ActionFactory)
    written_on = factory.LazyFunction(lambda: clock.today())
    status = "on_track"
    text = "Going to plan."
    author = factory.SubFactory(UserFactory, role=Role.COMMISSIONER)


class TargetFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Target

    measure = factory.SubFactory(MeasureFactory)
    period = "2026-27"
    value = Decimal("100.00")


class ComparatorFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Comparator

    metric = "children_with_short_breaks"
    label = "England"
    value = Decimal("50.00")
    unit = "percent"
    year = "2025"
    source = "Department for Education"


class FeedbackFactory(factory.django.DjangoModelFactory):
    """A rating written as a row, in the quarter of `given_on`; `feedback_give` is the service."""

    class Meta:
        model = Feedback

    child = factory.SubFactory(ChildFactory)
    team = factory.SelfAttribute("child.team")
    given_by = factory.SubFactory(UserFactory, role=Role.FAMILY)
    given_on = factory.LazyFunction(lambda: clock.today())
    period_start = factory.LazyAttribute(lambda o: quarter_start(o.given_on))
    rating = 4
