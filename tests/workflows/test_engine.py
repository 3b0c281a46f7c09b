"""The engine on the machine of tests/engine: state, permission, audit, deadlines, atomicity."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
import time_machine
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.test.utils import CaptureQueriesContext

import workflows
from accounts.roles import Role
from tests.engine.models import Errand, State
from tests.factories import UserFactory
from workflows import services
from workflows.errors import InvalidParams, NotPermitted, TransitionNotAllowed, UnknownTransition
from workflows.exceptions import Facts
from workflows.models import Deadline, DeadlineStatus, TransitionLog

TODAY = dt.datetime(2026, 12, 18, 10, 0, tzinfo=dt.UTC)
ALL_STATES = list(State.values)
SOURCES = {
    "submit": {State.DRAFT},
    "approve": {State.SUBMITTED},
    "refuse": {State.SUBMITTED},
    "withdraw": {State.DRAFT, State.SUBMITTED},
}
TARGETS = {
    "submit": State.SUBMITTED,
    "approve": State.APPROVED,
    "refuse": State.REFUSED,
    "withdraw": State.WITHDRAWN,
}


@pytest.fixture(autouse=True)
def frozen_today():
    with time_machine.travel(TODAY, tick=False):
        yield


def errand_in(state: str, team, *, submitted_by=None) -> Errand:
    errand = Errand.objects.create(
        title="Sitting service", amount=Decimal("120.00"), team=team, case_number=7
    )
    # The state is protected: tests put a record in a state the way a migration would.
    Errand.objects.filter(pk=errand.pk).update(status=state, submitted_by=submitted_by)
    return Errand.objects.get(pk=errand.pk)


def actor_for(name: str, practitioner, manager, second_manager):
    return {"submit": practitioner, "withdraw": practitioner, "refuse": manager}.get(
        name, second_manager
    )


def params_for(name: str) -> dict[str, str]:
    return {"reason": "No eligible need"} if name == "refuse" else {}


@pytest.mark.parametrize(
    ("name", "source"),
    [(name, source) for name, sources in SOURCES.items() for source in sorted(sources)],
)
def test_transition_is_allowed_from_each_source_state(
    name, source, team, practitioner, manager, second_manager
):
    errand = errand_in(source, team, submitted_by=manager)
    actor = actor_for(name, practitioner, manager, second_manager)

    updated = workflows.transition(errand, name, by=actor, **params_for(name))

    assert updated.status == TARGETS[name]
    assert Errand.objects.get(pk=errand.pk).status == TARGETS[name]


@pytest.mark.parametrize(
    ("name", "source"),
    [
        (name, state)
        for name, sources in SOURCES.items()
        for state in ALL_STATES
        if state not in sources
    ],
)
def test_transition_is_refused_from_every_other_state(
    name, source, team, practitioner, manager, second_manager
):
    errand = errand_in(source, team, submitted_by=manager)
    actor = actor_for(name, practitioner, manager, second_manager)

    with pytest.raises(TransitionNotAllowed) as refused:
        workflows.transition(errand, name, by=actor, **params_for(name))

    assert "not possible while the errand is" in refused.value.detail
    assert Errand.objects.get(pk=errand.pk).status == source
    assert not TransitionLog.objects.exists()


def test_pressing_the_same_button_twice_is_refused_the_second_time(team, practitioner):
    errand = errand_in(State.DRAFT, team)
    workflows.transition(errand, "submit", by=practitioner)

    with pytest.raises(TransitionNotAllowed):
        workflows.transition(errand, "submit", by=practitioner)

    assert TransitionLog.objects.filter(transition="submit").count() == 1


def test_wrong_role_is_not_permitted_and_nothing_changes(team, practitioner):
    errand = errand_in(State.SUBMITTED, team)

    with pytest.raises(NotPermitted) as refused:
        workflows.transition(errand, "approve", by=practitioner)

    assert refused.value.detail == "Only a team manager can do this."
    assert Errand.objects.get(pk=errand.pk).status == State.SUBMITTED
    assert not TransitionLog.objects.exists()


def test_family_login_cannot_take_a_practitioner_step(team):
    parent = UserFactory(role=Role.FAMILY)
    errand = errand_in(State.DRAFT, team)

    with pytest.raises(NotPermitted):
        workflows.transition(errand, "submit", by=parent)


def test_four_eyes_the_submitter_cannot_approve(team, manager):
    errand = errand_in(State.DRAFT, team)
    workflows.transition(errand, "submit", by=manager)  # a manager is also a practitioner

    with pytest.raises(NotPermitted) as refused:
        workflows.transition(errand, "approve", by=manager)

    assert "you submitted it" in refused.value.detail


def test_unmet_condition_is_refused_with_its_reason(team, practitioner):
    errand = errand_in(State.DRAFT, team)
    Errand.objects.filter(pk=errand.pk).update(amount=None)

    with pytest.raises(TransitionNotAllowed) as refused:
        workflows.transition(errand, "submit", by=practitioner)

    assert refused.value.reasons == ["Enter the amount before submitting."]


def test_unknown_transition_name(team, practitioner):
    with pytest.raises(UnknownTransition):
        workflows.transition(errand_in(State.DRAFT, team), "teleport", by=practitioner)


def test_missing_and_unexpected_params_are_field_errors(team, manager):
    errand = errand_in(State.SUBMITTED, team)

    with pytest.raises(InvalidParams) as missing:
        workflows.transition(errand, "refuse", by=manager)
    with pytest.raises(InvalidParams) as unexpected:
        workflows.transition(errand, "refuse", by=manager, reason="x", colour="blue")

    assert missing.value.fields == {"reason": ["Enter the reason."]}
    assert unexpected.value.fields == {"colour": ["This step does not take this field."]}
    assert Errand.objects.get(pk=errand.pk).status == State.SUBMITTED


def test_audit_row_records_who_what_when_and_why(team, manager):
    errand = errand_in(State.SUBMITTED, team)

    workflows.transition(
        errand,
        "refuse",
        by=manager,
        note="Panel of 15 Dec",
        on=dt.date(2026, 12, 15),
        reason="Needs met by universal services",
    )

    log = TransitionLog.objects.get()
    assert log.subject_type == ContentType.objects.get_for_model(Errand)
    assert log.subject_id == errand.pk
    assert log.case_id == 7
    assert (log.transition, log.source, log.target) == ("refuse", "submitted", "refused")
    assert log.actor == manager
    assert log.effective_on == dt.date(2026, 12, 15)
    assert log.at == TODAY
    assert log.note == "Panel of 15 Dec"
    assert log.params == {"reason": "Needs met by universal services"}


def test_effective_date_defaults_to_today_in_london(team, practitioner):
    workflows.transition(errand_in(State.DRAFT, team), "submit", by=practitioner)

    assert TransitionLog.objects.get().effective_on == dt.date(2026, 12, 18)


def test_effective_date_cannot_be_in_the_future(team, practitioner):
    errand = errand_in(State.DRAFT, team)

    with pytest.raises(InvalidParams) as refused:
        workflows.transition(errand, "submit", by=practitioner, on=dt.date(2026, 12, 19))

    assert refused.value.fields == {"on": ["The date cannot be in the future."]}
    assert not TransitionLog.objects.exists()


def test_effective_date_cannot_be_before_the_previous_transition(
    team, practitioner, second_manager
):
    errand = errand_in(State.DRAFT, team)
    workflows.transition(errand, "submit", by=practitioner, on=dt.date(2026, 12, 10))

    with pytest.raises(InvalidParams) as refused:
        workflows.transition(errand, "approve", by=second_manager, on=dt.date(2026, 12, 9))

    assert "before the last change, on 10 December 2026" in refused.value.fields["on"][0]


def test_effective_date_accepts_iso_text_and_refuses_nonsense(team, practitioner):
    errand = errand_in(State.DRAFT, team)
    with pytest.raises(InvalidParams):
        workflows.transition(errand, "submit", by=practitioner, on="2026-13-45")

    workflows.transition(errand, "submit", by=practitioner, on="2026-12-01")

    assert TransitionLog.objects.get().effective_on == dt.date(2026, 12, 1)


def test_deadline_opened_with_due_date_from_the_effective_date(team, practitioner):
    errand = errand_in(State.DRAFT, team)

    workflows.transition(errand, "submit", by=practitioner, on=dt.date(2026, 12, 14))

    deadline = Deadline.objects.get(kind="errand_decision")
    # 5 working days after Monday 14 December, not after "today".
    assert deadline.due_on == dt.date(2026, 12, 21)
    assert deadline.opened_on == dt.date(2026, 12, 14)
    assert (deadline.status, deadline.case_id, deadline.team) == (DeadlineStatus.OPEN, 7, team)


def test_deadline_met_when_closed_on_its_due_date(team, practitioner, second_manager):
    errand = errand_in(State.DRAFT, team)
    workflows.transition(errand, "submit", by=practitioner, on=dt.date(2026, 12, 4))

    workflows.transition(errand, "approve", by=second_manager, on=dt.date(2026, 12, 11))

    deadline = Deadline.objects.get(kind="errand_decision")
    assert deadline.due_on == dt.date(2026, 12, 11)
    assert (deadline.status, deadline.closed_on, deadline.closed_by) == (
        DeadlineStatus.MET,
        dt.date(2026, 12, 11),
        "approve",
    )
    assert Deadline.objects.get(kind="errand_review").due_on == dt.date(2027, 12, 11)


def test_deadline_missed_when_closed_after_its_due_date_even_if_entered_late(
    team, practitioner, second_manager
):
    errand = errand_in(State.DRAFT, team)
    workflows.transition(errand, "submit", by=practitioner, on=dt.date(2026, 12, 4))

    workflows.transition(errand, "approve", by=second_manager, on=dt.date(2026, 12, 14))

    deadline = Deadline.objects.get(kind="errand_decision")
    assert (deadline.status, deadline.closed_on) == (DeadlineStatus.MISSED, dt.date(2026, 12, 14))


def test_mark_missed_sweep_marks_only_overdue_open_deadlines_and_is_idempotent(team, practitioner):
    early = errand_in(State.DRAFT, team)
    late = errand_in(State.DRAFT, team)
    workflows.transition(early, "submit", by=practitioner, on=dt.date(2026, 12, 1))  # due 8 Dec
    workflows.transition(late, "submit", by=practitioner, on=dt.date(2026, 12, 18))  # due 28 Dec

    assert services.deadlines_mark_missed() == 1
    assert services.deadlines_mark_missed() == 0

    assert Deadline.objects.get(subject_id=early.pk, kind="errand_decision").status == "missed"
    assert Deadline.objects.get(subject_id=late.pk, kind="errand_decision").status == "open"


def test_a_deadline_marked_missed_is_still_closed_by_its_step(team, practitioner):
    errand = errand_in(State.DRAFT, team)
    workflows.transition(errand, "submit", by=practitioner, on=dt.date(2026, 12, 1))
    services.deadlines_mark_missed()

    workflows.transition(errand, "withdraw", by=practitioner)

    deadline = Deadline.objects.get(kind="errand_decision")
    assert (deadline.status, deadline.closed_on) == (DeadlineStatus.MISSED, dt.date(2026, 12, 18))


def test_record_created_audits_and_opens_creation_deadlines(team, practitioner):
    errand = Errand.objects.create(title="New", team=team, case_number=3)

    services.record_created(errand, by=practitioner, on=dt.date(2026, 12, 18))

    log = TransitionLog.objects.get()
    assert (log.transition, log.source, log.target) == ("create", "", "draft")
    assert Deadline.objects.get(kind="errand_first_look").due_on == dt.date(2026, 12, 21)


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("failing_step", ["save", "audit", "deadline"])
def test_a_failure_at_any_step_leaves_no_trace(failing_step, team, practitioner, monkeypatch):
    errand = errand_in(State.DRAFT, team)

    def explode(*args, **kwargs):
        raise RuntimeError(f"{failing_step} failed")

    if failing_step == "save":
        monkeypatch.setattr(Errand, "save", explode)
    elif failing_step == "audit":
        monkeypatch.setattr(TransitionLog.objects, "create", explode)
    else:
        monkeypatch.setattr(Deadline.objects, "bulk_create", explode)
    with pytest.raises(RuntimeError):
        workflows.transition(errand, "submit", by=practitioner)

    assert Errand.objects.get(pk=errand.pk).status == State.DRAFT
    assert Errand.objects.get(pk=errand.pk).submitted_by is None
    assert not TransitionLog.objects.exists()
    assert not Deadline.objects.exists()


def test_waiving_a_council_policy_deadline_needs_a_manager_and_a_reason(
    team, practitioner, manager, second_manager
):
    errand = errand_in(State.DRAFT, team)
    workflows.transition(errand, "submit", by=practitioner)
    workflows.transition(errand, "approve", by=second_manager)
    review = Deadline.objects.get(kind="errand_review")

    with pytest.raises(NotPermitted):
        services.deadline_waive(review, by=practitioner, reason="Moved out of area")
    with pytest.raises(InvalidParams):
        services.deadline_waive(review, by=manager, reason="  ")
    waived = services.deadline_waive(review, by=manager, reason="Family moved out of area")

    assert (waived.status, waived.waiver_reason) == (
        DeadlineStatus.WAIVED,
        "Family moved out of area",
    )
    assert TransitionLog.objects.filter(transition="waive", actor=manager).count() == 1


def test_a_statutory_deadline_takes_an_exception_not_a_waiver(team, practitioner, manager):
    errand = errand_in(State.DRAFT, team)
    workflows.transition(errand, "submit", by=practitioner)
    decision = Deadline.objects.get(kind="errand_decision")

    with pytest.raises(TransitionNotAllowed):
        services.deadline_waive(decision, by=manager, reason="Busy")
    with pytest.raises(InvalidParams):
        services.deadline_exception_add(
            decision, by=manager, ground="holiday", reason="x", facts=Facts()
        )
    away = Facts(away_from=decision.opened_on, away_to=decision.opened_on + dt.timedelta(weeks=6))
    services.deadline_exception_add(
        decision, by=manager, ground="away_from_area", reason="Family abroad", facts=away
    )
    excepted = Deadline.objects.get(pk=decision.pk)

    assert (excepted.status, excepted.exception) == (DeadlineStatus.OPEN, "away_from_area")


def test_a_transition_saves_what_its_step_changed(team, practitioner):
    errand = errand_in(State.DRAFT, team)

    workflows.transition(errand, "submit", by=practitioner)

    saved = Errand.objects.get(pk=errand.pk)
    assert (saved.status, saved.submitted_by) == (State.SUBMITTED, practitioner)
    assert (saved.title, saved.amount) == ("Sitting service", Decimal("120.00"))


def test_a_transition_costs_the_same_few_queries_for_each_record_of_a_kind(team, practitioner):
    first, second, third = (errand_in(State.DRAFT, team) for _ in range(3))
    workflows.transition(first, "submit", by=practitioner)

    with CaptureQueriesContext(connection) as once:
        workflows.transition(second, "submit", by=practitioner)
    with CaptureQueriesContext(connection) as again:
        workflows.transition(third, "submit", by=practitioner)

    # The lock (with the latest effective date), the update, the audit row, the deadlines' update
    # and insert, and the savepoint around them: one statement each, whichever record.
    assert len(once) == len(again) <= 8
