"""The personal budget machine, the append-only ledger, its balances, and direct payments."""

from __future__ import annotations

import datetime as dt
import threading
from decimal import Decimal

import pytest
import time_machine
from django.db import DatabaseError, IntegrityError, connection, connections, transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import workflows
from accounts.roles import Role
from budgets import services
from budgets.demo import ANSWERS, default_scheme
from budgets.models import BudgetStatus, EntryKind, LedgerEntry, PersonalBudget
from budgets.selectors import balances_of, statement
from budgets.services import BudgetExceeded
from casework.models import CaseStatus
from tests.factories import (
    ActiveBudgetFactory,
    CaseFactory,
    ChildFactory,
    RequestedBudgetFactory,
    staff,
)
from workflows.errors import InvalidParams, NotPermitted, TransitionNotAllowed
from workflows.models import Deadline, TransitionLog

D = dt.date
TODAY = dt.datetime(2026, 11, 24, 10, tzinfo=dt.UTC)


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(TODAY, tick=False):
        yield


@pytest.fixture
def child(team):
    return ChildFactory(team=team)


def post(budget, by, kind, amount, **more):
    """Each kind through the service that posts it: a manager's adjustment by hand, a recovery
    through its own service, and the rest as the booking and payment services post them."""
    if kind in services.POSTABLE_KINDS:
        return services.entry_post(by=by, budget=budget, kind=kind, amount=amount, **more)
    if kind == EntryKind.RECOVERY:
        return services.recovery_post(by=by, budget=budget, amount=amount, **more)
    more.pop("reason", None)
    return services.ledger_post(by=by, budget=budget, kind=kind, amount=amount, **more)


# The machine --------------------------------------------------------------------------------

STATES = list(BudgetStatus.values)
TRANSITIONS = {
    "calculate": ([BudgetStatus.REQUESTED], Role.PRACTITIONER, {}),
    "submit": ([BudgetStatus.INDICATIVE], Role.PRACTITIONER, {}),
    "approve": ([BudgetStatus.AWAITING_APPROVAL], Role.TEAM_MANAGER, {}),
    "return_for_changes": ([BudgetStatus.AWAITING_APPROVAL], Role.TEAM_MANAGER, {"reason": "x"}),
    "suspend": ([BudgetStatus.ACTIVE], Role.TEAM_MANAGER, {"reason": "x"}),
    "resume": ([BudgetStatus.SUSPENDED], Role.TEAM_MANAGER, {"reason": "x"}),
    "end": ([BudgetStatus.ACTIVE, BudgetStatus.SUSPENDED], Role.TEAM_MANAGER, {"reason": "x"}),
}


def ready_budget(team, state: str) -> PersonalBudget:
    """A budget put in `state` whose conditions for every step hold."""
    practitioner = staff(Role.PRACTITIONER, team)
    budget = RequestedBudgetFactory(child__team=team, practitioner=practitioner)
    PersonalBudget.objects.filter(pk=budget.pk).update(
        status=state,
        scheme=default_scheme(),
        indicative_amount="900.00",
        answers=ANSWERS,
        agreed_amount="900.00",
        notional_amount="900.00",
        social_care_amount="900.00",
        support_plan="Breaks",
        submitted_by=practitioner,
    )
    return PersonalBudget.objects.get(pk=budget.pk)


@pytest.mark.parametrize(
    ("name", "state"), [(name, state) for name in TRANSITIONS for state in STATES]
)
def test_budget_transition_from_each_state(team, name, state):
    sources, role, params = TRANSITIONS[name]
    budget = ready_budget(team, state)
    actor = staff(role, team)

    if state in sources:
        workflows.transition(budget, name, by=actor, **params)
        assert PersonalBudget.objects.get(pk=budget.pk).status != state or name == "resume"
    else:
        with pytest.raises(TransitionNotAllowed):
            workflows.transition(budget, name, by=actor, **params)
        assert PersonalBudget.objects.get(pk=budget.pk).status == state


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("name", list(TRANSITIONS))
def test_a_failure_inside_a_budget_transition_changes_nothing(team, monkeypatch, name):
    sources, role, params = TRANSITIONS[name]
    budget = ready_budget(team, sources[0])
    before = PersonalBudget.objects.filter(pk=budget.pk).values().get()
    actor = staff(role, team)
    monkeypatch.setattr(TransitionLog.objects, "create", lambda **kw: 1 / 0)

    with pytest.raises(ZeroDivisionError):
        workflows.transition(budget, name, by=actor, **params)

    assert PersonalBudget.objects.filter(pk=budget.pk).values().get() == before
    assert not LedgerEntry.objects.exists()


