"""Read queries of the engine. Callers scope the records; these never widen what is visible."""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.contenttypes.models import ContentType
from django.db import models

from accounts.models import User
from workflows.checks import transition_label, transition_refusals
from workflows.models import Deadline, DeadlineQuerySet, TransitionLog
from workflows.registry import registry


@dataclass(frozen=True)
class TransitionOption:
    name: str
    label: str
    target: str
    allowed: bool
    reasons: list[str]


def transition_options(obj: models.Model, user: User) -> list[TransitionOption]:
    """Every step of the record's machine: whether `user` can take it now and, if not, why."""
    machine = registry.machine_for(type(obj))
    state = getattr(obj, machine.field_name)
    options = []
    for name, first in machine.first_transitions().items():
        fsm_transition = machine.transition_from(state, name) or first
        reasons = transition_refusals(obj, name, user)
        options.append(
            TransitionOption(
                name=name,
                label=transition_label(fsm_transition),
                target=str(fsm_transition.target),
                allowed=not reasons,
                reasons=reasons,
            )
        )
    return options


def history_of(obj: models.Model) -> models.QuerySet[TransitionLog]:
    return TransitionLog.objects.filter(
        subject_type=ContentType.objects.get_for_model(obj), subject_id=obj.pk
    ).select_related("actor")


def deadlines_of(obj: models.Model) -> DeadlineQuerySet:
    return Deadline.objects.for_subject(obj)
