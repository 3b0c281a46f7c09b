"""The engine's own records, as rows: for a test of a reader (a list, a report, a sweep) that
needs one in a given shape. A test of how they come about uses the state factories instead."""

from __future__ import annotations

import datetime as dt

import factory
from django.contrib.contenttypes.models import ContentType

from tests.factories.accounts import UserFactory
from tests.factories.casework import CaseFactory
from workflows import clock
from workflows.models import (
    BatchFailure,
    Deadline,
    DeadlineException,
    IdempotencyKey,
    Notification,
    Reminder,
    TransitionLog,
)


def _case_id(subject: object) -> int | None:
    return subject.pk if type(subject).__name__ == "Case" else getattr(subject, "case_id", None)


class _AboutASubject(factory.django.DjangoModelFactory):
    class Meta:
        abstract = True
        exclude = ("subject",)

    subject = factory.SubFactory(CaseFactory)
    subject_type = factory.LazyAttribute(lambda o: ContentType.objects.get_for_model(o.subject))
    subject_id = factory.SelfAttribute("subject.pk")
    case_id = factory.LazyAttribute(lambda o: _case_id(o.subject))


class TransitionLogFactory(_AboutASubject):
    class Meta:
        model = TransitionLog

    transition = "accept_referral"
    source = "referred"
    target = "assessing"
    actor = factory.SubFactory(UserFactory)
    effective_on = factory.LazyFunction(lambda: clock.today())


class DeadlineFactory(_AboutASubject):
    """An open deadline written as a row; `status`, `closed_on` and `exception` as given."""

    class Meta:
        model = Deadline
        skip_postgeneration_save = True

    kind = "assessment_complete"
    opened_on = factory.LazyFunction(lambda: clock.today())
    due_on = factory.LazyAttribute(lambda o: o.opened_on + dt.timedelta(days=45))
    team = factory.LazyAttribute(lambda o: o.subject.team if hasattr(o.subject, "team") else None)

    @factory.post_generation
    def exception_history(
        obj: Deadline, create: bool, extracted: object, **kwargs: object
    ) -> None:
        """An `exception` given is the ground of a live row of its history, as the writer keeps
        them; reports read the history."""
        if create and obj.exception:
            DeadlineException.objects.create(deadline=obj, ground=obj.exception, reason="Given")


class ReminderFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Reminder

    deadline = factory.SubFactory(DeadlineFactory)
    offset_days = 3
    recipient = factory.SubFactory(UserFactory)


class NotificationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Notification

    recipient = factory.SubFactory(UserFactory)
    kind = "test"
    subject = "A reminder"
    body = "Due soon"


class IdempotencyKeyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = IdempotencyKey

    user = factory.SubFactory(UserFactory)
    key = factory.Sequence(lambda n: f"key-{n}")
    fingerprint = factory.Sequence(lambda n: f"{n:064x}")


class BatchFailureFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = BatchFailure

    task = "deadlines_mark_missed"
    item = factory.Sequence(lambda n: f"Deadline {n}")
    error = "Something went wrong"
