"""The declarations the engine runs on: machines, deadline kinds, steps and cross-app hooks.

The domain apps declare; the engine imports none of them. A deadline kind is a `DeadlineKind`
constant in the app that owns it, declared to the registry from that app's `ready()`. A transition
declares what it does in a `Step`, passed to django-fsm-2 as `custom={"step": Step(...)}` next to
the verb on the model:

    @transition(field=status, source=..., target=..., permission=..., conditions=[...],
                custom={"step": Step(
                    "Accept the referral",
                    params={"reason": forms.CharField()},  # cleaned before the method runs
                    opens=(ASSESSMENT_COMPLETE,),          # due from the effective date
                    closes=(REFERRAL_DECISION,),           # met if on time, missed if late
                    satisfies=(FAMILY_COMMENTS,),          # no longer needed: closed as met
                    not_required=(FINAL_PLAN,),            # moot: counted in no timeliness rate
                    checks=(inside_the_familys_period,),   # check(record, on): a reason or None
                    effects=(...,),                        # effect(record, by=, on=), same txn
                    notify=(...,),                         # each returns outbox Message rows
                )})

An effect that lives in a services module (budgets posting to the ledger when a budget is
approved: the services import the models, so the decorator cannot name it; ADR 0005) is added
with `registry.hook(PersonalBudget.approve, effects=(...))`, which names the transition by its
method, so a misspelt step fails at start-up. The system check
(`workflows.system_checks`) proves at start-up that all of it fits together.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any, cast

from django import forms
from django.db import models
from django_fsm import FSMFieldMixin
from django_fsm import Transition as FSMTransition

Effect = Callable[..., None]
"""Called as effect(record, by=user, on=effective_date) after the save, in the transaction."""
MessageMaker = Callable[..., Any]
"""Called as maker(record, by=user, on=effective_date); returns outbox `Message` rows."""
DatedCheck = Callable[[Any, dt.date], str | None]
"""Called as check(record, effective_date) before the step runs; a reason refuses the step.
For a rule that depends on the step's date rather than on today (the family's 15 days)."""


@dataclass(frozen=True)
class OwnerRule:
    """How the person answerable for a deadline is found from its record (their user id)."""

    description: str
    find: Callable[[Any], int | None]


@dataclass(frozen=True)
class AlsoReminded:
    """Someone reminded of a kind's deadlines beside its owner, who still answers for them: the
    adviser asked for the advice, say. `user` builds, over the sweep's deadline rows, the SQL
    expression of that person's user id (null for none); it is called when the sweep runs, so the
    domain app's models are loaded by then."""

    description: str
    user: Callable[[], Any]


@dataclass(frozen=True, eq=False)
class DeadlineKind:
    """One kind of deadline, declared once as a constant of the app that owns it.

    `value` is the string stored in `Deadline.kind` and shown by the API. `due(record, on)` gives
    the due date from the effective date of the step that opens it, or None when it does not apply.
    `council_duty=False` marks a time given to someone else (the family's 15 days to comment): it
    is never marked missed against the council, nor reminded. `exceptions` are the
    `StatutoryException` values a team manager may record against it. `owner` is who is reminded;
    without one, the owner its record's machine names (`Machine.owner_of`).
    """

    value: str
    label: str
    due: Callable[[Any, dt.date], dt.date | None]
    statutory: bool
    basis: str = ""
    owner: OwnerRule | None = None
    also_reminded: AlsoReminded | None = None
    council_duty: bool = True
    exceptions: tuple[str, ...] = ()
    for_families: str = ""
    plain_basis: str = ""
    """The basis in plain words, as staff and families read it on the pages ("The law (...)
    says ..."); the pages show `basis` where it is empty."""

    def __repr__(self) -> str:
        return f"DeadlineKind({self.value!r})"


@dataclass(frozen=True)
class Step:
    """What one transition does, declared next to its verb on the model."""

    label: str
    params: Mapping[str, forms.Field] = field(default_factory=dict)
    opens: tuple[DeadlineKind, ...] = ()
    closes: tuple[DeadlineKind, ...] = ()
    satisfies: tuple[DeadlineKind, ...] = ()
    not_required: tuple[DeadlineKind, ...] = ()
    checks: tuple[DatedCheck, ...] = ()
    effects: tuple[Effect, ...] = ()
    notify: tuple[MessageMaker, ...] = ()
    done: str | Callable[[Any], str] = ""
    """What the success banner says happened ("Case closed"), or made from the record after the
    step ("Budget approved — £5,650.00 a year from 1 April 2026"); without it, from the label."""
    destructive: bool = False
    """A step that ends or refuses something (close, cease, end, cancel, reject): offered as a
    warning button, and its page says what follows before it is taken."""
    decision: bool = False
    """A manager's decision the record waits for in this state (approve a budget, agree to
    assess): listed in the team manager's decisions queue while it is possible."""
    consequence: str = ""
    """What a destructive step's page says follows, instead of "This cannot be undone." """

    def kinds(self) -> tuple[DeadlineKind, ...]:
        return self.opens + self.closes + self.satisfies + self.not_required

    @property
    def dated_by_law(self) -> bool:
        """Whether a time limit in law starts or stops on the step's date: its date must then be
        given, never taken as today (issue #20 item 3)."""
        return any(kind.statutory for kind in self.opens + self.closes + self.satisfies)

    def refusals_on(self, record: Any, on: dt.date) -> list[str]:
        """Why the step cannot take effect on `on`, in plain words; empty when it can."""
        return [reason for check in self.checks if (reason := check(record, on))]

    def done_message(self, record: Any) -> str:
        """The success banner after the step, never the bare verb ("Done: approve.")."""
        if callable(self.done):
            return self.done(record)
        return self.done or f"“{self.label}” is recorded."

    def warning(self) -> str:
        return self.consequence or "This cannot be undone."


