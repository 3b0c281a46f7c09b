"""Children, their cases in every state, referrals, assessments, EHC plans with their reviews,
and the statutory deadlines of each, met and missed."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from django.contrib.contenttypes.models import ContentType

from bench.world.base import World
from bench.world.staff import FAMILY, GIVEN, Staff
from casework.deadlines import ASSESSMENT_COMPLETE, FINAL_PLAN
from casework.models import Assessment, Case, Child, EHCPlan, Referral, Review, ReviewStatus
from workflows.models import Deadline

NEEDS = ["ASD", "SLCN", "SEMH", "MLD", "SLD", "PMLD", "SPLD", "PD", "HI", "VI", "MSI", "DS", "OTH"]
NEED_WEIGHTS = [30, 18, 15, 9, 6, 3, 5, 4, 2, 2, 1, 2, 3]
CASE_STATES = [
    ("referred", 6),
    ("assessing", 10),
    ("planning", 8),
    ("active", 46),
    ("reviewing", 8),
    ("preparing_for_adulthood", 7),
    ("closed", 15),
]
PLAN_STATES = [
    ("requested", 6),
    ("assessing", 10),
    ("refused", 5),
    ("draft", 5),
    ("not_issued", 3),
    ("final", 60),
    ("under_review", 8),
    ("ceased", 3),
]


@dataclass
class Casework:
    children: list[Any]
    cases: list[Any]
    plans: list[Any]


def write(world: World, staff: Staff, children_total: int) -> Casework:
    rng, progress, today = world.rng, world.progress, world.today
    teams = staff.teams
    teams_total = len(teams)
    children = progress.write(
        "children",
        Child,
        (
            Child(
                given_name=rng.choice(GIVEN),
                family_name=rng.choice(FAMILY),
                date_of_birth=world.days_ago(30, 25 * 365),
                primary_need=rng.choices(NEEDS, NEED_WEIGHTS)[0],
                gender=rng.choice(["Female", "Male"]),
                postcode=f"ME{rng.randint(1, 20)} {rng.randint(1, 9)}XX",
                team=teams[n % teams_total],
            )
            for n in range(children_total)
        ),
        children_total,
    )

    states, weights = zip(*CASE_STATES, strict=True)
    cases = progress.write(
        "cases",
        Case,
        (
            Case(
                child=child,
                team_id=child.team_id,
                lead_professional=rng.choice(staff.practitioners[child.team_id]),
                status=(state := rng.choices(states, weights)[0]),
                opened_on=world.days_ago(20, 900),
                closed_on=world.days_ago(0, 19) if state == "closed" else None,
            )
            for child in children
        ),
        children_total,
    )
    progress.write(
        "referrals",
        Referral,
        (
            Referral(
                case=case,
                received_on=case.opened_on,
                source=rng.choice(["parent", "school", "health", "social_care"]),
                reason="Generated referral",
                consent_to_share=True,
                recorded_by=case.lead_professional,
            )
            for case in cases
        ),
        len(cases),
    )
    assessed = [case for case in cases if case.status != "referred"]
    progress.write(
        "assessments",
        Assessment,
        (
            Assessment(
                case=case,
                started_on=case.opened_on + dt.timedelta(days=5),
                completed_on=(
                    None
                    if case.status == "assessing"
                    else case.opened_on + dt.timedelta(days=rng.randint(25, 80))
                ),
                outcome="" if case.status == "assessing" else "eligible",
            )
            for case in assessed
        ),
        len(assessed),
    )

    plan_states, plan_weights = zip(*PLAN_STATES, strict=True)
    with_plans = [case for case in cases if rng.random() < 0.4]

    def plan_for(case: Any) -> Any:
        state = rng.choices(plan_states, plan_weights)[0]
        requested = world.days_ago(30, 800)
        decided = requested + dt.timedelta(days=rng.randint(20, 50))
        issued = state in ("final", "under_review", "ceased")
        final = requested + dt.timedelta(days=rng.randint(90, 200)) if issued else None
        return EHCPlan(
            child_id=case.child_id,
            case=case,
            status=state,
            requested_on=requested,
            requested_by=rng.choice(["parent", "school", "young_person", "health"]),
            assessment_decision_on=None if state == "requested" else decided,
            draft_issued_on=final - dt.timedelta(days=20) if final else None,
            first_final_issued_on=final,
            last_final_issued_on=final,
            placement_name=rng.choice(["", "Abbey Court School", "Rivermead School"]),
            section_b="Needs",
            section_e="Outcomes",
            section_f="Provision",
        )

    plans = progress.write(
        "ehc plans", EHCPlan, (plan_for(case) for case in with_plans), len(with_plans)
    )
    reviewed = [plan for plan in plans if plan.first_final_issued_on]

    def review_for(plan: Any) -> Any:
        due = plan.first_final_issued_on + dt.timedelta(days=365)
        held = due - dt.timedelta(days=rng.randint(-20, 30)) if due < today else None
        decided = held + dt.timedelta(days=rng.randint(5, 40)) if held else None
        decision_on = decided if decided and decided < today else None
        waiting = ReviewStatus.HELD if held else ReviewStatus.SCHEDULED
        return Review(
            plan=plan,
            status=ReviewStatus.DECIDED if decision_on else waiting,
            due_on=due,
            meeting_on=held,
            decision_on=decision_on,
            outcome="maintain" if decision_on else "",
        )

    progress.write("reviews", Review, (review_for(p) for p in reviewed), len(reviewed))
    progress.write("deadlines", Deadline, _deadlines(world, cases, plans), len(cases) + len(plans))
    return Casework(children=children, cases=cases, plans=plans)


def _deadlines(world: World, cases: list[Any], plans: list[Any]) -> Iterator[Any]:
    """The assessment deadline of every case, the 20-week deadline of every plan (3% with a
    reg 10(4) exception)."""
    rng, today = world.rng, world.today
    case_type = ContentType.objects.get_for_model(Case)
    plan_type = ContentType.objects.get_for_model(EHCPlan)
    for case in cases:
        due = case.opened_on + dt.timedelta(days=rng.randint(15, 65))
        closed = (
            None
            if case.status in ("referred", "assessing")
            else (due + dt.timedelta(days=rng.randint(-20, 12)))
        )
        yield Deadline(
            subject_type=case_type,
            subject_id=case.pk,
            case_id=case.pk,
            team_id=case.team_id,
            owner=case.lead_professional,
            label=f"Case {case.pk}",
            kind=ASSESSMENT_COMPLETE.value,
            due_on=due,
            opened_on=case.opened_on,
            status=(
                ("missed" if due < today else "open")
                if closed is None
                else ("met" if closed <= due else "missed")
            ),
            closed_on=closed,
        )
    for plan in plans:
        due = plan.requested_on + dt.timedelta(weeks=20)
        final = plan.first_final_issued_on
        yield Deadline(
            subject_type=plan_type,
            subject_id=plan.pk,
            case_id=plan.case_id,
            team_id=plan.case.team_id,
            owner=plan.case.lead_professional,
            label=f"EHC plan {plan.pk}",
            kind=FINAL_PLAN.value,
            due_on=due,
            opened_on=plan.requested_on,
            status=("met" if final <= due else "missed")
            if final
            else ("missed" if due < today else "open"),
            closed_on=final,
            exception="exceptional_circumstances" if rng.random() < 0.03 else "",
        )
