"""Mediation and Tribunal-order deadlines, and the family's appeal date (DESIGN §5 "Appeals";
SEND Regulations 2014 regs 32-45; Tribunal Procedure (HESC) Rules 2008 r20(1)(c))."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine

import workflows
from accounts.roles import Role
from casework import services
from casework.models import DisputeAbout, EHCPlan, TribunalOrderStep
from casework.services.disputes import appeal_by, dispute_record, order_step_done
from tests.factories import (
    AssessingPlanFactory,
    ChildFactory,
    DraftPlanFactory,
    FamilyMemberFactory,
    FinalPlanFactory,
    RequestedPlanFactory,
    staff,
)
from workflows.deadlines import deadlines_mark_missed
from workflows.errors import TransitionNotAllowed
from workflows.models import Deadline, DeadlineStatus, Notification

D = dt.date


@pytest.fixture(autouse=True)
def today():
    with time_machine.travel(dt.datetime(2027, 9, 1, 12, tzinfo=dt.UTC), tick=False):
        yield


@pytest.fixture
def child(team):
    child = ChildFactory(team=team, date_of_birth=D(2015, 5, 1))
    FamilyMemberFactory(
        child=child, name="Mum", relationship="mother", user=staff(Role.FAMILY, team)
    )
    return child


REFUSED_ON = D(2027, 3, 1)
NOT_ISSUED_ON = D(2027, 1, 11)


def refused(child, manager, on=REFUSED_ON):
    plan = RequestedPlanFactory(child=child, requested_on=on - dt.timedelta(weeks=5))
    return workflows.transition(plan, "refuse_to_assess", by=manager, on=on, reason="Needs met")


def not_issued(child, manager, on=NOT_ISSUED_ON):
    plan = AssessingPlanFactory(child=child, requested_on=D(2026, 9, 28))
    return workflows.transition(
        plan, "decide_not_to_issue", by=manager, on=on, reason="Needs met at school"
    )


def record(manager, plan, kind, on, order=None):
    return dispute_record(by=manager, plan=plan, kind=kind, on=on, order=order)


def steps_due(plan_or_dispute) -> dict[str, tuple[str, dt.date, str]]:
    steps = TribunalOrderStep.objects.filter(dispute=plan_or_dispute)
    found = {}
    for step in steps:
        deadline = Deadline.objects.for_subject(step).get()
        found[step.step] = (step.label, deadline.due_on, deadline.status)
    return found


# mediation_arranged ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("told_on", "due_on"),
    [
        (D(2027, 3, 2), D(2027, 4, 1)),  # 30 calendar days, across Easter 2027
        (D(2027, 1, 29), D(2027, 2, 28)),  # across the end of February: a Sunday, kept
        (D(2027, 7, 30), D(2027, 8, 29)),  # lands beside the summer bank holiday, not moved
    ],
)
def test_mediation_must_be_arranged_within_30_days_of_the_council_being_told(
    child, manager, told_on, due_on
):
    plan = refused(child, manager, on=D(2027, 1, 20))

    record(manager, plan, "mediation_requested", told_on)

    deadline = Deadline.objects.for_subject(plan).get(kind="mediation_arranged")
    assert deadline.due_on == due_on
    assert deadline.opened_on == told_on


def test_mediation_held_on_the_30th_day_is_met_and_on_the_31st_missed(child, manager):
    plan = refused(child, manager, on=D(2027, 1, 20))
    record(manager, plan, "mediation_requested", D(2027, 3, 2))
    record(manager, plan, "mediation_held", D(2027, 4, 1))
    second = refused(ChildFactory(team=child.team), manager, on=D(2027, 1, 20))
    record(manager, second, "mediation_requested", D(2027, 3, 2))
    record(manager, second, "mediation_held", D(2027, 4, 2))

    on_time = Deadline.objects.for_subject(plan).get(kind="mediation_arranged")
    late = Deadline.objects.for_subject(second).get(kind="mediation_arranged")
    assert (on_time.status, on_time.closed_by) == (DeadlineStatus.MET, "mediation_held")
    assert late.status == DeadlineStatus.MISSED


def test_a_certificate_without_mediation_leaves_the_unarranged_mediation_missed(child, manager):
    plan = refused(child, manager, on=D(2027, 1, 20))
    record(manager, plan, "mediation_requested", D(2027, 2, 1))
    record(manager, plan, "mediation_certificate", D(2027, 3, 10))

    deadline = Deadline.objects.for_subject(plan).get(kind="mediation_arranged")
    assert (deadline.status, deadline.closed_on) == (DeadlineStatus.MISSED, D(2027, 3, 10))


def test_a_missed_mediation_stays_missed_when_the_certificate_follows(child, manager):
    plan = refused(child, manager, on=D(2027, 1, 20))
    record(manager, plan, "mediation_requested", D(2027, 2, 1))
    deadlines_mark_missed()

    record(manager, plan, "mediation_certificate", D(2027, 3, 10))

    deadline = Deadline.objects.for_subject(plan).get(kind="mediation_arranged")
    assert deadline.status == DeadlineStatus.MISSED


def test_a_certificate_inside_the_30_days_makes_the_mediation_no_longer_required(child, manager):
    plan = refused(child, manager, on=D(2027, 1, 20))
    record(manager, plan, "mediation_requested", D(2027, 2, 1))

    record(manager, plan, "mediation_certificate", D(2027, 2, 10))

    deadline = Deadline.objects.for_subject(plan).get(kind="mediation_arranged")
    assert deadline.status == DeadlineStatus.NOT_REQUIRED


def test_a_new_request_for_mediation_waits_for_the_last_one_to_end(child, manager):
    plan = refused(child, manager, on=D(2027, 1, 20))
    record(manager, plan, "mediation_requested", D(2027, 2, 1))
    with pytest.raises(TransitionNotAllowed):
        record(manager, plan, "mediation_requested", D(2027, 2, 5))
    record(manager, plan, "mediation_certificate", D(2027, 2, 10))

    record(manager, plan, "mediation_requested", D(2027, 2, 11))

    statuses = Deadline.objects.for_subject(plan).filter(kind="mediation_arranged")
    assert sorted(statuses.values_list("status", flat=True)) == ["not_required", "open"]


# tribunal_order -------------------------------------------------------------------------------


def test_an_order_to_assess_opens_three_labelled_steps_of_2_10_and_14_weeks(child, manager):
    plan = refused(child, manager, on=D(2027, 1, 4))
    record(manager, plan, "appeal_registered", D(2027, 2, 15))

    order = record(manager, plan, "tribunal_decision", D(2027, 5, 28), order="assess")

    assert steps_due(order) == {
        "notify": ("Tell the family the assessment will go ahead", D(2027, 6, 11), "open"),
        "not_to_issue": (
            "If no plan is needed after the assessment, tell the family why",
            D(2027, 8, 6),
            "open",
        ),
        "final_after_assessment": (
            "Send the final plan after the assessment",
            D(2027, 9, 3),
            "open",
        ),
    }
    kinds = set(Deadline.objects.filter(label__startswith="").values_list("kind", flat=True))
    assert "tribunal_order" in kinds
    assert order.about == DisputeAbout.REQUEST


@pytest.mark.parametrize(
    ("order", "expected"),
    [
        (
            "make_plan",
            {"draft": D(2027, 7, 2), "final": D(2027, 8, 13)},  # 5 and 11 weeks
        ),
        ("amend", {"amended": D(2027, 7, 2)}),  # 5 weeks
        ("name_school", {"school": D(2027, 6, 11)}),  # 2 weeks
        ("cease", {"maintain": D(2027, 5, 28)}),  # immediately
        (
            "reassess",
            {
                "notify": D(2027, 6, 11),
                "not_to_issue": D(2027, 8, 6),
                "final_after_assessment": D(2027, 9, 3),
            },
        ),
    ],
)
def test_each_order_opens_a_step_per_thing_it_requires_with_its_own_time_limit(
    child, manager, order, expected
):
    plan = not_issued(child, manager)
    record(manager, plan, "appeal_registered", D(2027, 2, 15))

    decision = record(manager, plan, "tribunal_decision", D(2027, 5, 28), order=order)

    assert {step: due for step, (_, due, _) in steps_due(decision).items()} == expected


def test_a_concession_counts_from_the_councils_notice_to_the_tribunal(child, manager):
    """reg 45 as substituted in 2015: 2 weeks (not the 4 weeks of the 2014 text), from the day
    the council told the Tribunal it would not oppose the appeal."""
    plan = refused(child, manager, on=D(2027, 1, 4))
    record(manager, plan, "appeal_registered", D(2027, 2, 15))

    conceded = record(manager, plan, "concession", D(2027, 3, 1), order="assess")

    due = {step: due for step, (_, due, _) in steps_due(conceded).items()}
    assert due == {
        "notify": D(2027, 3, 15),
        "not_to_issue": D(2027, 5, 10),
        "final_after_assessment": D(2027, 6, 7),
    }


def test_a_new_request_carries_out_an_order_to_make_a_plan_step_by_step(child, manager):
    plan = not_issued(child, manager)
    record(manager, plan, "appeal_registered", D(2027, 2, 15))
    decision = record(manager, plan, "tribunal_decision", D(2027, 3, 1), order="make_plan")
    again = DraftPlanFactory(
        child=child,
        requested_on=D(2027, 3, 2),
        assessing_on=D(2027, 3, 3),
        draft_on=D(2027, 4, 5),  # the draft was due on 5 April: met
    )
    workflows.transition(again, "issue_final", by=manager, on=D(2027, 5, 18))  # due 17 May

    assert steps_due(decision) == {
        "draft": ("Issue the draft plan", D(2027, 4, 5), DeadlineStatus.MET),
        "final": ("Send the final plan", D(2027, 5, 17), DeadlineStatus.MISSED),
    }


def test_drafting_a_plan_makes_the_no_plan_notice_of_an_assess_order_moot(child, manager):
    plan = refused(child, manager, on=D(2027, 1, 4))
    record(manager, plan, "appeal_registered", D(2027, 2, 15))
    decision = record(manager, plan, "concession", D(2027, 3, 1), order="assess")
    again = RequestedPlanFactory(child=child, requested_on=D(2027, 3, 8))
    again = workflows.transition(again, "agree_to_assess", by=manager, on=D(2027, 3, 10))
    services.plan_update(by=manager, plan=again, section_b="b", section_e="e", section_f="f")
    workflows.transition(again, "issue_draft", by=manager, on=D(2027, 4, 1))

    statuses = {step: status for step, (_, _, status) in steps_due(decision).items()}
    assert statuses == {
        "notify": DeadlineStatus.MET,
        "not_to_issue": DeadlineStatus.NOT_REQUIRED,
        "final_after_assessment": DeadlineStatus.OPEN,
    }


def test_deciding_not_to_issue_after_an_assess_order_makes_its_final_plan_step_moot(
    child, manager
):
    plan = refused(child, manager, on=D(2027, 1, 4))
    record(manager, plan, "appeal_registered", D(2027, 2, 15))
    decision = record(manager, plan, "tribunal_decision", D(2027, 3, 1), order="assess")
    again = AssessingPlanFactory(
        child=child, requested_on=D(2027, 3, 8), assessing_on=D(2027, 3, 16)
    )
    workflows.transition(again, "decide_not_to_issue", by=manager, on=D(2027, 5, 3), reason="x")

    statuses = {step: status for step, (_, _, status) in steps_due(decision).items()}
    assert statuses == {
        "notify": DeadlineStatus.MISSED,  # due 15 March, the assessment agreed on the 16th
        "not_to_issue": DeadlineStatus.MET,
        "final_after_assessment": DeadlineStatus.NOT_REQUIRED,
    }


def test_continuing_to_maintain_a_ceased_plan_is_recorded_as_the_steps_own_date(child, manager):
    plan = FinalPlanFactory(child=child, requested_on=D(2026, 1, 5))
    services.review_create(by=manager, plan=plan, meeting_on=D(2027, 1, 11))
    plan = workflows.transition(
        EHCPlan.objects.get(pk=plan.pk), "cease", by=manager, on=D(2027, 1, 25), reason="Left"
    )
    record(manager, plan, "appeal_registered", D(2027, 3, 1))
    decision = record(manager, plan, "tribunal_decision", D(2027, 6, 1), order="cease")
    step = decision.steps.get()

    order_step_done(by=manager, step=step, on=D(2027, 6, 1))

    assert steps_due(decision) == {
        "maintain": ("Continue to maintain the plan", D(2027, 6, 1), DeadlineStatus.MET)
    }


def test_an_order_step_taken_twice_is_refused(child, manager):
    plan = not_issued(child, manager)
    record(manager, plan, "appeal_registered", D(2027, 2, 15))
    step = record(manager, plan, "concession", D(2027, 3, 1), order="amend").steps.get()
    order_step_done(by=manager, step=step, on=D(2027, 4, 1))

    with pytest.raises(TransitionNotAllowed):
        order_step_done(by=manager, step=step, on=D(2027, 4, 2))


def test_order_step_and_mediation_deadlines_belong_to_the_childs_team(child, manager):
    plan = not_issued(child, manager)
    record(manager, plan, "mediation_requested", D(2027, 2, 1))
    record(manager, plan, "appeal_registered", D(2027, 2, 15))
    record(manager, plan, "tribunal_decision", D(2027, 5, 3), order="make_plan")

    opened = Deadline.objects.filter(kind__in=["tribunal_order", "mediation_arranged"])
    assert opened.count() == 3
    assert {deadline.team_id for deadline in opened} == {child.team_id}


# appeal_by ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("decided_on", "last_day"),
    [
        (D(2027, 3, 14), D(2027, 5, 14)),
        (D(2026, 12, 31), D(2027, 2, 28)),  # month end rolls back
        (D(2027, 12, 31), D(2028, 2, 29)),  # into a leap February
        (D(2027, 12, 29), D(2028, 2, 29)),
        (D(2028, 2, 29), D(2028, 4, 29)),  # from 29 February
        (D(2026, 10, 25), D(2026, 12, 25)),  # Christmas Day: a calendar date, not moved
    ],
)
def test_the_family_can_appeal_until_2_months_after_the_decision(decided_on, last_day):
    assert appeal_by(decided_on) == last_day


@pytest.mark.parametrize(
    ("certificate_on", "last_day"),
    [
        (D(2027, 4, 20), D(2027, 5, 20)),  # a month after the certificate is later
        (D(2027, 3, 10), D(2027, 5, 1)),  # earlier: the 2 months stand
        (D(2027, 3, 31), D(2027, 5, 1)),  # 30 April is before 1 May
    ],
)
def test_a_mediation_certificate_gives_a_month_from_its_issue_if_that_is_later(
    child, manager, certificate_on, last_day
):
    plan = refused(child, manager, on=D(2027, 3, 1))
    assert plan.appeal_by == D(2027, 5, 1)

    record(manager, plan, "mediation_certificate", certificate_on)

    plan.refresh_from_db()
    assert plan.appeal_by == last_day


def test_refusing_to_assess_sets_the_appeal_date_and_the_letter_says_it(child, manager):
    plan = refused(child, manager, on=D(2027, 3, 14))

    assert plan.appeal_by == D(2027, 5, 14)
    letters = Notification.objects.filter(kind="decision")
    assert letters.exists()
    assert all("appeal to the SEND Tribunal until 14 May 2027" in n.body for n in letters)


def test_deciding_not_to_issue_sets_the_appeal_date(child, manager):
    assert not_issued(child, manager, on=D(2027, 1, 11)).appeal_by == D(2027, 3, 11)


def test_issuing_the_final_plan_sets_the_appeal_date_for_its_contents_and_setting(child, manager):
    plan = FinalPlanFactory(child=child, requested_on=D(2026, 9, 7))
    final_on = plan.first_final_issued_on

    assert plan.appeal_by == appeal_by(final_on)
    assert plan.appeal_decision_on == final_on


def review_held(child, manager):
    plan = FinalPlanFactory(child=child, requested_on=D(2026, 1, 5))
    services.review_create(by=manager, plan=plan, meeting_on=D(2027, 1, 11))
    return EHCPlan.objects.get(pk=plan.pk)


def test_maintaining_after_a_review_sets_the_appeal_date_and_writes_a_letter(child, manager):
    plan = workflows.transition(
        review_held(child, manager), "maintain", by=manager, on=D(2027, 1, 29)
    )

    assert plan.appeal_by == D(2027, 3, 29)
    assert Notification.objects.filter(body__contains="until 29 March 2027").exists()


def test_ceasing_after_a_review_sets_the_appeal_date(child, manager):
    plan = workflows.transition(
        review_held(child, manager), "cease", by=manager, on=D(2027, 1, 29), reason="Left"
    )

    assert plan.appeal_by == D(2027, 3, 29)


def test_the_amendment_notice_does_not_start_the_appeal_date_the_amended_plan_does(child, manager):
    before = review_held(child, manager).appeal_by
    plan = workflows.transition(
        review_held(ChildFactory(team=child.team), manager), "amend", by=manager, on=D(2027, 1, 29)
    )
    assert plan.appeal_by == before

    plan = workflows.transition(plan, "issue_final", by=manager, on=D(2027, 3, 1))

    assert plan.appeal_by == D(2027, 5, 1)


def test_a_later_decision_starts_the_appeal_date_again_without_the_old_certificate(child, manager):
    plan = refused(child, manager, on=D(2027, 1, 4))
    record(manager, plan, "mediation_certificate", D(2027, 2, 25))  # to 25 March
    plan.refresh_from_db()
    assert plan.appeal_by == D(2027, 3, 25)

    later = not_issued(ChildFactory(team=child.team), manager, on=D(2027, 4, 1))

    assert later.appeal_by == D(2027, 6, 1)
    assert EHCPlan.objects.get(pk=plan.pk).appeal_by == D(2027, 3, 25)
