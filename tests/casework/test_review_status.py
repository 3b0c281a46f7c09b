"""A review's status: moved only through the engine, decided by one service, which the plan's and
the case's decision steps reach instead of writing the review themselves."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.urls import reverse

import workflows
from accounts.roles import Role
from casework import selectors, services
from casework.models import (
    CaseStatus,
    PlanStatus,
    Review,
    ReviewOutcome,
    ReviewStatus,
)
from tests.factories import CaseFactory, ChildFactory, PlanFactory, UserFactory
from workflows.errors import InvalidParams, NotPermitted, TransitionNotAllowed
from workflows.models import Deadline, DeadlineStatus, TransitionLog

D = dt.date
TODAY = D(2027, 9, 1)


@pytest.fixture(autouse=True)
def today():
    with time_machine.travel(dt.datetime(2027, 9, 1, 12, tzinfo=dt.UTC), tick=False):
        yield


@pytest.fixture
def final_plan(team):
    return PlanFactory(
        child=ChildFactory(team=team, date_of_birth=D(2015, 5, 1)), status=PlanStatus.FINAL
    )


@pytest.fixture
def active_case(team):
    return CaseFactory(
        child=ChildFactory(team=team, date_of_birth=D(2015, 5, 1)), status=CaseStatus.ACTIVE
    )


def steps_of(review: Review) -> list[tuple[str, str, str]]:
    return list(
        TransitionLog.objects.filter(
            subject_type=ContentType.objects.get_for_model(Review), subject_id=review.pk
        )
        .order_by("id")
        .values_list("transition", "source", "target")
    )


class Spy:
    """Stands in for `services.review_decide`, recording each call and passing it on."""

    def __init__(self, real):
        self.real = real
        self.calls: list[dict] = []

    def __call__(self, **arguments):
        self.calls.append(arguments)
        return self.real(**arguments)


@pytest.fixture
def decide_spy(monkeypatch):
    spy = Spy(services.review_decide)
    monkeypatch.setattr(services, "review_decide", spy)
    return spy


# The status moves only through the engine -------------------------------------------------


def test_a_new_review_is_scheduled_and_its_creation_is_audited(final_plan, practitioner):
    review = services.review_create(by=practitioner, plan=final_plan, due_on=D(2027, 12, 1))

    assert review.status == ReviewStatus.SCHEDULED
    assert steps_of(review) == [("create", "", ReviewStatus.SCHEDULED)]


def test_a_meeting_date_holds_the_review_through_the_engine_and_begins_the_plans_review(
    final_plan, practitioner
):
    review = services.review_create(by=practitioner, plan=final_plan, meeting_on=D(2027, 8, 20))

    assert (review.status, review.meeting_on) == (ReviewStatus.HELD, D(2027, 8, 20))
    assert steps_of(review)[-1] == ("hold_meeting", ReviewStatus.SCHEDULED, ReviewStatus.HELD)
    held = TransitionLog.objects.get(transition="hold_meeting")
    assert (held.actor, held.params) == (practitioner, {"meeting_on": "2027-08-20"})
    final_plan.refresh_from_db()
    assert final_plan.status == PlanStatus.UNDER_REVIEW


def test_recording_the_meeting_later_holds_the_review_and_begins_the_cases_review(
    active_case, practitioner
):
    review = services.review_create(by=practitioner, case=active_case)

    held = services.review_update(by=practitioner, review=review, meeting_on=D(2027, 8, 2))

    assert held.status == ReviewStatus.HELD
    assert Review.objects.get(pk=review.pk).meeting_on == D(2027, 8, 2)
    active_case.refresh_from_db()
    assert active_case.status == CaseStatus.REVIEWING


def test_correcting_the_meeting_date_keeps_the_review_held_without_a_step(
    final_plan, practitioner
):
    review = services.review_create(by=practitioner, plan=final_plan, meeting_on=D(2027, 8, 20))

    corrected = services.review_update(by=practitioner, review=review, meeting_on=D(2027, 8, 19))

    assert (corrected.status, corrected.meeting_on) == (ReviewStatus.HELD, D(2027, 8, 19))
    assert [step for step, _, _ in steps_of(review)] == ["create", "hold_meeting"]


def test_removing_the_meeting_date_returns_the_review_to_scheduled(active_case, practitioner):
    review = services.review_create(by=practitioner, case=active_case, meeting_on=D(2027, 8, 2))

    cleared = services.review_update(by=practitioner, review=review, meeting_on=None)

    assert (cleared.status, cleared.meeting_on) == (ReviewStatus.SCHEDULED, None)
    assert steps_of(review)[-1] == ("clear_meeting", ReviewStatus.HELD, ReviewStatus.SCHEDULED)


def test_the_status_cannot_be_set_on_the_record(final_plan, practitioner):
    review = services.review_create(by=practitioner, plan=final_plan)

    with pytest.raises(AttributeError):
        review.status = ReviewStatus.DECIDED


@pytest.mark.parametrize("field", ["status", "decision_on"])
def test_a_review_update_cannot_set_what_the_machine_sets(final_plan, practitioner, field):
    review = services.review_create(by=practitioner, plan=final_plan, meeting_on=D(2027, 8, 20))
    value = ReviewStatus.DECIDED if field == "status" else D(2027, 8, 25)

    with pytest.raises(InvalidParams) as refused:
        services.review_update(by=practitioner, review=review, **{field: value})

    assert field in refused.value.fields
    assert Review.objects.get(pk=review.pk).status == ReviewStatus.HELD


def test_a_family_member_cannot_decide_a_review(final_plan, practitioner):
    review = services.review_create(by=practitioner, plan=final_plan, meeting_on=D(2027, 8, 20))

    with pytest.raises(NotPermitted):
        services.review_decide(
            by=UserFactory(role=Role.FAMILY),
            review=review,
            outcome=ReviewOutcome.MAINTAIN,
            decision_on=D(2027, 8, 25),
        )

    assert Review.objects.get(pk=review.pk).status == ReviewStatus.HELD


def test_a_review_cannot_be_decided_on_a_day_still_to_come(final_plan, practitioner, manager):
    review = services.review_create(by=practitioner, plan=final_plan, meeting_on=D(2027, 8, 20))

    with pytest.raises(InvalidParams) as refused:
        services.review_decide(
            by=manager, review=review, outcome=ReviewOutcome.MAINTAIN, decision_on=D(2027, 9, 2)
        )

    assert "decision_on" in refused.value.fields
    assert Review.objects.get(pk=review.pk).status == ReviewStatus.HELD


# One writer of the outcome; the plan's and the case's steps do not write the review ---------


@pytest.mark.parametrize(
    ("step", "params", "outcome"),
    [
        ("maintain", {}, ReviewOutcome.MAINTAIN),
        ("amend", {}, ReviewOutcome.AMEND),
        ("cease", {"reason": "Moving to adult social care."}, ReviewOutcome.CEASE),
    ],
)
def test_the_plans_decision_decides_its_review_through_review_decide(
    final_plan, practitioner, manager, decide_spy, step, params, outcome
):
    review = services.review_create(by=practitioner, plan=final_plan, meeting_on=D(2027, 8, 20))
    services.review_update(by=practitioner, review=review, outcome=ReviewOutcome.AMEND)

    workflows.transition(final_plan, step, by=manager, on=D(2027, 8, 27), **params)

    assert decide_spy.calls == [
        {"by": manager, "review": review, "outcome": outcome, "decision_on": D(2027, 8, 27)}
    ]
    review.refresh_from_db()
    assert (review.status, review.outcome, review.decision_on) == (
        ReviewStatus.DECIDED,
        outcome,
        D(2027, 8, 27),
    )
    decided = TransitionLog.objects.get(transition="decide")
    assert (decided.actor, decided.source, decided.target) == (
        manager,
        ReviewStatus.HELD,
        ReviewStatus.DECIDED,
    )
    assert decided.params == {"outcome": outcome, "decision_on": "2027-08-27"}


def test_completing_the_cases_review_decides_it_with_the_outcome_recorded_at_the_meeting(
    active_case, practitioner, decide_spy
):
    review = services.review_create(by=practitioner, case=active_case, meeting_on=D(2027, 7, 1))
    services.review_update(by=practitioner, review=review, outcome=ReviewOutcome.AMEND)

    workflows.transition(active_case, "complete_review", by=practitioner, on=D(2027, 7, 5))

    assert decide_spy.calls == [
        {
            "by": practitioner,
            "review": review,
            "outcome": ReviewOutcome.AMEND,
            "decision_on": D(2027, 7, 5),
        }
    ]
    review.refresh_from_db()
    assert (review.status, review.outcome) == (ReviewStatus.DECIDED, ReviewOutcome.AMEND)


@pytest.mark.parametrize(
    ("step", "params"), [("maintain", {}), ("amend", {}), ("cease", {"reason": "x"})]
)
def test_the_plans_own_steps_leave_the_review_as_it_was(
    final_plan, practitioner, manager, step, params
):
    review = services.review_create(by=practitioner, plan=final_plan, meeting_on=D(2027, 8, 20))
    before = Review.objects.filter(pk=review.pk).values().get()
    plan = type(final_plan).objects.get(pk=final_plan.pk)

    getattr(plan, step)(by=manager, on=D(2027, 8, 27), note="", **params)
    plan.save()

    assert Review.objects.filter(pk=review.pk).values().get() == before


def test_the_cases_own_step_leaves_the_review_as_it_was(active_case, practitioner):
    review = services.review_create(by=practitioner, case=active_case, meeting_on=D(2027, 7, 1))
    services.review_update(by=practitioner, review=review, outcome=ReviewOutcome.MAINTAIN)
    before = Review.objects.filter(pk=review.pk).values().get()
    case = type(active_case).objects.get(pk=active_case.pk)

    case.complete_review(by=practitioner, on=D(2027, 7, 5), note="")
    case.save()

    assert Review.objects.filter(pk=review.pk).values().get() == before


@pytest.mark.django_db(transaction=True)
def test_a_decision_that_fails_leaves_the_plan_and_its_review_as_they_were(
    final_plan, practitioner, manager, monkeypatch
):
    review = services.review_create(by=practitioner, plan=final_plan, meeting_on=D(2027, 8, 20))
    before = Review.objects.filter(pk=review.pk).values().get()
    deadlines_before = list(Deadline.objects.values())

    def fail(**arguments):
        raise RuntimeError("the review could not be saved")

    monkeypatch.setattr(services, "review_decide", fail)
    with pytest.raises(RuntimeError):
        workflows.transition(final_plan, "maintain", by=manager, on=D(2027, 8, 27))

    assert type(final_plan).objects.get(pk=final_plan.pk).status == PlanStatus.UNDER_REVIEW
    assert Review.objects.filter(pk=review.pk).values().get() == before
    assert list(Deadline.objects.values()) == deadlines_before


def test_a_decided_review_is_closed(final_plan, practitioner, manager):
    review = services.review_create(by=practitioner, plan=final_plan, meeting_on=D(2027, 8, 20))
    workflows.transition(final_plan, "maintain", by=manager, on=D(2027, 8, 27))

    with pytest.raises(TransitionNotAllowed):  # even given the copy read before the decision
        services.review_update(by=practitioner, review=review, notes="Another thought")
    with pytest.raises(TransitionNotAllowed):
        services.review_decide(
            by=manager,
            review=Review.objects.get(pk=review.pk),
            outcome=ReviewOutcome.CEASE,
            decision_on=D(2027, 8, 28),
        )

    assert Review.objects.get(pk=review.pk).outcome == ReviewOutcome.MAINTAIN


def test_a_case_review_may_be_decided_before_the_day_it_was_added(active_case, practitioner):
    # Added on 1 September without a meeting date; the review had begun on the case in August.
    review = services.review_create(by=practitioner, case=active_case)
    services.review_update(by=practitioner, review=review, outcome=ReviewOutcome.MAINTAIN)
    workflows.transition(active_case, "begin_review", by=practitioner, on=D(2027, 8, 2))

    workflows.transition(active_case, "complete_review", by=practitioner, on=D(2027, 8, 20))

    review.refresh_from_db()
    assert (review.status, review.decision_on) == (ReviewStatus.DECIDED, D(2027, 8, 20))


def test_the_reviews_steps_stay_out_of_the_case_history(active_case, practitioner):
    review = services.review_create(by=practitioner, case=active_case, meeting_on=D(2027, 7, 1))
    services.review_update(by=practitioner, review=review, outcome=ReviewOutcome.MAINTAIN)
    workflows.transition(active_case, "complete_review", by=practitioner, on=D(2027, 7, 5))

    history = selectors.case_history(active_case).values_list("transition", flat=True)

    assert list(history) == ["begin_review", "complete_review"]


def test_the_review_deadlines_open_and_close_as_before(final_plan, practitioner, manager):
    review = services.review_create(by=practitioner, plan=final_plan, meeting_on=D(2027, 8, 20))
    services.review_update(by=practitioner, review=review, report_sent_on=D(2027, 8, 30))
    workflows.transition(final_plan, "maintain", by=manager, on=D(2027, 9, 1))

    statuses = dict(Deadline.objects.values_list("kind", "status"))

    assert statuses == {
        "review_report": DeadlineStatus.MET,
        "review_decision": DeadlineStatus.MET,
        "annual_review": DeadlineStatus.OPEN,
    }


# The current-review queryset ---------------------------------------------------------------


def test_the_current_reviews_are_those_not_yet_decided(team, final_plan, practitioner, manager):
    decided = services.review_create(by=practitioner, plan=final_plan, meeting_on=D(2027, 8, 2))
    workflows.transition(final_plan, "maintain", by=manager, on=D(2027, 8, 20))
    held = services.review_create(by=practitioner, plan=final_plan, meeting_on=D(2027, 8, 30))
    other_case = CaseFactory(child=ChildFactory(team=team), status=CaseStatus.ACTIVE)
    scheduled = services.review_create(by=practitioner, case=other_case, due_on=D(2028, 1, 1))

    assert set(Review.objects.current()) == {held, scheduled}
    assert list(final_plan.reviews.current()) == [held]
    assert list(Review.objects.held()) == [held]
    assert list(Review.objects.decided()) == [decided]
    fresh = [Review.objects.get(pk=review.pk) for review in (decided, held, scheduled)]
    assert [review.is_current for review in fresh] == [False, True, True]


def test_a_second_review_waits_until_the_current_one_is_decided(final_plan, practitioner, manager):
    services.review_create(by=practitioner, plan=final_plan, meeting_on=D(2027, 8, 2))

    with pytest.raises(InvalidParams):
        services.review_create(by=practitioner, plan=final_plan, due_on=D(2028, 8, 1))
    workflows.transition(final_plan, "maintain", by=manager, on=D(2027, 8, 20))
    again = services.review_create(by=practitioner, plan=final_plan, due_on=D(2028, 8, 1))

    assert again.status == ReviewStatus.SCHEDULED


def test_the_case_page_offers_to_record_only_the_current_review(client, active_case, practitioner):
    active_case.lead_professional = practitioner
    active_case.save(update_fields=["lead_professional"])
    first = services.review_create(by=practitioner, case=active_case, meeting_on=D(2027, 7, 1))
    services.review_update(by=practitioner, review=first, outcome=ReviewOutcome.MAINTAIN)
    workflows.transition(active_case, "complete_review", by=practitioner, on=D(2027, 7, 5))
    second = services.review_create(by=practitioner, case=active_case, due_on=D(2028, 7, 5))
    client.force_login(practitioner)

    page = client.get(reverse("casework:case", args=[active_case.pk])).content.decode()

    assert reverse("casework:review", args=[second.pk]) in page
    assert reverse("casework:review", args=[first.pk]) not in page


# The data migration --------------------------------------------------------------------------

BEFORE = [("casework", "0002_access_log_via_export")]
AFTER = [("casework", "0003_review_status")]


@pytest.mark.django_db(transaction=True)
def test_the_data_migration_sets_each_reviews_status_from_its_dates(team):
    cases = [CaseFactory(child=ChildFactory(team=team)) for _ in range(4)]
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    old = executor.loader.project_state(BEFORE).apps.get_model("casework", "Review")
    waiting = old.objects.create(case_id=cases[0].pk, due_on=D(2027, 10, 1))
    held = old.objects.create(case_id=cases[1].pk, meeting_on=D(2027, 8, 1))
    decided = old.objects.create(
        case_id=cases[2].pk, meeting_on=D(2027, 6, 1), decision_on=D(2027, 6, 20)
    )
    decided_without_meeting = old.objects.create(case_id=cases[3].pk, decision_on=D(2027, 5, 1))

    executor = MigrationExecutor(connection)
    executor.migrate(AFTER)
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())

    statuses = dict(Review.objects.values_list("pk", "status"))
    assert statuses == {
        waiting.pk: ReviewStatus.SCHEDULED,
        held.pk: ReviewStatus.HELD,
        decided.pk: ReviewStatus.DECIDED,
        decided_without_meeting.pk: ReviewStatus.DECIDED,
    }
