"""Machines and deadline kinds, registered by the domain apps from their `AppConfig.ready()`.

The engine imports no domain app: it learns each model's state field, how to find the case and
team a record belongs to (for deadlines and the case history), and which deadlines a record opens
when it is created. Each transition declares the rest in its django-fsm-2 `custom` dict:

    custom={
        "label": "Accept referral",               # shown on buttons and in the API
        "params": {"reason": forms.CharField()},  # cleaned before the method runs
        "opens": [DeadlineRule(...)],             # deadlines opened, due from the effective date
        "effects": [post_allocation],             # run after the save, in the same transaction,
                                                  # as effect(record, by=user, on=effective_date)
        "notify": [decision_letters],             # each returns outbox.Message rows for
                                                  # the outbox, written in the same transaction
        "closes": ["referral_decision"],          # open deadlines of these kinds are closed,
                                                  # or Satisfied("kind"): closed as met
    }
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any, cast

from django.db import models
from django_fsm import FSMFieldMixin
from django_fsm import Transition as FSMTransition


@dataclass(frozen=True)
class DeadlineKind:
    """What a kind of deadline is. `council_duty=False` marks a time given to someone else (the
    family's 15 days to comment): it is never marked missed against the council."""

    kind: str
    label: str
    statutory: bool
    source: str = ""
    council_duty: bool = True


@dataclass(frozen=True)
class Satisfied:
    """In a transition's "closes": the deadline is no longer needed, so it closes as met."""

    kind: str


@dataclass(frozen=True)
class DeadlineRule:
    """Opens a deadline of `kind`, due on `due(record, effective_date)`; None opens nothing."""

    kind: str
    due: Callable[[Any, dt.date], dt.date | None]


@dataclass(frozen=True)
class Machine:
    model: type[models.Model]
    field_name: str
    case_of: Callable[[Any], int | None] = lambda record: None
    team_of: Callable[[Any], int | None] = lambda record: None
    owner_of: Callable[[Any], int | None] = lambda record: None
    opens_on_create: tuple[DeadlineRule, ...] = ()
    verbose_name: str = ""

    @property
    def field(self) -> FSMFieldMixin:
        state_field = self.model._meta.get_field(self.field_name)
        if not isinstance(state_field, FSMFieldMixin):
            raise TypeError(f"{self.model.__name__}.{self.field_name} is not a django-fsm field")
        return cast(FSMFieldMixin, state_field)

    @property
    def label(self) -> str:
        return self.verbose_name or str(self.model._meta.verbose_name)

    def transitions(self) -> Iterator[FSMTransition]:
        """Every (source, transition) pair of the machine, in declaration order."""
        yield from self.field.get_all_transitions(self.model)

    def first_transitions(self) -> dict[str, FSMTransition]:
        """Each transition name with its first (source, target) pair, in declaration order."""
        first: dict[str, FSMTransition] = {}
        for item in self.transitions():
            first.setdefault(item.name, item)
        return first

    def names(self) -> list[str]:
        return list(self.first_transitions())

    def transition_from(self, state: str, name: str) -> FSMTransition | None:
        method = getattr(self.model, name, None)
        meta = getattr(method, "_django_fsm", None)
        if meta is None or meta.field is not self.field:
            return None
        found: FSMTransition | None = meta.get_transition(state)
        return found

    def any_transition(self, name: str) -> FSMTransition | None:
        return self.first_transitions().get(name)

    def state_label(self, state: str) -> str:
        return str(dict(self.field.flatchoices).get(state, state))


@dataclass
class Registry:
    machines: dict[type[models.Model], Machine] = field(default_factory=dict)
    deadline_kinds: dict[str, DeadlineKind] = field(default_factory=dict)

    def register(self, machine: Machine) -> Machine:
        self.machines[machine.model] = machine
        return machine

    def extend(self, model: type[models.Model], name: str, key: str, item: Any) -> None:
        """Add an effect or a message maker to a transition from another app (once only), for
        apps whose services import the models and so cannot be named in the decorator."""
        for fsm_transition in self.machine_for(model).transitions():
            if fsm_transition.name == name:
                added = fsm_transition.custom.setdefault(key, [])
                if item not in added:
                    added.append(item)

    def register_deadline_kind(self, kind: DeadlineKind) -> None:
        self.deadline_kinds[kind.kind] = kind

    def machine_for(self, model: type[models.Model]) -> Machine:
        try:
            return self.machines[model]
        except KeyError:
            raise LookupError(
                f"{model.__name__} has no machine registered with workflows"
            ) from None

    def kind(self, kind: str) -> DeadlineKind:
        return self.deadline_kinds.get(kind) or DeadlineKind(kind, kind.replace("_", " "), True)


registry = Registry()
