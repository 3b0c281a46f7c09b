"""Each casework deadline kind of DESIGN §5, with its dates, through the real steps."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine

import workflows
from casework import services
from casework.models import CaseStatus, PlanStatus, ReviewOutcome
from tests.factories import CaseFactory, ChildFactory, PlanFactory, ReceivedReferralFactory
from workflows.models import Deadline, DeadlineStatus

D = dt.date


@pytest.fixture(autouse=True)
def today():
    with time_machine.travel(dt.datetime(2027, 9, 1, 12, tzinfo=dt.UTC), tick=False):
        yield


def due(kind: str, **filters) -> dt.date:
    return Deadline.objects.get(kind=kind, **filters).due_on


@pytest.fixture
def child(team):
    return ChildFactory(team=team, date_of_birth=D(2015, 5, 1))


def refer(child, practitioner, received_on, consent=True):
    return ReceivedReferralFactory(
        child=child,
        practitioner=practitioner,
        received_on=received_on,
        source="school",
        reason="Struggling at home",
        consent_to_share=consent,
    )


@pytest.mark.parametrize(
    ("received_on", "decision_due", "assessment_due"),
    [
        (D(2026, 12, 18), D(2026, 12, 21), D(2027, 2, 24)),  # Friday; Christmas in the 45 days
        (D(2026, 12, 24), D(2026, 12, 29), D(2027, 3, 2)),  # Christmas Eve
        (D(2027, 3, 25), D(2027, 3, 30), D(2027, 6, 2)),  # before Easter 2027; May holidays
        (D(2026, 5, 22), D(2026, 5, 26), D(2026, 7, 27)),  # before the spring bank holiday
    ],
)
def test_referral_opens_decision_in_1_and_assessment_in_45_working_days(
    child, practitioner, received_on, decision_due, assessment_due
):
    refer(child, practitioner, received_on)

    assert due("referral_decision") == decision_due
    assert due("assessment_complete") == assessment_due


def test_ehc_request_on_5_january_2026_example_from_the_issue(child, practitioner):
    services.plan_request(
        by=practitioner, child=child, requested_on=D(2026, 1, 5), requested_by="parent"
    )

    assert due("decision_to_assess") == D(2026, 2, 16)
    # 20 calendar weeks: the spring bank holiday on 25 May does not move it.
    assert due("final_plan") == D(2026, 5, 25)


def test_decision_not_to_issue_due_16_weeks_after_the_request_not_the_decision(
    child, practitioner, manager
):
    plan = services.plan_request(
        by=practitioner, child=child, requested_on=D(2027, 1, 4), requested_by="school"
    )

    workflows.transition(plan, "agree_to_assess", by=manager, on=D(2027, 2, 10))

    assert due("decision_not_to_issue") == D(2027, 4, 26)
    decision = Deadline.objects.get(kind="decision_to_assess")
    assert (decision.status, decision.closed_on) == (DeadlineStatus.MET, D(2027, 2, 10))


def test_decision_to_assess_missed_when_agreed_after_6_weeks(child, practitioner, manager):
    plan = services.plan_request(
        by=practitioner, child=child, requested_on=D(2027, 1, 4), requested_by="school"
    )

    workflows.transition(plan, "agree_to_assess", by=manager, on=D(2027, 2, 16))

    assert Deadline.objects.get(kind="decision_to_assess").status == DeadlineStatus.MISSED


def test_issuing_the_draft_makes_decision_not_to_issue_not_required_and_opens_the_comments(
    child, practitioner, manager
):
    plan = services.plan_request(
        by=practitioner, child=child, requested_on=D(2027, 1, 4), requested_by="parent"
    )
    workflows.transition(plan, "agree_to_assess", by=manager, on=D(2027, 2, 1))
    services.plan_update(
        by=practitioner, plan=plan, section_b="Needs", section_e="Outcomes", section_f="Provision"
    )

    workflows.transition(
        plan, "issue_draft", by=practitioner, on=D(2027, 5, 20), served_by="email"
    )

    not_to_issue = Deadline.objects.get(kind="decision_not_to_issue")
    # After week 16, but a plan is being issued: the time limit for not issuing one is moot.
    assert not_to_issue.status == DeadlineStatus.NOT_REQUIRED
    assert due("family_comments") == D(2027, 6, 3)  # 15 days beginning with 20 May (reg 13(1))


def test_final_plan_due_20_weeks_after_request_met_or_missed_by_the_issue_date(
    child, practitioner, manager
):
    plan = PlanFactory(child=child, requested_on=D(2027, 1, 4))
    workflows.services.record_created(plan, by=practitioner, on=D(2027, 1, 4))
    assert due("final_plan") == D(2027, 5, 24)
    type(plan).objects.filter(pk=plan.pk).update(
        status=PlanStatus.DRAFT, draft_issued_on=D(2027, 5, 1)
    )

    workflows.transition(plan, "issue_final", by=manager, on=D(2027, 5, 25))

    final = Deadline.objects.get(kind="final_plan")
    assert (final.status, final.closed_on) == (DeadlineStatus.MISSED, D(2027, 5, 25))


@pytest.mark.parametrize(
    ("born", "issued", "review_due", "under_five_due"),
    [
        (D(2015, 5, 1), D(2027, 8, 31), D(2028, 8, 30), None),  # the 12 months starting with it
        (D(2023, 1, 10), D(2027, 8, 31), D(2028, 8, 30), D(2028, 2, 28)),  # under 5: and 6
        (D(2022, 8, 31), D(2027, 8, 30), D(2028, 8, 29), D(2028, 2, 28)),  # 4 on the day
        (D(2022, 8, 31), D(2027, 8, 31), D(2028, 8, 30), None),  # 5 on the day of issue
    ],
)
def test_annual_review_in_the_12_months_starting_with_the_final_plan_and_6_under_five(
    team, manager, born, issued, review_due, under_five_due
):
    child = ChildFactory(team=team, date_of_birth=born)
    plan = PlanFactory(child=child, status=PlanStatus.DRAFT, draft_issued_on=D(2027, 6, 1))

    workflows.transition(plan, "issue_final", by=manager, on=issued)

    assert due("annual_review") == review_due
    under_five = Deadline.objects.filter(kind="under_five_review").first()
    assert (under_five.due_on if under_five else None) == under_five_due


def test_review_meeting_opens_report_in_2_and_decision_in_4_weeks(child, practitioner, manager):
    plan = PlanFactory(child=child, status=PlanStatus.FINAL, first_final_issued_on=D(2026, 9, 1))

    services.review_create(by=practitioner, plan=plan, meeting_on=D(2027, 8, 20))

    assert Deadline.objects.get(kind="review_report").due_on == D(2027, 9, 3)
    assert Deadline.objects.get(kind="review_decision").due_on == D(2027, 9, 17)
    workflows.transition(plan, "maintain", by=manager, on=D(2027, 8, 27))
    assert Deadline.objects.get(kind="review_decision").status == DeadlineStatus.MET
    assert plan.reviews.get().outcome == ReviewOutcome.MAINTAIN
    # The next review counts from the meeting, not from the decision to maintain (s44(1)).
    assert Deadline.objects.get(kind="annual_review").due_on == D(2028, 8, 19)


def test_report_sent_closes_the_review_report_deadline(child, practitioner):
    plan = PlanFactory(child=child, status=PlanStatus.FINAL)
    review = services.review_create(by=practitioner, plan=plan, meeting_on=D(2027, 8, 2))

    services.review_update(by=practitioner, review=review, report_sent_on=D(2027, 8, 20))

    report = Deadline.objects.get(kind="review_report")
    assert (report.status, report.closed_on) == (DeadlineStatus.MISSED, D(2027, 8, 20))


def test_amend_opens_amended_final_in_8_weeks_and_the_reissue_closes_it(
    child, practitioner, manager
):
    plan = PlanFactory(child=child, status=PlanStatus.FINAL, first_final_issued_on=D(2026, 6, 1))
    services.review_create(by=practitioner, plan=plan, meeting_on=D(2027, 6, 1))

    workflows.transition(plan, "amend", by=manager, on=D(2027, 6, 21))

    assert due("amended_final") == D(2027, 8, 16)
    workflows.transition(plan, "issue_final", by=manager, on=D(2027, 8, 16))
    amended = Deadline.objects.get(kind="amended_final")
    assert amended.status == DeadlineStatus.MET
    plan.refresh_from_db()
    assert plan.first_final_issued_on == D(2026, 6, 1)  # the first issue is kept
    assert plan.last_final_issued_on == D(2027, 8, 16)


@pytest.mark.parametrize(
    ("transfer", "move_on", "expected"),
    [
        ("school", D(2028, 9, 1), D(2028, 2, 14)),
        ("post_16", D(2028, 9, 1), D(2028, 3, 30)),
    ],
)
def test_phase_transfer_due_before_15_february_or_31_march_of_the_transfer_year(
    child, manager, transfer, move_on, expected
):
    plan = PlanFactory(
        child=child,
        status=PlanStatus.DRAFT,
        draft_issued_on=D(2027, 6, 1),
        phase_transfer=transfer,
        phase_transfer_on=move_on,
    )

    # 1 September 2027: the move is 12 months away, so reg 18 applies from today.
    workflows.transition(plan, "issue_final", by=manager, on=D(2027, 9, 1))

    assert due("phase_transfer") == expected


def test_no_phase_transfer_deadline_without_a_transfer_date(child, manager):
    plan = PlanFactory(child=child, status=PlanStatus.DRAFT, draft_issued_on=D(2027, 6, 1))

    workflows.transition(plan, "issue_final", by=manager, on=D(2027, 8, 1))

    assert not Deadline.objects.filter(kind="phase_transfer").exists()


def test_family_comments_window_is_never_marked_missed_against_the_council(child, practitioner):
    plan = PlanFactory(child=child, status=PlanStatus.ASSESSING)

    workflows.transition(plan, "issue_draft", by=practitioner, on=D(2027, 8, 1), served_by="hand")

    assert due("family_comments") == D(2027, 8, 15)
    assert workflows.services.deadlines_mark_missed() == 0  # today is 1 September 2027
    assert Deadline.objects.get(kind="family_comments").status == DeadlineStatus.OPEN


def test_family_saying_it_has_nothing_more_to_add_closes_the_window_as_met(child, team):
    from accounts.roles import Role
    from tests.factories import FamilyMemberFactory, staff

    parent = staff(Role.FAMILY, team)
    FamilyMemberFactory(child=child, name="Mum", relationship="mother", user=parent)
    plan = PlanFactory(child=child, status=PlanStatus.ASSESSING)
    workflows.transition(plan, "issue_draft", by=staff(Role.PRACTITIONER, team), on=D(2027, 8, 25))
    services.plan_comment(by=parent, plan=plan, comments="Please add swimming.")
    assert Deadline.objects.get(kind="family_comments").status == DeadlineStatus.OPEN

    services.representation_add(by=parent, plan=plan, nothing_more_to_add=True)

    window = Deadline.objects.get(kind="family_comments")
    assert (window.status, window.closed_on) == (DeadlineStatus.MET, D(2027, 9, 1))


def test_case_review_cycle_reopens_the_annual_review(child, practitioner):
    case = CaseFactory(child=child, status=CaseStatus.ACTIVE)
    review = services.review_create(by=practitioner, case=case, meeting_on=D(2027, 7, 1))
    services.review_update(by=practitioner, review=review, outcome=ReviewOutcome.MAINTAIN)

    workflows.transition(case, "complete_review", by=practitioner, on=D(2027, 7, 5))

    assert due("annual_review") == D(2028, 7, 4)  # the 12 months starting with the review
    review.refresh_from_db()
    assert review.decision_on == D(2027, 7, 5)