def test_approving_your_own_submission_is_not_permitted(team, child):
    manager = staff(Role.TEAM_MANAGER, team)
    budget = ready_budget(team, BudgetStatus.INDICATIVE)
    workflows.transition(budget, "submit", by=manager)

    with pytest.raises(NotPermitted) as refused:
        workflows.transition(budget, "approve", by=manager)

    assert "you submitted it" in refused.value.detail


def test_submit_needs_the_splits_to_add_up(team):
    budget = ready_budget(team, BudgetStatus.INDICATIVE)
    PersonalBudget.objects.filter(pk=budget.pk).update(notional_amount="800.00")

    with pytest.raises(TransitionNotAllowed) as refused:
        workflows.transition(budget, "submit", by=staff(Role.PRACTITIONER, team))

    assert "each split must add up" in refused.value.detail


def test_approval_posts_the_allocation_and_opens_the_budget_review(child):
    budget = ActiveBudgetFactory(child=child, amount="1500.00", start_on=D(2026, 6, 1))

    entry = LedgerEntry.objects.get(budget=budget)
    assert (entry.kind, entry.amount, entry.entry_on) == (
        "allocation",
        Decimal("1500.00"),
        D(2026, 6, 1),
    )
    assert Deadline.objects.get(kind="budget_review").due_on == D(2027, 6, 1)
    assert balances_of(budget).available == Decimal("1500.00")


def test_an_approved_budget_lets_the_case_start_support(child, team):
    case = CaseFactory(child=child, status=CaseStatus.PLANNING)
    manager = staff(Role.TEAM_MANAGER, team)
    with pytest.raises(TransitionNotAllowed):
        workflows.transition(case, "start_support", by=manager)

    ActiveBudgetFactory(child=child)

    assert workflows.transition(case, "start_support", by=manager).status == CaseStatus.ACTIVE


def test_ending_the_budget_releases_money_set_aside(child, team):
    budget = ActiveBudgetFactory(child=child, amount="500.00")
    practitioner = staff(Role.PRACTITIONER, team)
    post(budget, practitioner, EntryKind.COMMITMENT, "120.00", description="Booking")

    workflows.transition(budget, "end", by=staff(Role.TEAM_MANAGER, team), reason="Moved away")

    balances = balances_of(budget)
    assert (balances.committed, balances.available) == (Decimal("0.00"), Decimal("500.00"))
    assert LedgerEntry.objects.filter(kind="commitment_release").count() == 1


def test_split_that_does_not_add_up_is_a_400_naming_the_field(team, child, practitioner):
    budget = services.budget_request(by=practitioner, child=child, start_on=D(2026, 4, 1))

    with pytest.raises(InvalidParams) as invalid:
        services.budget_plan(
            by=practitioner,
            budget=budget,
            agreed_amount="1000.00",
            direct_payment_amount="600.00",
            notional_amount="300.00",
            social_care_amount="1000.00",
        )

    assert invalid.value.fields == {
        "direct_payment_amount": [
            "The delivery split adds up to £900.00, not the agreed £1,000.00."
        ]
    }


def test_one_active_budget_per_child_per_period_is_a_database_rule(child):
    first = ActiveBudgetFactory(child=child)
    second = ready_budget(first.team, BudgetStatus.AWAITING_APPROVAL)
    PersonalBudget.objects.filter(pk=second.pk).update(child=child)

    with pytest.raises(IntegrityError), transaction.atomic():
        PersonalBudget.objects.filter(pk=second.pk).update(status=BudgetStatus.ACTIVE)


# The ledger ---------------------------------------------------------------------------------