@dataclass(frozen=True)
class Hooks:
    """Effects and messages another app attaches to a transition (ADR 0005)."""

    effects: tuple[Effect, ...] = ()
    notify: tuple[MessageMaker, ...] = ()


NO_HOOKS = Hooks()


def step_of(fsm_transition: FSMTransition) -> Step:
    step = fsm_transition.custom.get("step")
    if not isinstance(step, Step):
        raise LookupError(f"The transition “{fsm_transition.name}” declares no Step.")
    return step


@dataclass(frozen=True)
class Machine:
    model: type[models.Model]
    field_name: str
    states: type[models.TextChoices]
    case_of: Callable[[Any], int | None] = lambda record: None
    team_of: Callable[[Any], int | None] = lambda record: None
    owner_of: Callable[[Any], int | None] = lambda record: None
    opens_on_create: tuple[DeadlineKind, ...] = ()
    verbose_name: str = ""
    # The lookups from a record to its child (`"child"`, `"package__child"`; a review has two),
    # so that a child's deadlines are found on every record of theirs in one query.
    child_lookups: tuple[str, ...] = ()
    # For the decisions queue: the lookup from a record to its team (`"team"`, `"child__team"`)
    # and the URL name of a step's page, reversed with the record's pk and the step's name.
    team_lookup: str = ""
    step_url: str = ""
    # What the decisions queue reads with the records it lists, so that the conditions it
    # checks on each record read it there rather than ask a query per record.
    decision_reads: Callable[[Any], Any] = lambda records: records
    # One-to-one relations the steps' conditions read (a case's referral, for its consent): the
    # engine reads them in the query that locks the record, not in a round trip of their own.
    read_with_lock: tuple[str, ...] = ()

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


class UnknownDeadlineKind(LookupError):
    """A kind looked up that no app has declared: a typo, or a declaration left out."""


@dataclass
class Registry:
    machines: dict[type[models.Model], Machine] = field(default_factory=dict)
    deadline_kinds: dict[str, DeadlineKind] = field(default_factory=dict)
    hooks: dict[tuple[type[models.Model], str], Hooks] = field(default_factory=dict)

    def register(self, machine: Machine) -> Machine:
        self.machines[machine.model] = machine
        return machine

    def declare(self, *kinds: DeadlineKind) -> None:
        for kind in kinds:
            declared = self.deadline_kinds.get(kind.value)
            if declared is not None and declared is not kind:
                raise ValueError(f"The deadline kind “{kind.value}” is declared twice.")
            self.deadline_kinds[kind.value] = kind

    def hook(
        self,
        method: Callable[..., Any],
        *,
        effects: tuple[Effect, ...] = (),
        notify: tuple[MessageMaker, ...] = (),
    ) -> None:
        """Attach effects and messages to the transition `method` (`PersonalBudget.approve`),
        after the step's own; hooking the same one twice adds it once."""
        meta = getattr(method, "_django_fsm", None)
        if meta is None:
            raise TypeError(f"{method!r} is not a django-fsm-2 transition.")
        key = (meta.field.model, method.__name__)
        hooks = self.hooks.get(key, NO_HOOKS)
        self.hooks[key] = Hooks(
            effects=hooks.effects + tuple(item for item in effects if item not in hooks.effects),
            notify=hooks.notify + tuple(item for item in notify if item not in hooks.notify),
        )

    def hooks_of(self, model: type[models.Model], name: str) -> Hooks:
        return self.hooks.get((model, name), NO_HOOKS)

    def machine_for(self, model: type[models.Model]) -> Machine:
        try:
            return self.machines[model]
        except KeyError:
            raise LookupError(
                f"{model.__name__} has no machine registered with workflows"
            ) from None

    def kind(self, value: str) -> DeadlineKind:
        """The declared kind stored as `value`; an undeclared one raises, never a default."""
        try:
            return self.deadline_kinds[value]
        except KeyError:
            raise UnknownDeadlineKind(f"No deadline kind “{value}” is declared.") from None

    def label_of(self, value: str) -> str:
        """Words for a stored kind on a page. A row whose kind is no longer declared (data from
        before a kind was renamed) still shows, as its stored value: only words, never a rule."""
        declared = self.deadline_kinds.get(value)
        return declared.label if declared else value.replace("_", " ")

    def others_time(self) -> list[str]:
        """Kinds that are a time given to someone else, never the council's to miss."""
        return [kind.value for kind in self.deadline_kinds.values() if not kind.council_duty]


registry = Registry()
