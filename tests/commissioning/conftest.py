"""A small hand-built caseload for 2026-27 whose every figure is worked out in the tests."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from accounts.roles import Role
from budgets.models import EntryKind
from tests.factories import (
    AssessmentFactory,
    CaseFactory,
    ChildFactory,
    DeadlineFactory,
    FeedbackFactory,
    LedgerEntryFactory,
    PackageFactory,
    PersonalBudgetFactory,
    PlanFactory,
    ProviderFactory,
    ReferralFactory,
    ReviewFactory,
    ServiceFactory,
    SessionFactory,
    UserFactory,
    staff,
)

D = dt.date
YEAR_START = D(2026, 4, 1)


def plan(child, requested_on, first_final=None, last_final=None, exception=False):
    made = PlanFactory(
        child=child,
        requested_on=requested_on,
        first_final_issued_on=first_final,
        last_final_issued_on=last_final or first_final,
    )
    if exception:
        DeadlineFactory(
            subject=made,
            kind="final_plan",
            due_on=requested_on + dt.timedelta(weeks=20),
            opened_on=requested_on,
            exception="exceptional_circumstances",
            team=child.team,
        )
    return made


def assessment(case, completed_on, due_on):
    DeadlineFactory(
        subject=case,
        kind="assessment_complete",
        due_on=due_on,
        opened_on=completed_on - dt.timedelta(days=30),
        closed_on=completed_on,
        status="met" if completed_on <= due_on else "missed",
        team=case.team,
    )
    return AssessmentFactory(
        case=case, started_on=completed_on - dt.timedelta(days=30), completed_on=completed_on
    )


def budget(child, start_on, end_on, *, direct="0.00", ended_on=None, approved_on=None):
    """Active in the caseload's year, whatever its dates."""
    return PersonalBudgetFactory(
        child=child,
        status="active",
        period_start=YEAR_START,
        start_on=start_on,
        end_on=end_on,
        approved_on=approved_on or start_on,
        ended_on=ended_on,
        direct_payment_amount=Decimal(direct),
    )


def session(child, service, day, units, status, booked_by):
    package = PackageFactory(child=child, service=service, units=50, unit_cost=Decimal("10.00"))
    return SessionFactory(
        package=package, date=day, units=Decimal(units), status=status, booked_by=booked_by
    )


