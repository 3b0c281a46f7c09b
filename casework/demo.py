"""Demo families at many points of the journey, moved there through the real engine.

Every step goes through the services and `workflows.transition` with an effective date in the
past, so the audit trail and deadlines (some met, some met late, some overdue) are what the
engine itself produces. Cases in `active` and later need an approved budget or a package: the
budgets and short-breaks demos bring those.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import workflows
from accounts.demo import DEMO_TEAM
from accounts.models import Team, User
from casework import demo_requests, demo_team, services
from casework.models import Child, FamilyMember, ReviewOutcome
from workflows import clock


@dataclass
class DemoChild:
    given_name: str
    family_name: str
    age_years: int
    need: str
    parent: str
    case_steps: list[str] = field(default_factory=list)
    plan_steps: list[str] = field(default_factory=list)
    referral_days_ago: int = 120
    request_days_ago: int = 100
    login: str = ""
    lead: str = "practitioner@example.org"
    assessment_days: int = 50


SECTIONS: services.PlanChanges = {
    "section_a": "Loves swimming and music; wants to make friends at school.",
    "section_b": "Significant difficulties with social communication and sensory processing.",
    "section_e": "By the end of key stage 2, will ask for help using a communication aid.",
    "section_f": "Daily small-group support from a trained teaching assistant; speech and "
    "language therapy twice a term.",
    "section_j": "A personal budget for short breaks is being considered.",
}

# Offsets in days before today for each step; later steps are nearer today.
CHILDREN = [
    DemoChild(
        "Amelia",
        "Collins",
        9,
        "ASD",
        "Sarah Collins",
        ["accept", "assess"],
        ["agree", "draft"],
        login="parent@example.org",
        assessment_days=75,
    ),
    DemoChild(
        "Noah",
        "Hughes",
        4,
        "DS",
        "Daniel Hughes",
        ["accept", "assess"],
        ["agree", "draft", "final"],
        referral_days_ago=210,
        request_days_ago=200,
        login="parent2@example.org",
    ),
    DemoChild("Oliver", "Bennett", 12, "SLCN", "Emma Bennett", referral_days_ago=3),
    DemoChild(
        "Isla",
        "Patel",
        7,
        "PD",
        "Ravi Patel",
        ["accept", "start_assessment"],
        referral_days_ago=20,
    ),
    DemoChild("Harry", "Wilson", 15, "SEMH", "Karen Wilson", ["signpost"], referral_days_ago=300),
    DemoChild(
        "Sophie",
        "Taylor",
        11,
        "MLD",
        "James Taylor",
        ["accept", "not_eligible"],
        referral_days_ago=250,
        lead="practitioner2@example.org",
    ),
    DemoChild(
        "Jack",
        "Robinson",
        10,
        "HI",
        "Lucy Robinson",
        ["accept", "assess"],
        ["request"],
        referral_days_ago=60,
        request_days_ago=42,  # the decision whether to assess is due today
    ),
    DemoChild(
        "Ruby",
        "Shah",
        8,
        "ASD",
        "Anjali Shah",
        ["accept", "assess"],
        ["request"],
        referral_days_ago=80,
        request_days_ago=39,  # ... and here in 3 days
    ),
    DemoChild(
        "Grace",
        "Evans",
        13,
        "VI",
        "Megan Evans",
        ["accept", "assess"],
        ["refuse"],
        referral_days_ago=100,
        request_days_ago=80,
        lead="practitioner2@example.org",
    ),
    DemoChild(
        "Leo",
        "Thompson",
        8,
        "SPLD",
        "Chris Thompson",
        ["accept", "assess"],
        ["agree", "not_issued"],
        referral_days_ago=200,
        request_days_ago=170,
    ),
    DemoChild(
        "Mia",
        "Walker",
        16,
        "PMLD",
        "Helen Walker",
        ["accept", "assess"],
        ["agree", "draft", "final"],
        referral_days_ago=700,
        request_days_ago=620,
    ),
    DemoChild(
        "Ethan",
        "Wright",
        14,
        "ASD",
        "Paul Wright",
        ["accept", "assess"],
        ["agree", "draft", "final", "review"],
        referral_days_ago=700,
        request_days_ago=600,
    ),
    DemoChild(
        "Ava",
        "Green",
        17,
        "SLD",
        "Nicola Green",
        ["accept", "assess"],
        ["agree", "draft", "final", "review", "cease"],
        referral_days_ago=700,
        request_days_ago=600,
        lead="practitioner2@example.org",
    ),
    DemoChild(
        "Freddie",
        "Hall",
        6,
        "OTH",
        "Zoe Hall",
        ["accept", "assess"],
        ["agree", "draft", "final", "review", "amend"],
        referral_days_ago=700,
        request_days_ago=600,
    ),
    DemoChild(
        "Poppy",
        "Clarke",
        3,
        "SLCN",
        "Amy Clarke",
        ["accept", "assess"],
        ["agree"],
        referral_days_ago=90,
        request_days_ago=50,
    ),
]


def _ago(days: int) -> dt.date:
    return clock.today() - dt.timedelta(days=days)


def _case_journey(spec: DemoChild, child: Child, worker: User, manager: User) -> None:
    received = spec.referral_days_ago
    referral = services.referral_receive(
        by=worker,
        child=child,
        received_on=_ago(received),
        source="parent",
        reason=f"{child.given_name}'s family asked for help with care at home.",
        consent_to_share=spec.given_name != "Oliver",
        consent_given_by=spec.parent,
    )
    case = referral.case
    for step in spec.case_steps:
        if step == "signpost":
            workflows.transition(
                case,
                "signpost",
                by=worker,
                on=_ago(received - 1),
                reason="Needs met by the universal youth offer.",
            )
            continue
        if step == "accept":
            case = workflows.transition(case, "accept_referral", by=worker, on=_ago(received - 1))
            continue
        services.assessment_save(
            by=worker,
            case=case,
            started_on=_ago(received - 5),
            completed_on=None
            if step == "start_assessment"
            else _ago(received - spec.assessment_days),
            outcome={"assess": "eligible", "not_eligible": "no_eligible_need"}.get(step, ""),
            summary_of_needs="Needs help with personal care and communication.",
        )
        if step == "assess":
            # Amelia's assessment finishes late: 75 days is more than 45 working days.
            finished = _ago(received - spec.assessment_days)
            workflows.transition(case, "complete_assessment", by=worker, on=finished)
        elif step == "not_eligible":
            finished = _ago(received - spec.assessment_days)
            workflows.transition(case, "close_no_eligible_need", by=worker, on=finished)


def _plan_journey(spec: DemoChild, child: Child, worker: User, manager: User) -> None:
    requested = spec.request_days_ago
    plan = services.plan_request(
        by=worker, child=child, requested_on=_ago(requested), requested_by="parent"
    )
    day = requested
    for step in spec.plan_steps:
        if step == "request":
            continue
        if step == "refuse":
            workflows.transition(
                plan,
                "refuse_to_assess",
                by=manager,
                on=_ago(requested - 35),
                reason="The school can meet the needs from its own resources.",
            )
        elif step == "agree":
            day = requested - 40
            plan = workflows.transition(plan, "agree_to_assess", by=manager, on=_ago(day))
            demo_team.advice_while_assessing(child, plan, worker=worker, agreed_days_ago=day)
        elif step == "not_issued":
            workflows.transition(
                plan,
                "decide_not_to_issue",
                by=manager,
                on=_ago(day - 70),
                reason="The needs can be met without a plan.",
            )
        elif step == "draft":
            plan = services.plan_update(by=worker, plan=plan, **SECTIONS)
            day = 5 if spec.given_name == "Amelia" else requested - 110
            plan = workflows.transition(plan, "issue_draft", by=worker, on=_ago(day))
        elif step == "final":
            day = day - 30
            plan = workflows.transition(plan, "issue_final", by=manager, on=_ago(day))
        elif step == "review":
            day = 10 if spec.given_name == "Ethan" else 60
            services.review_create(by=worker, plan=plan, meeting_on=_ago(day))
            plan.refresh_from_db()
        elif step in {"cease", "amend"}:
            review = plan.reviews.current().get()
            services.review_update(
                by=worker,
                review=review,
                report_sent_on=_ago(day - 7),
                outcome=ReviewOutcome.CEASE if step == "cease" else ReviewOutcome.AMEND,
            )
            params = (
                {"reason": "Moving to an adult social care placement."} if step == "cease" else {}
            )
            workflows.transition(plan, step, by=manager, on=_ago(day - 20), **params)


def load() -> str:
    team = Team.objects.get(name=DEMO_TEAM)
    manager = User.objects.get(email="manager@example.org")
    made = 0
    for spec in CHILDREN:
        if Child.objects.filter(given_name=spec.given_name, family_name=spec.family_name).exists():
            continue
        worker = User.objects.get(email=spec.lead)
        born = clock.add_months(clock.today(), -12 * spec.age_years - 3)
        child = Child.objects.create(
            given_name=spec.given_name,
            family_name=spec.family_name,
            date_of_birth=born,
            primary_need=spec.need,
            team=team,
            postcode="ME4 4TR",
            ward="Chatham Central",
        )
        FamilyMember.objects.create(
            child=child,
            name=spec.parent,
            relationship="parent",
            has_parental_responsibility=True,
            email=spec.login or "",
            phone="01634 000000",
            user=User.objects.filter(email=spec.login).first() if spec.login else None,
        )
        _case_journey(spec, child, worker, manager)
        if spec.plan_steps:
            _plan_journey(spec, child, worker, manager)
        demo_team.team_around(child, worker=worker)
        made += 1
    demo_requests.waiting_request()
    return f"{made} new children and families"