def test_balances_follow_the_formulas_of_the_design(child, team):
    budget = ActiveBudgetFactory(child=child, amount="1000.00")
    practitioner, manager = staff(Role.PRACTITIONER, team), staff(Role.TEAM_MANAGER, team)
    booked = post(budget, practitioner, EntryKind.COMMITMENT, "100.00")
    post(budget, practitioner, EntryKind.COMMITMENT, "50.00")
    post(budget, practitioner, EntryKind.PAYMENT, "100.00", settles=booked)
    post(
        budget,
        practitioner,
        EntryKind.PAYMENT,
        "200.00",
        description="Direct payment",
        category="direct_payment",
    )
    post(budget, manager, EntryKind.ADJUSTMENT_UP, "80.00", reason="Review")
    post(budget, manager, EntryKind.ADJUSTMENT_DOWN, "30.00", reason="Correction")
    post(budget, manager, EntryKind.RECOVERY, "40.00", reason="Unspent")

    balances = balances_of(budget)

    assert balances.allocated == Decimal("1050.00")  # 1000 + 80 − 30
    assert balances.spent == Decimal("260.00")  # 100 + 200 − 40
    assert balances.committed == Decimal("50.00")  # 150 − 0 released − 100 paid
    assert balances.available == Decimal("740.00")


def test_an_entry_that_would_overdraw_is_refused_with_the_available_amount(child, team):
    budget = ActiveBudgetFactory(child=child, amount="100.00")
    practitioner = staff(Role.PRACTITIONER, team)
    post(budget, practitioner, EntryKind.COMMITMENT, "60.00")

    with pytest.raises(BudgetExceeded) as refused:
        post(budget, practitioner, EntryKind.PAYMENT, "40.01")

    assert refused.value.code == "budget_exceeded"
    assert refused.value.extra == {"available": "40.00"}
    assert LedgerEntry.objects.filter(budget=budget).count() == 2


@pytest.mark.parametrize(
    "amount", ["0", "0.00", "-5.00", "10.001", "abc", "", None, 12.5, "NaN", "1e3"]
)
def test_bad_amounts_are_400_naming_the_field(child, team, amount):
    budget = ActiveBudgetFactory(child=child)

    with pytest.raises(InvalidParams) as invalid:
        post(budget, staff(Role.PRACTITIONER, team), EntryKind.PAYMENT, amount)

    assert "amount" in invalid.value.fields


def test_adjustments_are_for_managers_with_a_reason(child, team):
    budget = ActiveBudgetFactory(child=child)

    with pytest.raises(NotPermitted):
        post(budget, staff(Role.PRACTITIONER, team), EntryKind.ADJUSTMENT_UP, "10.00", reason="x")
    with pytest.raises(InvalidParams) as invalid:
        post(budget, staff(Role.TEAM_MANAGER, team), EntryKind.ADJUSTMENT_UP, "10.00")

    assert invalid.value.fields == {"reason": ["Enter the reason."]}


def test_nothing_is_posted_to_a_budget_that_is_not_active(team):
    budget = ready_budget(team, BudgetStatus.AWAITING_APPROVAL)

    with pytest.raises(TransitionNotAllowed):
        post(budget, staff(Role.PRACTITIONER, team), EntryKind.PAYMENT, "10.00")


