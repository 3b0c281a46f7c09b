"""Read queries of the engine. Callers scope the records; these never widen what is visible."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import Max
from django.urls import reverse

from accounts.models import User
from accounts.roles import Role
from workflows.checks import reasons_for_people, transition_label, transition_refusals
from workflows.models import Deadline, DeadlineQuerySet, TransitionLog
from workflows.registry import Machine, registry, step_of


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


@dataclass(frozen=True)
class StepNow:
    """A step the record's present state allows: whether this person may take it, or why not."""

    name: str
    label: str
    allowed: bool
    reasons: list[str]
    destructive: bool
    decision: bool


def steps_now(obj: models.Model, user: User) -> list[StepNow]:
    """The steps of the record's machine that matter now: every one its present state allows,
    those `user` may not take with the reason in words for a page. None is left out, so nobody
    is left wondering why a deadline has no step."""
    machine = registry.machine_for(type(obj))
    state = getattr(obj, machine.field_name)
    steps = []
    for name in machine.first_transitions():
        fsm_transition = machine.transition_from(state, name)
        if fsm_transition is None:
            continue
        step = step_of(fsm_transition)
        reasons = reasons_for_people(fsm_transition, obj, user)
        steps.append(
            StepNow(
                name=name,
                label=step.label,
                allowed=not reasons,
                reasons=reasons,
                destructive=step.destructive,
                decision=step.decision,
            )
        )
    return steps


@dataclass(frozen=True)
class DecisionStep:
    label: str
    url: str
    allowed: bool
    reasons: list[str]
    destructive: bool


@dataclass(frozen=True)
class Decision:
    """One record waiting for a team manager's decision, and the steps that decide it."""

    record: models.Model
    child: models.Model | None
    what: str
    steps: list[DecisionStep]
    due_on: dt.date | None
    deadline: str
    waiting_since: dt.date | None


def decisions_for(user: User) -> list[Decision]:
    """What waits for a team manager's decision in their teams, oldest first: each record whose
    state allows a step declared a `decision`, with the earliest deadline that step meets.
    A few queries per machine, however many records wait."""
    if not user.has_role(Role.TEAM_MANAGER):
        return []
    decisions: list[Decision] = []
    for machine in registry.machines.values():
        if machine.team_lookup and machine.step_url:
            decisions.extend(_decisions_of(machine, user))
    far = dt.date.max
    return sorted(
        decisions,
        key=lambda item: (
            item.waiting_since or far,
            item.due_on or far,
            item.what,
            item.record.pk,
        ),
    )


def _decisions_of(machine: Machine, user: User) -> list[Decision]:
    deciding = [item for item in machine.transitions() if step_of(item).decision]
    sources = {str(item.source) for item in deciding} - {"*", "+"}
    if not sources:
        return []
    child = machine.child_lookups[0] if machine.child_lookups else ""
    records = machine.model._default_manager.filter(
        **{
            f"{machine.team_lookup}__in": user.teams.values("pk"),
            f"{machine.field_name}__in": sorted(sources),
        }
    )
    if child:
        records = records.select_related(child)
    found = list(machine.decision_reads(records).order_by("pk"))
    if not found:
        return []
    subject_type = ContentType.objects.get_for_model(machine.model)
    ids = [record.pk for record in found]
    kinds = {kind.value for item in deciding for kind in step_of(item).closes}
    earliest: dict[int, Deadline] = {}
    for deadline in (
        Deadline.objects.running()
        .filter(subject_type=subject_type, subject_id__in=ids, kind__in=kinds)
        .order_by("due_on", "pk")
    ):
        earliest.setdefault(deadline.subject_id, deadline)
    since = dict(
        TransitionLog.objects.filter(subject_type=subject_type, subject_id__in=ids)
        .values("subject_id")
        .annotate(last=Max("effective_on"))
        .values_list("subject_id", "last")
    )
    decisions = []
    for record in found:
        state = getattr(record, machine.field_name)
        steps = []
        for name in machine.first_transitions():
            fsm_transition = machine.transition_from(state, name)
            if fsm_transition is None or not step_of(fsm_transition).decision:
                continue
            reasons = reasons_for_people(fsm_transition, record, user)
            steps.append(
                DecisionStep(
                    label=step_of(fsm_transition).label,
                    url=reverse(machine.step_url, args=[record.pk, name]),
                    allowed=not reasons,
                    reasons=reasons,
                    destructive=step_of(fsm_transition).destructive,
                )
            )
        found_deadline = earliest.get(record.pk)
        decisions.append(
            Decision(
                record=record,
                child=_follow(record, child),
                what=machine.label[:1].upper() + machine.label[1:],
                steps=steps,
                due_on=found_deadline.due_on if found_deadline else None,
                deadline=registry.label_of(found_deadline.kind) if found_deadline else "",
                waiting_since=since.get(record.pk),
            )
        )
    return decisions


def _follow(record: models.Model, lookup: str) -> models.Model | None:
    found: models.Model | None = record
    for part in lookup.split("__") if lookup else []:
        found = getattr(found, part, None) if found is not None else None
    return found if lookup else None


def history_of(obj: models.Model) -> models.QuerySet[TransitionLog]:
    return TransitionLog.objects.filter(
        subject_type=ContentType.objects.get_for_model(obj), subject_id=obj.pk
    ).select_related("actor")


def deadlines_of(obj: models.Model) -> DeadlineQuerySet:
    return Deadline.objects.for_subject(obj)
