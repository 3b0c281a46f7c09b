"""Every transition of the Case and EHC plan machines: allowed from each source, refused from
every other state, and atomic."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine

import workflows
from accounts.roles import Role
from casework.models import (
    Case,
    CaseStatus,
    EHCPlan,
    PlanStatus,
    Referral,
    Review,
    ReviewOutcome,
    ReviewStatus,
)
from casework.models import case as casework_models
from tests.factories import (
    AssessmentFactory,
    CaseFactory,
    ChildFactory,
    PlanFactory,
    ReferralFactory,
    ReviewFactory,
    staff,
)
from workflows import clock
from workflows.errors import NotPermitted, TransitionNotAllowed
from workflows.models import Deadline, TransitionLog

TODAY = dt.datetime(2027, 3, 10, 12, tzinfo=dt.UTC)
D = dt.date

OPEN = [s for s in CaseStatus.values if s != CaseStatus.CLOSED]
CASE_TRANSITIONS = {
    # name: (sources, target, role, params)
    "accept_referral": ([CaseStatus.REFERRED], CaseStatus.ASSESSING, Role.PRACTITIONER, {}),
    "signpost": ([CaseStatus.REFERRED], CaseStatus.CLOSED, Role.PRACTITIONER, {"reason": "x"}),
    "complete_assessment": ([CaseStatus.ASSESSING], CaseStatus.PLANNING, Role.PRACTITIONER, {}),
    "close_no_eligible_need": ([CaseStatus.ASSESSING], CaseStatus.CLOSED, Role.PRACTITIONER, {}),
    "start_support": ([CaseStatus.PLANNING], CaseStatus.ACTIVE, Role.TEAM_MANAGER, {}),
    "begin_review": ([CaseStatus.ACTIVE], CaseStatus.REVIEWING, Role.PRACTITIONER, {}),
    "complete_review": ([CaseStatus.REVIEWING], CaseStatus.ACTIVE, Role.PRACTITIONER, {}),
    "begin_transition": (
        [CaseStatus.ACTIVE],
        CaseStatus.PREPARING_FOR_ADULTHOOD,
        Role.PRACTITIONER,
        {},
    ),
    "transfer_to_adult_services": (
        [CaseStatus.PREPARING_FOR_ADULTHOOD],
        CaseStatus.CLOSED,
        Role.TEAM_MANAGER,
        {"handover_on": "2027-03-01"},
    ),
    "close": (OPEN, CaseStatus.CLOSED, Role.TEAM_MANAGER, {"reason": "Moved away"}),
    "reopen": ([CaseStatus.CLOSED], CaseStatus.REFERRED, Role.TEAM_MANAGER, {"reason": "Back"}),
}
PLAN_TRANSITIONS = {
    "agree_to_assess": ([PlanStatus.REQUESTED], PlanStatus.ASSESSING, Role.TEAM_MANAGER, {}),
    "refuse_to_assess": (
        [PlanStatus.REQUESTED],
        PlanStatus.REFUSED,
        Role.TEAM_MANAGER,
        {"reason": "x"},
    ),
    "issue_draft": ([PlanStatus.ASSESSING], PlanStatus.DRAFT, Role.PRACTITIONER, {}),
    "decide_not_to_issue": (
        [PlanStatus.ASSESSING],
        PlanStatus.NOT_ISSUED,
        Role.TEAM_MANAGER,
        {"reason": "x"},
    ),
    "issue_final": ([PlanStatus.DRAFT], PlanStatus.FINAL, Role.TEAM_MANAGER, {}),
    # On the day of the meeting held (plan_ready_for_anything): the review counts from it.
    "start_review": (
        [PlanStatus.FINAL],
        PlanStatus.UNDER_REVIEW,
        Role.PRACTITIONER,
        {"on": D(2027, 3, 1)},
    ),
    "maintain": ([PlanStatus.UNDER_REVIEW], PlanStatus.FINAL, Role.TEAM_MANAGER, {}),
    "amend": ([PlanStatus.UNDER_REVIEW], PlanStatus.DRAFT, Role.TEAM_MANAGER, {}),
    "cease": ([PlanStatus.UNDER_REVIEW], PlanStatus.CEASED, Role.TEAM_MANAGER, {"reason": "x"}),
}


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(TODAY, tick=False):
        yield


@pytest.fixture(autouse=True)
def support_arranged(monkeypatch):
    # Budgets and packages, which register the real checks, sit above casework.
    monkeypatch.setattr(casework_models, "SUPPORT_ARRANGED_CHECKS", [lambda case: True])


def case_ready_for_anything(team, status: str, name: str = "") -> Case:
    """A case in `status` whose conditions hold for transition `name` (and most others)."""
    child = ChildFactory(team=team, date_of_birth=D(2009, 1, 1))  # 18 on the frozen date
    case = CaseFactory(child=child, opened_on=D(2027, 1, 4), status=status)
    if status == CaseStatus.CLOSED:
        Case.objects.filter(pk=case.pk).update(closed_on=D(2027, 2, 1))
    ReferralFactory(
        case=case,
        received_on=D(2027, 1, 4),
        source="school",
        reason="r",
        recorded_by=staff(Role.PRACTITIONER, team),
    )
    outcome = "no_eligible_need" if name == "close_no_eligible_need" else "eligible"
    AssessmentFactory(
        case=case, started_on=D(2027, 1, 5), completed_on=D(2027, 2, 1), outcome=outcome
    )
    ReviewFactory(
        case=case,
        plan=None,
        meeting_on=D(2027, 3, 1),
        outcome=ReviewOutcome.MAINTAIN,
        status=ReviewStatus.HELD,
    )
    return Case.objects.get(pk=case.pk)


def plan_ready_for_anything(team, status: str, name: str = "") -> EHCPlan:
    plan = PlanFactory(
        child=ChildFactory(team=team),
        requested_on=D(2026, 10, 5),
        status=status,
        draft_issued_on=D(2027, 2, 1),
    )
    ReviewFactory(plan=plan, meeting_on=D(2027, 3, 1), status=ReviewStatus.HELD)
    return plan


def pairs(transitions, states):
    return [
        (name, state, state in sources)
        for name, (sources, _, _, _) in transitions.items()
        for state in states
    ]


@pytest.mark.parametrize(("name", "state", "allowed"), pairs(CASE_TRANSITIONS, CaseStatus.values))
def test_case_transition_from_each_state(team, name, state, allowed):
    _, target, role, params = CASE_TRANSITIONS[name]
    case = case_ready_for_anything(team, state, name)
    actor = staff(role, team)

    if allowed:
        updated = workflows.transition(case, name, by=actor, **params)
        assert updated.status == target
        assert TransitionLog.objects.filter(transition=name, subject_id=case.pk).count() == 1
    else:
        with pytest.raises(TransitionNotAllowed):
            workflows.transition(case, name, by=actor, **params)
        assert Case.objects.get(pk=case.pk).status == state


@pytest.mark.parametrize(("name", "state", "allowed"), pairs(PLAN_TRANSITIONS, PlanStatus.values))
def test_plan_transition_from_each_state(team, name, state, allowed):
    _, target, role, params = PLAN_TRANSITIONS[name]
    plan = plan_ready_for_anything(team, state)
    actor = staff(role, team)

    if allowed:
        updated = workflows.transition(plan, name, by=actor, **params)
        assert updated.status == target
    else:
        with pytest.raises(TransitionNotAllowed):
            workflows.transition(plan, name, by=actor, **params)
        assert EHCPlan.objects.get(pk=plan.pk).status == state


MANAGER_ONLY = [
    ("case", name)
    for name, (_, _, role, _) in CASE_TRANSITIONS.items()
    if role == Role.TEAM_MANAGER
] + [
    ("plan", name)
    for name, (_, _, role, _) in PLAN_TRANSITIONS.items()
    if role == Role.TEAM_MANAGER
]


@pytest.mark.parametrize(("machine", "name"), MANAGER_ONLY)
def test_manager_steps_are_not_permitted_to_a_practitioner(team, machine, name):
    transitions = CASE_TRANSITIONS if machine == "case" else PLAN_TRANSITIONS
    sources, _, _, params = transitions[name]
    make = case_ready_for_anything if machine == "case" else plan_ready_for_anything
    record = make(team, sources[0])

    with pytest.raises(NotPermitted):
        workflows.transition(record, name, by=staff(Role.PRACTITIONER, team), **params)


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize(
    ("machine", "name"),
    [("case", name) for name in CASE_TRANSITIONS] + [("plan", name) for name in PLAN_TRANSITIONS],
)
def test_a_failure_inside_any_transition_changes_nothing(team, monkeypatch, machine, name):
    transitions = CASE_TRANSITIONS if machine == "case" else PLAN_TRANSITIONS
    sources, _, role, params = transitions[name]
    make = case_ready_for_anything if machine == "case" else plan_ready_for_anything
    record = make(team, sources[0], name)
    model = type(record)
    before = model.objects.filter(pk=record.pk).values().get()
    deadlines_before = list(Deadline.objects.values())
    reviews_before = list(Review.objects.values())
    actor = staff(role, team)

    def fail(*args, **kwargs):
        raise RuntimeError("the audit log is unavailable")

    monkeypatch.setattr(TransitionLog.objects, "create", fail)
    with pytest.raises(RuntimeError):
        workflows.transition(record, name, by=actor, **params)

    assert model.objects.filter(pk=record.pk).values().get() == before
    assert list(Deadline.objects.values()) == deadlines_before
    assert list(Review.objects.values()) == reviews_before


def test_accept_referral_without_consent_says_why(team):
    case = case_ready_for_anything(team, CaseStatus.REFERRED)
    Referral.objects.filter(case=case).update(consent_to_share=False)

    with pytest.raises(TransitionNotAllowed) as refused:
        workflows.transition(case, "accept_referral", by=staff(Role.PRACTITIONER, team))

    assert "no recorded consent to share" in refused.value.detail


def test_a_manager_override_lets_the_referral_be_accepted_without_consent(team):
    from casework.services import case_override_consent

    case = case_ready_for_anything(team, CaseStatus.REFERRED)
    Referral.objects.filter(case=case).update(consent_to_share=False)
    case_override_consent(
        by=staff(Role.TEAM_MANAGER, team), case=case, reason="Safeguarding: s47 enquiry"
    )

    updated = workflows.transition(case, "accept_referral", by=staff(Role.PRACTITIONER, team))

    assert updated.status == CaseStatus.ASSESSING
    assert TransitionLog.objects.filter(transition="override_consent").exists()


def test_issue_draft_needs_sections_b_e_and_f(team):
    plan = plan_ready_for_anything(team, PlanStatus.ASSESSING)
    EHCPlan.objects.filter(pk=plan.pk).update(section_e="")

    with pytest.raises(TransitionNotAllowed) as refused:
        workflows.transition(plan, "issue_draft", by=staff(Role.PRACTITIONER, team))

    assert "Sections B (needs), E (outcomes) and F (provision)" in refused.value.detail


def test_issue_final_waits_for_the_family_comment_period(team):
    plan = plan_ready_for_anything(team, PlanStatus.DRAFT)
    served = clock.today() - dt.timedelta(days=3)
    EHCPlan.objects.filter(pk=plan.pk).update(
        draft_issued_on=served, notice_sent_on=served, notice_served_on=served
    )

    with pytest.raises(TransitionNotAllowed) as refused:
        workflows.transition(plan, "issue_final", by=staff(Role.TEAM_MANAGER, team))

    assert "The family has until" in refused.value.detail


def test_begin_transition_refused_under_14(team):
    case = case_ready_for_anything(team, CaseStatus.ACTIVE)
    case.child.date_of_birth = D(2013, 3, 11)  # 13 until tomorrow
    case.child.save()

    with pytest.raises(TransitionNotAllowed) as refused:
        workflows.transition(case, "begin_transition", by=staff(Role.PRACTITIONER, team))

    assert refused.value.detail == "The young person is not yet 14."


def test_transfer_to_adult_services_refused_before_17_and_a_half(team):
    case = case_ready_for_anything(team, CaseStatus.PREPARING_FOR_ADULTHOOD)
    case.child.date_of_birth = D(2009, 9, 11)  # 17½ tomorrow
    case.child.save()

    with pytest.raises(TransitionNotAllowed) as refused:
        workflows.transition(
            case,
            "transfer_to_adult_services",
            by=staff(Role.TEAM_MANAGER, team),
            handover_on="2027-03-01",
        )

    assert "17½" in refused.value.detail


def test_start_support_needs_a_budget_or_package(team, monkeypatch):
    monkeypatch.setattr(casework_models, "SUPPORT_ARRANGED_CHECKS", [])
    case = case_ready_for_anything(team, CaseStatus.PLANNING)

    with pytest.raises(TransitionNotAllowed) as refused:
        workflows.transition(case, "start_support", by=staff(Role.TEAM_MANAGER, team))

    assert "personal budget" in refused.value.detail


def test_reopen_refused_after_12_months(team):
    case = case_ready_for_anything(team, CaseStatus.CLOSED)
    Case.objects.filter(pk=case.pk).update(closed_on=D(2026, 3, 9))

    with pytest.raises(TransitionNotAllowed) as refused:
        workflows.transition(case, "reopen", by=staff(Role.TEAM_MANAGER, team), reason="x")

    assert "more than 12 months ago" in refused.value.detail


def test_reopen_refused_while_the_child_has_another_open_case(team):
    closed = case_ready_for_anything(team, CaseStatus.CLOSED)
    CaseFactory(child=closed.child, status=CaseStatus.ASSESSING)

    with pytest.raises(TransitionNotAllowed) as refused:
        workflows.transition(closed, "reopen", by=staff(Role.TEAM_MANAGER, team), reason="x")

    assert refused.value.detail == "The child already has another open case."