@pytest.mark.parametrize(
    "statement_sql",
    ["UPDATE budgets_ledgerentry SET amount = 1", "DELETE FROM budgets_ledgerentry"],
)
def test_the_database_refuses_to_change_or_delete_ledger_rows(child, statement_sql):
    budget = ActiveBudgetFactory(child=child)

    with (
        pytest.raises(DatabaseError, match="append-only"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute(statement_sql)

    assert LedgerEntry.objects.get(budget=budget).amount == Decimal("1200.00")


def test_the_orm_cannot_change_a_ledger_row_either(child):
    entry = LedgerEntry.objects.get(budget=ActiveBudgetFactory(child=child))
    entry.amount = Decimal("1.00")

    with pytest.raises(DatabaseError), transaction.atomic():
        entry.save()
    with pytest.raises(DatabaseError), transaction.atomic():
        LedgerEntry.objects.filter(pk=entry.pk).delete()


ENTRY = st.tuples(
    st.sampled_from(
        [
            EntryKind.COMMITMENT,
            EntryKind.PAYMENT,
            EntryKind.ADJUSTMENT_UP,
            EntryKind.ADJUSTMENT_DOWN,
            "settle",
            "release",
        ]
    ),
    st.decimals(min_value=Decimal("0.01"), max_value=Decimal("400.00"), places=2),
)


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(entries=st.lists(ENTRY, max_size=12))
def test_statement_equals_the_sums_and_available_never_goes_below_zero(team, entries):
    with transaction.atomic():
        budget = ActiveBudgetFactory(child__team=team, amount="500.00")
        practitioner, manager = staff(Role.PRACTITIONER, team), staff(Role.TEAM_MANAGER, team)
        accepted = []
        for kind, amount in entries:
            settles = LedgerEntry.objects.filter(budget=budget, kind=EntryKind.COMMITMENT).last()
            real_kind = {"settle": EntryKind.PAYMENT, "release": EntryKind.COMMITMENT_RELEASE}.get(
                kind, kind
            )
            extra = {"settles": settles} if kind in {"settle", "release"} else {}
            if kind in {"settle", "release"} and settles is None:
                continue
            try:
                with transaction.atomic():
                    post(
                        budget,
                        manager if "adjustment" in kind else practitioner,
                        real_kind,
                        str(amount),
                        reason="because",
                        **extra,
                    )
                accepted.append((real_kind, amount, bool(extra)))
            except (BudgetExceeded, InvalidParams):
                pass
            assert balances_of(budget).available >= 0

        def total(*kinds, settled=None):
            return sum(
                (a for k, a, s in accepted if k in kinds and (settled is None or s == settled)),
                Decimal(0),
            )

        result = statement(budget)
        allocated = (
            Decimal("500.00") + total(EntryKind.ADJUSTMENT_UP) - total(EntryKind.ADJUSTMENT_DOWN)
        )
        spent = total(EntryKind.PAYMENT)
        committed = (
            total(EntryKind.COMMITMENT)
            - total(EntryKind.COMMITMENT_RELEASE)
            - total(EntryKind.PAYMENT, settled=True)
        )
        assert result.balances.allocated == allocated
        assert result.balances.spent == spent
        assert result.balances.committed == committed
        assert result.balances.available == allocated - spent - committed >= 0
        assert len(result.entries) == len(accepted) + 1
        transaction.set_rollback(True)


# Direct payments ----------------------------------------------------------------------------


def test_monthly_instalments_add_up_to_the_direct_payment_exactly(child):
    budget = ActiveBudgetFactory(
        child=child,
        amount="1000.00",
        start_on=D(2026, 4, 1),
        direct_payment_amount="1000.00",
        notional_amount="0.00",
        first_payment_on=D(2026, 4, 1),
    )

    schedule = services.direct_payment_schedule(budget)

    assert len(schedule) == 12
    assert schedule[0].amount == Decimal("83.33")
    assert schedule[-1].amount == Decimal("83.37")
    assert sum(i.amount for i in schedule) == Decimal("1000.00")
    assert schedule[-1].due_on == D(2027, 3, 1)


def test_four_weekly_instalments(child):
    budget = ActiveBudgetFactory(
        child=child,
        amount="1300.00",
        by_direct_payments=True,
        first_payment_on=D(2026, 4, 6),
        direct_payment_frequency="four_weekly",
    )

    schedule = services.direct_payment_schedule(budget)

    assert [i.due_on for i in schedule[:3]] == [D(2026, 4, 6), D(2026, 5, 4), D(2026, 6, 1)]
    assert len(schedule) == 13
    assert sum(i.amount for i in schedule) == Decimal("1300.00")


def test_due_instalments_are_paid_once_and_the_first_opens_the_review(child):
    budget = ActiveBudgetFactory(
        child=child,
        amount="1200.00",
        by_direct_payments=True,
    )

    first, second = services.direct_payments_pay_due(), services.direct_payments_pay_due()

    assert (first, second) == (8, 0)  # April to November 2026
    assert balances_of(budget).spent == Decimal("800.00")
    # Within the first 3 months of the payments (PB Regs 2014 reg 11): 1 April to 30 June.
    assert Deadline.objects.get(kind="direct_payment_review").due_on == D(2026, 6, 30)


# Concurrency on PostgreSQL ------------------------------------------------------------------


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_commitments_posted_at_once_never_overdraw(team):
    if connection.vendor != "postgresql":
        pytest.skip("row locks need PostgreSQL; `make test` runs this suite there too")
    budget = ActiveBudgetFactory(child__team=team, amount="100.00")
    practitioner = staff(Role.PRACTITIONER, team)
    barrier = threading.Barrier(6)
    outcomes: list[str] = []

    def book() -> None:
        try:
            barrier.wait()
            post(budget, practitioner, EntryKind.COMMITMENT, "30.00")
            outcomes.append("booked")
        except BudgetExceeded:
            outcomes.append("refused")
        finally:
            connections.close_all()

    threads = [threading.Thread(target=book) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert sorted(outcomes) == ["booked"] * 3 + ["refused"] * 3
    assert balances_of(budget).available == Decimal("10.00")
