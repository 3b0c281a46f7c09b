"""Deadlines as a machine of their own (issue #16): the sweep's audit row, superseding apart from
waiving, `not_required`, and the queryset that says what a running deadline is."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.contrib.contenttypes.models import ContentType

import workflows
from tests.engine import models as engine
from tests.engine.models import State
from tests.workflows.test_engine import errand_in
from workflows import deadlines
from workflows.models import Deadline, DeadlineStatus, TransitionLog
from workflows.registry import registry

TODAY = dt.datetime(2026, 12, 18, 10, 0, tzinfo=dt.UTC)


@pytest.fixture(autouse=True)
def frozen_today():
    with time_machine.travel(TODAY, tick=False):
        yield


def test_marking_deadlines_missed_writes_one_audit_row_each_by_no_person(team, practitioner):
    early = errand_in(State.DRAFT, team)
    workflows.transition(early, "submit", by=practitioner, on=dt.date(2026, 12, 1))  # due 8 Dec
    decision = Deadline.objects.get(kind=engine.ERRAND_DECISION.value)

    assert deadlines.deadlines_mark_missed() == 1
    assert deadlines.deadlines_mark_missed() == 0

    log = TransitionLog.objects.get(transition=deadlines.MARK_MISSED)
    assert (log.subject_type, log.subject_id, log.case_id) == (
        ContentType.objects.get_for_model(Deadline),
        decision.pk,
        None,
    )
    assert (log.source, log.target, log.actor, log.effective_on) == (
        "open",
        "missed",
        None,
        dt.date(2026, 12, 18),
    )
    assert log.params == {"kind": "errand_decision", "due_on": "2026-12-08"}


def test_a_deadline_replaced_by_a_newer_one_is_superseded_not_waived(team, practitioner):
    errand = errand_in(State.APPROVED, team)
    deadlines.deadlines_open(errand, (engine.ERRAND_REVIEW,), on=dt.date(2026, 12, 1))

    deadlines.deadlines_open(errand, (engine.ERRAND_REVIEW,), on=dt.date(2026, 12, 18), by="renew")

    old, new = Deadline.objects.filter(kind=engine.ERRAND_REVIEW.value).order_by("pk")
    assert (old.status, old.closed_on, old.closed_by, old.waiver_reason) == (
        DeadlineStatus.SUPERSEDED,
        dt.date(2026, 12, 18),
        "renew",
        "",
    )
    assert (new.status, new.closed_on) == (DeadlineStatus.OPEN, None)
    assert list(Deadline.objects.running()) == [new]


def test_a_superseded_deadline_cannot_be_waived(team, practitioner, manager):
    errand = errand_in(State.APPROVED, team)
    deadlines.deadlines_open(errand, (engine.ERRAND_REVIEW,), on=dt.date(2026, 12, 1))
    deadlines.deadlines_open(errand, (engine.ERRAND_REVIEW,), on=dt.date(2026, 12, 18))
    old = Deadline.objects.filter(kind=engine.ERRAND_REVIEW.value).order_by("pk").first()

    with pytest.raises(workflows.errors.TransitionNotAllowed):
        deadlines.deadline_waive(old, by=manager, reason="Moved away")


def test_a_deadline_no_longer_required_is_neither_met_nor_missed(team, practitioner):
    errand = errand_in(State.DRAFT, team)
    workflows.transition(errand, "submit", by=practitioner, on=dt.date(2026, 12, 1))

    closed = deadlines.deadlines_not_required(
        errand, (engine.ERRAND_DECISION,), on=dt.date(2026, 12, 18), by="withdraw"
    )

    decision = Deadline.objects.get(kind=engine.ERRAND_DECISION.value)
    assert closed == 1
    assert (decision.status, decision.closed_on) == (
        DeadlineStatus.NOT_REQUIRED,
        dt.date(2026, 12, 18),
    )
    assert not Deadline.objects.running().exists()
    assert deadlines.deadlines_mark_missed() == 0


def test_running_means_open_or_missed_and_not_yet_closed(team, practitioner, second_manager):
    submitted = errand_in(State.DRAFT, team)
    workflows.transition(submitted, "submit", by=practitioner, on=dt.date(2026, 12, 1))
    deadlines.deadlines_mark_missed()  # missed, still running until a step closes it
    approved = errand_in(State.DRAFT, team)
    workflows.transition(approved, "submit", by=practitioner, on=dt.date(2026, 12, 14))
    workflows.transition(approved, "approve", by=second_manager, on=dt.date(2026, 12, 15))

    running = Deadline.objects.running()

    assert sorted(running.values_list("subject_id", "kind", "status")) == [
        (submitted.pk, "errand_decision", "missed"),
        (approved.pk, "errand_review", "open"),
    ]
    assert list(
        Deadline.objects.for_subject(approved).running().values_list("kind", flat=True)
    ) == ["errand_review"]


def test_statutory_selects_the_kinds_declared_statutory(team, practitioner, second_manager):
    errand = errand_in(State.DRAFT, team)
    workflows.transition(errand, "submit", by=practitioner, on=dt.date(2026, 12, 14))
    workflows.transition(errand, "approve", by=second_manager, on=dt.date(2026, 12, 15))

    assert list(Deadline.objects.statutory().values_list("kind", flat=True)) == ["errand_decision"]
    assert list(Deadline.objects.of_kind(engine.ERRAND_REVIEW).values_list("kind", flat=True)) == [
        "errand_review"
    ]


def test_opening_a_kind_that_is_not_declared_is_refused(team, monkeypatch):
    errand = errand_in(State.APPROVED, team)
    monkeypatch.delitem(registry.deadline_kinds, engine.ERRAND_REVIEW.value)

    with pytest.raises(LookupError, match="errand_review"):
        deadlines.deadlines_open(errand, (engine.ERRAND_REVIEW,), on=dt.date(2026, 12, 18))

    assert not Deadline.objects.exists()
