"""The data migration of the statutory clock (casework 0012), through its logic with the live
models: what it changes on stored deadlines, and that a miss stays a miss."""

from __future__ import annotations

import datetime as dt

import pytest
from django.apps import apps
from django.contrib.contenttypes.models import ContentType

from casework.clock_migration import Models, statutory_clock_recompute
from casework.models import PlanStatus
from tests.factories import (
    CaseFactory,
    ChildFactory,
    DeadlineFactory,
    PlanFactory,
    ReviewFactory,
    TransitionLogFactory,
)
from workflows.models import Deadline, DeadlineStatus

D = dt.date
TODAY = D(2027, 1, 15)


def recompute():
    return statutory_clock_recompute(Models.from_apps(apps), today=TODAY)


def reloaded(deadline):
    return Deadline.objects.get(pk=deadline.pk)


@pytest.fixture
def plan(team):
    return PlanFactory(
        child=ChildFactory(team=team, date_of_birth=D(2015, 5, 1)),
        status=PlanStatus.FINAL,
        requested_on=D(2025, 4, 1),
        first_final_issued_on=D(2025, 9, 1),
        last_final_issued_on=D(2025, 9, 1),
    )


def test_a_final_plan_met_on_a_refusal_becomes_not_required(team):
    refused = PlanFactory(child=ChildFactory(team=team), status=PlanStatus.REFUSED)
    final = DeadlineFactory(
        subject=refused,
        kind="final_plan",
        status=DeadlineStatus.MET,
        due_on=D(2026, 9, 1),
        closed_on=D(2026, 6, 1),
        closed_by="refuse_to_assess",
    )

    lines = recompute()

    assert reloaded(final).status == DeadlineStatus.NOT_REQUIRED
    assert lines == [
        f"deadline {final.pk} final_plan: met due 2026-09-01, closed 2026-06-01 → "
        "not_required due 2026-09-01, closed 2026-06-01"
    ]


def test_a_decision_not_to_issue_met_by_the_draft_is_not_required_unless_it_was_swept_missed(
    plan,
):
    on_time, late = (
        DeadlineFactory(
            subject=PlanFactory(child=plan.child),
            kind="decision_not_to_issue",
            status=DeadlineStatus.MET,
            due_on=D(2026, 5, 1),
            closed_on=closed_on,
            closed_by="issue_draft",
        )
        for closed_on in (D(2026, 4, 20), D(2026, 5, 20))
    )
    TransitionLogFactory(
        subject=late, case_id=None, transition="mark_missed", source="open", target="missed"
    )

    recompute()

    assert reloaded(on_time).status == DeadlineStatus.NOT_REQUIRED
    assert reloaded(late).status == DeadlineStatus.MISSED


def test_an_assessment_met_by_signposting_is_not_required(team):
    case = CaseFactory(child=ChildFactory(team=team))
    assessment = DeadlineFactory(
        subject=case,
        kind="assessment_complete",
        status=DeadlineStatus.MET,
        closed_by="signpost",
        closed_on=D(2026, 5, 2),
    )

    recompute()

    assert reloaded(assessment).status == DeadlineStatus.NOT_REQUIRED


def test_a_phase_transfer_set_aside_by_maintain_after_its_day_is_missed_again_and_the_copy_goes(
    plan,
):
    plan.phase_transfer, plan.phase_transfer_on = "school", D(2027, 9, 1)
    plan.save()
    old = DeadlineFactory(
        subject=plan,
        kind="phase_transfer",
        status=DeadlineStatus.SUPERSEDED,
        opened_on=D(2026, 9, 1),
        due_on=D(2027, 2, 15),
        closed_on=D(2027, 3, 1),
        closed_by="maintain",
    )
    copy = DeadlineFactory(
        subject=plan,
        kind="phase_transfer",
        status=DeadlineStatus.MISSED,
        opened_on=D(2027, 3, 1),
        due_on=D(2027, 2, 15),
    )

    recompute()

    assert reloaded(old).status == DeadlineStatus.MISSED
    assert (reloaded(copy).status, reloaded(copy).closed_on) == (
        DeadlineStatus.NOT_REQUIRED,
        TODAY,
    )