@pytest.fixture
def caseload(team):
    """Returns the children by name; the figures each metric must give are in the tests."""
    worker = staff(Role.PRACTITIONER, team)
    children = {name: ChildFactory(team=team) for name in "ABCDEFGHIJ"}
    # Referrals: first and last day of the year count; the days either side do not.
    for received in (D(2026, 4, 1), D(2027, 3, 31), D(2026, 3, 31), D(2027, 4, 1)):
        ReferralFactory(case__child__team=team, received_on=received)
    # Assessments: one by its deadline, one late.
    assessment(CaseFactory(child=children["A"]), D(2026, 5, 10), D(2026, 5, 20))
    assessment(CaseFactory(child=children["B"]), D(2026, 6, 1), D(2026, 5, 25))
    # EHC plans.
    plan(children["A"], D(2026, 1, 5), first_final=D(2026, 5, 25))  # exactly 20 weeks: in time
    plan(children["B"], D(2026, 1, 5), first_final=D(2026, 6, 10), exception=True)  # late
    plan(children["C"], D(2026, 4, 10), first_final=D(2026, 9, 1))  # late (due 28 Aug)
    plan(children["D"], D(2026, 5, 1))  # requested, not issued yet
    amended = plan(
        children["E"], D(2025, 6, 1), first_final=D(2025, 12, 1), last_final=D(2026, 6, 1)
    )
    # Reviews.
    ReviewFactory(
        plan=amended, due_on=D(2026, 6, 5), meeting_on=D(2026, 6, 1), decision_on=D(2026, 6, 29)
    )
    ReviewFactory(
        plan=amended, due_on=D(2026, 6, 20), meeting_on=D(2026, 7, 1), decision_on=D(2026, 8, 1)
    )
    ReviewFactory(plan=amended, due_on=D(2026, 9, 1))
    # The statutory annual review deadlines the reviews rate counts: one met, two missed (each
    # closed late, as one runs at a time); one no longer required and a case's support-plan
    # review, both left out. The dates typed on the reviews above are never read.
    for due_on, status in [
        (D(2026, 6, 5), "met"),
        (D(2026, 6, 20), "missed"),
        (D(2026, 9, 1), "missed"),
        (D(2026, 10, 1), "not_required"),
    ]:
        DeadlineFactory(
            subject=amended,
            kind="annual_review",
            due_on=due_on,
            opened_on=due_on - dt.timedelta(days=364),
            closed_on=due_on + dt.timedelta(days=10) if status == "missed" else due_on,
            status=status,
            team=children["E"].team,
        )
    support_case = CaseFactory(child=children["E"])
    DeadlineFactory(
        subject=support_case,
        kind="annual_review",
        due_on=D(2026, 7, 1),
        opened_on=D(2025, 7, 2),
        closed_on=D(2026, 7, 1),
        status="met",
        team=support_case.team,
    )
    # Budgets: A active on the last day with a direct payment; F ends the day before; G ended in
    # December; H active without a direct payment.
    a_budget = budget(children["A"], YEAR_START, D(2027, 3, 31), direct="100.00")
    budget(children["F"], YEAR_START, D(2027, 3, 30))
    budget(children["G"], YEAR_START, D(2027, 3, 31), ended_on=D(2026, 12, 1))
    budget(children["H"], YEAR_START, D(2027, 3, 31))
    # An entry is dated within its budget's dates: next year's payment is on next year's budget.
    a_next_budget = PersonalBudgetFactory(
        child=children["A"], status="active", start_on=D(2027, 4, 1), approved_on=D(2027, 4, 1)
    )
    for day, kind, amount, on_budget in (
        (D(2026, 4, 1), EntryKind.PAYMENT, "100.00", a_budget),
        (D(2027, 3, 31), EntryKind.PAYMENT, "50.50", a_budget),
        (D(2026, 10, 1), EntryKind.RECOVERY, "20.25", a_budget),
        (D(2027, 4, 1), EntryKind.PAYMENT, "999.00", a_next_budget),
        (D(2026, 5, 1), EntryKind.COMMITMENT, "75.00", a_budget),
    ):
        LedgerEntryFactory(
            budget=on_budget, entry_on=day, kind=kind, amount=Decimal(amount), created_by=worker
        )
    # Short breaks: A in both settings; B day activity (and a cancelled night); C only booked;
    # D three nights with a family-based carer (not a residential setting).
    provider = ProviderFactory(name="Test provider")
    day_club, residential, family_based = (
        ServiceFactory(
            provider=provider,
            name=name,
            type=kind,
            unit=unit,
            unit_cost=Decimal("10.00"),
            capacity=10,
            min_age=0,
            max_age=25,
        )
        for name, kind, unit in (
            ("Club", "day_activity", "session"),
            ("House", "residential_overnight", "night"),
            ("Carers", "family_based_overnight", "night"),
        )
    )
    session(children["A"], day_club, D(2026, 5, 1), "1", "delivered", worker)
    session(children["A"], residential, D(2026, 6, 1), "2", "delivered", worker)
    session(children["B"], day_club, D(2026, 7, 1), "1", "delivered", worker)
    session(children["B"], residential, D(2026, 7, 2), "1", "cancelled", worker)
    session(children["C"], day_club, D(2026, 7, 3), "1", "booked", worker)
    session(children["D"], family_based, D(2026, 8, 1), "3", "delivered", worker)
    # Feedback: 5, 4, 3, 1 in the year; a 5 the year before (one per child per quarter).
    parent = UserFactory(role=Role.FAMILY)
    for name, day, rating in (
        ("A", D(2026, 4, 2), 5),
        ("B", D(2026, 5, 2), 4),
        ("C", D(2026, 6, 2), 3),
        ("A", D(2027, 1, 2), 1),
        ("A", D(2026, 3, 2), 5),
    ):
        FeedbackFactory(child=children[name], given_by=parent, given_on=day, rating=rating)
    return children
