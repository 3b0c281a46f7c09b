"""Each state machine driven through the API by hypothesis: random steps, by random people, with
random dates and parameters, valid and not.

After every request: no 5xx; a refused step (400/403/404/409, in the error shape of DESIGN §8)
changed nothing at all — state, audit trail, deadlines, ledger; an accepted one moved the record
along an edge of its machine and wrote exactly one audit row saying so; the record's deadlines
are consistent (a met one closed on time, an open one not closed, none due before it opened, one
running per kind); a budget never has less than nothing available.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from typing import Any

import pytest
import time_machine
from django import forms
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule, run_state_machine_as_test
from rest_framework.test import APIClient

from budgets.models import LedgerEntry
from budgets.selectors import balances_of
from tests.security.world import TODAY, World, build
from workflows.models import Deadline, DeadlineStatus, TransitionLog
from workflows.registry import registry, step_of

# machine: (the world's record, the API's collection)
MACHINES = {
    "case": ("case", "cases"),
    "plan": ("plan", "ehc-plans"),
    "budget": ("budget", "budgets"),
    "package": ("package", "shortbreaks/packages"),
    "session": ("session", "shortbreaks/sessions"),
    "service_change": ("service_change", "shortbreaks/service-changes"),
}
ACTORS = ("practitioner", "manager", "family", "provider", "other_practitioner")
EXAMPLES = 25
STEPS = 12
STATES_SEEN: dict[str, Counter[str]] = defaultdict(Counter)
REQUESTS: Counter[str] = Counter()

DATES = st.one_of(
    st.none(),
    st.dates(dt.date(2025, 1, 1), dt.date(2027, 12, 31)).map(dt.date.isoformat),
    st.sampled_from(["2026-02-30", "24/11/2026", "tomorrow", "", "2026-11-24T10:00:00Z"]),
    st.integers(-5, 10**12),
)
TEXT = st.one_of(
    st.sampled_from(["The family moved to Kent.", "Needs met by the universal offer."]),
    st.text(max_size=40),  # any unicode, control characters included
    st.sampled_from(["", "   ", "\x00", "x" * 6000]),
)
VALUES = st.one_of(TEXT, DATES, st.booleans(), st.lists(st.integers(), max_size=2), st.none())
SENSIBLE_DATES = st.one_of(
    st.none(), st.dates(dt.date(2026, 9, 1), TODAY.date()).map(dt.date.isoformat)
)


def sensible_value(form_field: forms.Field) -> st.SearchStrategy[Any]:
    """What a person would answer to this question of the step."""
    if isinstance(form_field, forms.DateField):
        return st.dates(dt.date(2026, 9, 1), dt.date(2027, 9, 1)).map(dt.date.isoformat)
    if isinstance(form_field, forms.ChoiceField):
        return st.sampled_from([value for value, _ in form_field.choices if value])
    return st.sampled_from(["The family moved to Kent.", "Needs met by the universal offer."])


class RandomUse(RuleBasedStateMachine):
    """One example: a fresh copy of the world (a savepoint), a walk of random steps, undone."""

    def __init__(self, world: World, machine: str) -> None:
        super().__init__()
        self._savepoint = transaction.atomic()
        self._savepoint.__enter__()
        self.world = world
        self.machine_key = machine
        record_name, collection = MACHINES[machine]
        self.record = world.records[record_name]
        self.model = type(self.record)
        self.machine = registry.machine_for(self.model)
        self.collection = collection
        self.subject = {
            "subject_type": ContentType.objects.get_for_model(self.model),
            "subject_id": self.record.pk,
        }
        self.audited = TransitionLog.objects.filter(**self.subject).count()
        self.clients = {actor: self._client(actor) for actor in ACTORS}

    def _client(self, actor: str) -> APIClient:
        client = APIClient()
        client.credentials(HTTP_AUTHORIZATION=f"Token {self.world.token(actor)}")
        return client

    def teardown(self) -> None:
        transaction.set_rollback(True)
        self._savepoint.__exit__(None, None, None)

    def state(self) -> str:
        return self.model.objects.values_list(self.machine.field_name, flat=True).get(
            pk=self.record.pk
        )

    def snapshot(self) -> tuple[Any, ...]:
        deadlines = sorted(
            Deadline.objects.filter(**self.subject).values_list(
                "pk", "status", "due_on", "closed_on", "exception", "waiver_reason"
            )
        )
        return (
            self.state(),
            TransitionLog.objects.filter(**self.subject).count(),
            deadlines,
            LedgerEntry.objects.count(),
        )

    def possible_now(self) -> list[str]:
        state = self.state()
        return [name for name in self.machine.names() if self.machine.transition_from(state, name)]

    @rule(data=st.data())
    def take_a_step(self, data: st.DataObject) -> None:
        # Mostly what a person would try (a step the state allows, sensible answers), so that
        # walks go deep; often anything at all, so that refusals are exercised too.
        sensible = data.draw(st.integers(0, 3), label="sensible") > 0
        steps = (self.possible_now() if sensible else []) or [*self.machine.names(), "no_such"]
        name = data.draw(st.sampled_from(steps), label="step")
        actor = data.draw(st.sampled_from(ACTORS), label="actor")
        body: dict[str, Any] = {"on": data.draw(SENSIBLE_DATES if sensible else DATES, label="on")}
        step = self.machine.any_transition(name)
        for param, form_field in step_of(step).params.items() if step else ():
            if sensible:
                body[param] = data.draw(sensible_value(form_field), label=param)
            elif data.draw(st.booleans(), label=f"send {param}"):
                body[param] = data.draw(VALUES, label=param)
        if data.draw(st.booleans(), label="note"):
            body["note"] = data.draw(TEXT if sensible else VALUES, label="note value")
        if not sensible and data.draw(st.booleans(), label="stray field"):
            body["stray"] = "x"

        before = self.snapshot()
        response = self.clients[actor].post(
            f"/api/v1/{self.collection}/{self.record.pk}/transitions/{name}/", body, format="json"
        )
        REQUESTS[self.machine_key] += 1

        assert response.status_code in {200, 400, 403, 404, 409}, response.content
        if response.status_code != 200:
            assert set(response.json()) >= {"detail", "code", "fields"}
            assert self.snapshot() == before, "a refused step changed something"
            return
        source, target = before[0], self.state()
        edge = self.machine.transition_from(source, name)
        assert edge is not None, f"{name} accepted from {source}, which has no such edge"
        if isinstance(edge.target, str):
            assert target == edge.target
        assert response.json()["status"] == target
        logs = TransitionLog.objects.filter(**self.subject).order_by("pk")
        assert logs.count() == before[1] + 1, "every change is audited, once"
        last = logs.last()
        assert (last.transition, last.source, last.target) == (name, source, target)
        assert last.actor == self.world.people[actor]
        self.audited += 1
        STATES_SEEN[self.machine_key][target] += 1

    @invariant()
    def the_state_is_one_of_the_machine(self) -> None:
        assert self.state() in dict(self.machine.field.flatchoices)
        assert TransitionLog.objects.filter(**self.subject).count() == self.audited

    @invariant()
    def deadlines_are_consistent(self) -> None:
        running: Counter[str] = Counter()
        for deadline in Deadline.objects.filter(**self.subject):
            assert deadline.due_on >= deadline.opened_on
            if deadline.status == DeadlineStatus.MET:
                assert deadline.closed_on is not None
                assert deadline.closed_on <= deadline.due_on
            if deadline.status == DeadlineStatus.OPEN:
                assert deadline.closed_on is None
            if deadline.status == DeadlineStatus.MISSED and deadline.closed_on is not None:
                assert deadline.closed_on > deadline.due_on
            if deadline.closed_on is None and deadline.status != DeadlineStatus.WAIVED:
                running[deadline.kind] += 1
        assert all(count == 1 for count in running.values()), running

    @invariant()
    def money_is_never_overdrawn(self) -> None:
        budget = self.world.records["budget"]
        balances = balances_of(budget)
        assert balances.available >= 0
        assert balances.committed >= 0


@pytest.fixture
def world(db):
    with time_machine.travel(TODAY, tick=False):
        yield build()


@pytest.mark.parametrize("machine", MACHINES)
def test_random_use_through_the_api_never_breaks_a_machine(world, machine):
    with time_machine.travel(TODAY, tick=False):
        run_state_machine_as_test(
            lambda: RandomUse(world, machine),
            settings=settings(
                max_examples=EXAMPLES,
                stateful_step_count=STEPS,
                deadline=None,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
            ),
        )

    print(
        f"\n{machine}: {REQUESTS[machine]} requests; states reached {dict(STATES_SEEN[machine])}"
    )
    assert STATES_SEEN[machine], f"no step of the {machine} machine was ever accepted"