def test_an_open_phase_transfer_is_due_the_day_before_15_february(plan):
    plan.phase_transfer, plan.phase_transfer_on = "school", D(2027, 9, 1)
    plan.save()
    open_one = DeadlineFactory(
        subject=plan, kind="phase_transfer", opened_on=D(2026, 9, 1), due_on=D(2027, 2, 15)
    )

    recompute()

    assert reloaded(open_one).due_on == D(2027, 2, 14)


def test_an_annual_review_counted_from_the_decision_counts_from_the_meeting(plan):
    ReviewFactory(plan=plan, meeting_on=D(2026, 7, 10), decision_on=D(2026, 8, 7))
    review = DeadlineFactory(
        subject=plan, kind="annual_review", opened_on=D(2026, 8, 7), due_on=D(2027, 8, 7)
    )

    recompute()

    assert reloaded(review).due_on == D(2027, 7, 9)


def test_a_missed_annual_review_keeps_its_date_and_stays_missed(plan):
    missed = DeadlineFactory(
        subject=plan,
        kind="annual_review",
        status=DeadlineStatus.MISSED,
        opened_on=D(2025, 9, 1),
        due_on=D(2026, 9, 1),
    )

    assert recompute() == []
    assert (reloaded(missed).status, reloaded(missed).due_on) == (
        DeadlineStatus.MISSED,
        D(2026, 9, 1),
    )


def test_an_under_five_review_becomes_its_own_kind_beside_the_statutory_12_months(team):
    young = PlanFactory(
        child=ChildFactory(team=team, date_of_birth=D(2023, 1, 10)),
        status=PlanStatus.FINAL,
        first_final_issued_on=D(2026, 8, 31),
    )
    old = DeadlineFactory(
        subject=young, kind="annual_review", opened_on=D(2026, 8, 31), due_on=D(2027, 2, 28)
    )

    recompute()

    assert (reloaded(old).kind, reloaded(old).due_on) == ("under_five_review", D(2027, 2, 27))
    statutory = Deadline.objects.get(kind="annual_review", subject_id=young.pk)
    assert (statutory.status, statutory.due_on) == (DeadlineStatus.OPEN, D(2027, 8, 30))


def test_a_plan_under_review_gets_its_next_annual_review_from_the_meeting(plan):
    type(plan).objects.filter(pk=plan.pk).update(status=PlanStatus.UNDER_REVIEW)
    ReviewFactory(plan=plan, meeting_on=D(2026, 12, 1))
    DeadlineFactory(
        subject=plan,
        kind="annual_review",
        status=DeadlineStatus.MET,
        due_on=D(2026, 9, 1),
        closed_on=D(2026, 12, 1),
    )

    recompute()

    opened = Deadline.objects.running().get(kind="annual_review")
    assert (opened.opened_on, opened.due_on) == (D(2026, 12, 1), D(2027, 11, 30))


def test_an_amended_final_is_capped_at_12_weeks_after_the_meeting(plan):
    type(plan).objects.filter(pk=plan.pk).update(status=PlanStatus.DRAFT)
    ReviewFactory(plan=plan, meeting_on=D(2026, 10, 1), decision_on=D(2026, 11, 5))
    amended = DeadlineFactory(
        subject=plan, kind="amended_final", opened_on=D(2026, 11, 5), due_on=D(2026, 12, 31)
    )

    recompute()

    assert reloaded(amended).due_on == D(2026, 12, 24)


def test_nothing_to_do_on_a_new_database(monkeypatch):
    monkeypatch.setattr(ContentType.objects, "filter", lambda **kw: ContentType.objects.none())

    assert recompute() == []
