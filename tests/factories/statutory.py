"""The statutory clock's records on an EHC plan, as rows (no engine runs, no deadline opens):
`RepresentationFactory`, `AdviceRequestFactory`, `TransferFactory`, `ReassessmentFactory`,
`DisputeFactory`, `TribunalOrderStepFactory`; and `DeadlineExceptionFactory`, a live row of a
deadline's exception history."""

from __future__ import annotations

import datetime as dt

import factory

from casework.models import (
    AdviceRequest,
    Dispute,
    Reassessment,
    Representation,
    Transfer,
    TribunalOrderStep,
)
from tests.factories.accounts import UserFactory
from tests.factories.casework import PlanFactory
from tests.factories.workflows import DeadlineFactory
from workflows import clock
from workflows.models import DeadlineException


class RepresentationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Representation

    plan = factory.SubFactory(PlanFactory, status="draft", draft_issued_on=dt.date(2026, 10, 1))
    period = "draft"
    text = "We would like more speech and language therapy in section F."
    made_on = factory.LazyFunction(clock.today)


class _OnAPlan(factory.django.DjangoModelFactory):
    class Meta:
        abstract = True

    plan = factory.SubFactory(PlanFactory, status="assessing")
    recorded_by = factory.SubFactory(UserFactory)


class AdviceRequestFactory(_OnAPlan):
    class Meta:
        model = AdviceRequest

    kind = "educational"
    adviser_email = "senco@school.example.org"
    requested_on = factory.LazyFunction(clock.today)


class TransferFactory(_OnAPlan):
    class Meta:
        model = Transfer

    plan = factory.SubFactory(PlanFactory, status="final")
    direction = "out"
    other_council = "Suffolk County Council"
    moved_on = factory.LazyFunction(lambda: clock.add_weeks(clock.today(), 6))
    notice_received_on = factory.LazyFunction(clock.today)


class ReassessmentFactory(_OnAPlan):
    class Meta:
        model = Reassessment

    plan = factory.SubFactory(PlanFactory, status="final")
    requested_on = factory.LazyFunction(clock.today)


class DisputeFactory(_OnAPlan):
    class Meta:
        model = Dispute

    plan = factory.SubFactory(PlanFactory, status="refused")
    kind = "mediation_requested"
    on = factory.LazyFunction(clock.today)
    about = "request"


class TribunalOrderStepFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = TribunalOrderStep

    dispute = factory.SubFactory(
        DisputeFactory, kind="tribunal_decision", order="name_school", about="other"
    )
    step = "name_school"
    label = "Name the school in the plan"
    weeks = 2


class DeadlineExceptionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = DeadlineException

    deadline = factory.SubFactory(DeadlineFactory, kind="final_plan")
    ground = "exceptional_circumstances"
    reason = "The child was in hospital for six weeks."
