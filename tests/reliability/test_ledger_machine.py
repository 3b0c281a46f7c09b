"""The ledger driven by hypothesis through every call that moves money (DESIGN §8, issue #15).

Random sequences of bookings, deliveries, cancellations, no-shows, direct-payment runs,
recoveries, adjustments up and down, the end of the package and of the budget, the budget's
suspension and resumption, and the generic ledger posts that must be refused, each asked by a
random person (practitioner, manager, family, provider, commissioner), while the days go by.

After every step: no 5xx, and an error in the shape of DESIGN §8; a refused call or a forbidden
kind changed no money; `committed` and `available` are never below zero; every entry is dated
within its budget's dates and not after the day it was made; the balances the application works
out in SQL (and shows in the statement) equal the sums recomputed here from the raw entries; no
payment or release uses more of a commitment than it had; a session's money follows the session.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from decimal import Decimal
from typing import Any

import pytest
import time_machine
from django.db import transaction
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule, run_state_machine_as_test
from rest_framework.test import APIClient

from accounts.roles import Role
from budgets import services as budgets
from budgets.models import EntryKind, LedgerEntry, PersonalBudget
from budgets.selectors import balances_of
from shortbreaks.models import Package, Session
from tests.factories import (
    ActiveBudgetFactory,
    ActivePackageFactory,
    ChildFactory,
    FamilyMemberFactory,
    ProviderFactory,
    ServiceFactory,
    UserFactory,
    staff,
)

D = dt.date
START = D(2026, 10, 1)
LAST_DAY = D(2027, 5, 31)  # past the budget's end, so that late calls are tried too
ROLES = ("practitioner", "manager", "family", "provider", "commissioner")
EXAMPLES = 25
STEPS = 15
ANSWERED = {200, 201, 400, 403, 404, 409}
OUTCOMES: Counter[str] = Counter()

AMOUNTS = st.one_of(
    st.decimals(Decimal("0.01"), Decimal("300.00"), places=2).map(str),
    st.decimals(Decimal("0.01"), Decimal("2000.00"), places=2).map(str),
    st.sampled_from(["0.00", "-5.00", "9999999999.99", "10000000000.00", "1.001", "ten"]),
)
SENSIBLE_AMOUNTS = st.decimals(Decimal("0.01"), Decimal("150.00"), places=2).map(str)
REASONS = st.sampled_from(["Agreed at the review.", "", "   "])


@pytest.fixture
def world(db):
    """One child with a budget part paid by monthly direct payments, and a package from it."""
    with time_machine.travel(dt.datetime(2026, 10, 1, 10, tzinfo=dt.UTC), tick=False):
        team_child = ChildFactory(date_of_birth=D(2016, 5, 1))
        team = team_child.team
        practitioner = staff(Role.PRACTITIONER, team)
        manager = staff(Role.TEAM_MANAGER, team)
        family = UserFactory(role=Role.FAMILY)
        FamilyMemberFactory(child=team_child, name="Parent", relationship="mother", user=family)
        provider_user = UserFactory(role=Role.PROVIDER)
        provider = ProviderFactory(name="Rochester Short Breaks", users=[provider_user])
        budget = ActiveBudgetFactory(
            child=team_child,
            amount="1500.00",
            practitioner=practitioner,
            manager=manager,
            direct_payment_amount="600.00",
            notional_amount="900.00",
            first_payment_on=D(2026, 4, 1),
        )
        package = ActivePackageFactory(
            child=team_child,
            practitioner=practitioner,
            manager=manager,
            budget=budget,
            service=ServiceFactory(provider=provider, no_show_charged=True),
            units=30,
        )
    people = {
        "practitioner": practitioner,
        "manager": manager,
        "family": family,
        "provider": provider_user,
        "commissioner": UserFactory(role=Role.COMMISSIONER),
    }
    return {"people": people, "budget": budget, "package": package}


def expected_balances(entries: list[dict[str, Any]]) -> dict[str, Decimal]:
    """The balances of DESIGN §3 from the raw entries, worked out here and not by the app."""
    total: Counter[str] = Counter()
    for entry in entries:
        total[entry["kind"]] += entry["amount"]
        if entry["kind"] == EntryKind.PAYMENT and entry["settles_id"] is not None:
            total["settled"] += entry["amount"]
    allocated = total["allocation"] + total["adjustment_up"] - total["adjustment_down"]
    spent = total["payment"] - total["recovery"]
    committed = total["commitment"] - total["commitment_release"] - total["settled"]
    return {
        "allocated": Decimal(allocated),
        "spent": Decimal(spent),
        "committed": Decimal(committed),
        "available": Decimal(allocated - spent - committed),
    }


class MoneyMoves(RuleBasedStateMachine):
    """One example: the world in a savepoint, random calls on random days, all undone."""

    def __init__(self, world: dict[str, Any]) -> None:
        super().__init__()
        self._savepoint = transaction.atomic()
        self._savepoint.__enter__()
        self.budget: PersonalBudget = world["budget"]
        self.package: Package = world["package"]
        self.people = world["people"]
        self.today = START
        self.clients = {}
        for role, user in self.people.items():
            client = APIClient()
            client.force_authenticate(user)
            self.clients[role] = client

    def teardown(self) -> None:
        transaction.set_rollback(True)
        self._savepoint.__exit__(None, None, None)

    # Helpers ------------------------------------------------------------------------------

    @staticmethod
    def sensible(data: st.DataObject) -> bool:
        """Mostly what a person would try, so that walks go deep; often anything at all."""
        return bool(data.draw(st.integers(0, 3), label="sensible") > 0)

    def who(self, data: st.DataObject, sensible: bool, *allowed: str) -> str:
        return data.draw(st.sampled_from(allowed if sensible else ROLES), label="role")

    def amount(self, data: st.DataObject, sensible: bool) -> str:
        return data.draw(SENSIBLE_AMOUNTS if sensible else AMOUNTS, label="amount")

    def reason(self, data: st.DataObject, sensible: bool) -> str:
        return data.draw(st.just("Agreed at the review.") if sensible else REASONS, label="reason")

    def a_date(self, data: st.DataObject, sensible: bool, label: str) -> str | None:
        """Today, a recent day or none; or, now and then, far outside the budget, or tomorrow."""
        recent = st.one_of(st.none(), st.dates(self.today - dt.timedelta(days=30), self.today))
        odd = st.sampled_from([D(2019, 6, 1), D(2030, 1, 1), self.today + dt.timedelta(1)])
        choice = data.draw(recent if sensible else st.one_of(recent, odd), label=label)
        return choice.isoformat() if choice else None

    def on_today(self) -> time_machine.travel:
        return time_machine.travel(
            dt.datetime.combine(self.today, dt.time(10), tzinfo=dt.UTC), tick=False
        )

    def entries(self) -> list[dict[str, Any]]:
        return list(
            LedgerEntry.objects.filter(budget=self.budget).values(
                "pk", "kind", "amount", "settles_id", "entry_on"
            )
        )

    def ask(self, role: str, url: str, body: dict[str, Any], what: str) -> Any:
        before = self.entries()
        with self.on_today():
            response = self.clients[role].post(url, body, format="json")
        assert response.status_code in ANSWERED, (what, response.status_code, response.content)
        OUTCOMES[f"{what} {response.status_code}"] += 1
        if response.status_code >= 400:
            assert set(response.json()) >= {"detail", "code", "fields"}, response.content
            assert self.entries() == before, f"a refused {what} moved money"
        return response

    def session_ids(self, sensible: bool) -> list[int]:
        """Sessions a step can move now, when sensible; any session otherwise."""
        sessions = Session.objects.filter(package=self.package).order_by("pk")
        if sensible:
            sessions = sessions.filter(date__lte=self.today, status="booked")
        return list(sessions.values_list("pk", flat=True))

    # Rules --------------------------------------------------------------------------------

    @rule(days=st.integers(1, 45))
    def days_go_by(self, days: int) -> None:
        self.today = min(self.today + dt.timedelta(days=days), LAST_DAY)

    @rule(data=st.data())
    def book(self, data: st.DataObject) -> None:
        sensible = self.sensible(data)
        span = (-20, 20) if sensible else (-400, 400)
        days = data.draw(
            st.lists(st.integers(*span), min_size=1, max_size=3, unique=True), label="days"
        )
        self.ask(
            self.who(data, sensible, "practitioner", "manager"),
            "/api/v1/shortbreaks/sessions/",
            {
                "package": self.package.pk,
                "units": "1",
                "dates": [(self.today + dt.timedelta(days=day)).isoformat() for day in days],
            },
            "book",
        )

    @rule(
        data=st.data(),
        step=st.sampled_from(
            ["deliver", "cancel", "record_no_show", "correct_to_delivered", "correct_to_no_show"]
        ),
    )
    def session_step(self, data: st.DataObject, step: str) -> None:
        sensible = self.sensible(data)
        ids = self.session_ids(sensible)
        if not ids:
            return
        allowed = {
            "deliver": ("provider", "practitioner"),
            "cancel": ("practitioner",),
            "correct_to_delivered": ("provider", "practitioner"),
        }
        body: dict[str, Any] = {"on": self.a_date(data, sensible, "on")}
        if step == "cancel":
            body["reason"] = "The family cancelled."
        elif step.startswith("correct_to_"):
            body["reason"] = "Recorded in error."
        self.ask(
            self.who(data, sensible, *allowed.get(step, ("provider",))),
            f"/api/v1/shortbreaks/sessions/{data.draw(st.sampled_from(ids))}/transitions/{step}/",
            body,
            step,
        )

    @rule()
    def direct_payments_fall_due(self) -> None:
        with self.on_today():
            paid = budgets.direct_payments_pay_due()
        OUTCOMES["instalments paid"] += paid

    @rule(data=st.data())
    def recover(self, data: st.DataObject) -> None:
        sensible = self.sensible(data)
        body = {"amount": self.amount(data, sensible), "reason": self.reason(data, sensible)}
        on = self.a_date(data, sensible, "entry_on")
        if on is not None:
            body["entry_on"] = on
        self.ask(
            self.who(data, sensible, "manager"),
            f"/api/v1/budgets/{self.budget.pk}/recoveries/",
            body,
            "recover",
        )

    @rule(data=st.data(), kind=st.sampled_from(["adjustment_up", "adjustment_down"]))
    def adjust(self, data: st.DataObject, kind: str) -> None:
        sensible = self.sensible(data)
        body = {
            "kind": kind,
            "amount": self.amount(data, sensible),
            "reason": self.reason(data, sensible),
        }
        on = self.a_date(data, sensible, "entry_on")
        if on is not None:
            body["entry_on"] = on
        self.ask(
            self.who(data, sensible, "manager"),
            f"/api/v1/budgets/{self.budget.pk}/ledger/",
            body,
            kind,
        )

    @rule(
        data=st.data(),
        kind=st.sampled_from(
            ["commitment_release", "commitment", "payment", "recovery", "allocation"]
        ),
    )
    def post_a_forbidden_kind(self, data: st.DataObject, kind: str) -> None:
        sensible = self.sensible(data)
        body: dict[str, Any] = {
            "kind": kind,
            "amount": self.amount(data, sensible),
            "reason": self.reason(data, sensible),
        }
        if data.draw(st.booleans(), label="settles"):
            entries = [entry["pk"] for entry in self.entries()]
            body["settles"] = data.draw(st.sampled_from(entries), label="settles id")
        response = self.ask(
            self.who(data, sensible, "practitioner", "manager"),
            f"/api/v1/budgets/{self.budget.pk}/ledger/",
            body,
            "forbidden",
        )
        assert response.status_code in {400, 403}, response.content

    @rule(data=st.data())
    def end_the_package(self, data: st.DataObject) -> None:
        # Tried less often than the rest, so that most walks keep a package to book on.
        if data.draw(st.integers(0, 2), label="really end") != 2:
            return
        sensible = self.sensible(data)
        self.ask(
            self.who(data, sensible, "practitioner"),
            f"/api/v1/shortbreaks/packages/{self.package.pk}/transitions/end/",
            {"reason": "No longer needed.", "on": self.a_date(data, sensible, "on")},
            "end package",
        )

    @rule(data=st.data(), step=st.sampled_from(["suspend", "resume", "end"]))
    def budget_step(self, data: st.DataObject, step: str) -> None:
        # Ending is tried less often, so that most walks keep a budget to move money on.
        if step == "end" and data.draw(st.integers(0, 3), label="really end") != 3:
            return
        sensible = self.sensible(data)
        self.ask(
            self.who(data, sensible, "manager"),
            f"/api/v1/budgets/{self.budget.pk}/transitions/{step}/",
            {"reason": "Agreed with the family.", "on": self.a_date(data, sensible, "on")},
            f"{step} budget",
        )

    # Invariants ---------------------------------------------------------------------------

    @invariant()
    def the_ledger_keeps_its_rules(self) -> None:
        entries = self.entries()
        budget = PersonalBudget.objects.get(pk=self.budget.pk)
        self.balances_are_never_below_zero_and_equal_the_raw_sums(entries)
        self.every_entry_is_dated_within_the_budget_and_not_after_today(entries, budget)
        self.no_commitment_is_used_more_than_it_had_and_each_release_names_one(entries)
        self.a_sessions_money_follows_the_session(entries, budget)
        self.the_statement_shows_the_same_figures(entries)

    def balances_are_never_below_zero_and_equal_the_raw_sums(
        self, entries: list[dict[str, Any]]
    ) -> None:
        balances = balances_of(self.budget)
        assert balances.committed >= 0
        assert balances.available >= 0
        assert {
            "allocated": balances.allocated,
            "spent": balances.spent,
            "committed": balances.committed,
            "available": balances.available,
        } == expected_balances(entries)

    def every_entry_is_dated_within_the_budget_and_not_after_today(
        self, entries: list[dict[str, Any]], budget: PersonalBudget
    ) -> None:
        first_day = budgets.first_entry_day(budget)
        for entry in entries:
            assert first_day <= entry["entry_on"] <= budget.end_on, entry
            assert entry["entry_on"] <= self.today, entry

    def no_commitment_is_used_more_than_it_had_and_each_release_names_one(
        self, entries: list[dict[str, Any]]
    ) -> None:
        commitments = {e["pk"]: e for e in entries if e["kind"] == EntryKind.COMMITMENT}
        used: Counter[int] = Counter()
        for entry in entries:
            if entry["kind"] == EntryKind.COMMITMENT_RELEASE:
                assert entry["settles_id"] is not None, entry
            if entry["settles_id"] is not None:
                assert entry["settles_id"] in commitments, entry
                used[entry["settles_id"]] += entry["amount"]
        for pk, amount in used.items():
            assert amount <= commitments[pk]["amount"]

    def a_sessions_money_follows_the_session(
        self, entries: list[dict[str, Any]], budget: PersonalBudget
    ) -> None:
        amounts = {e["pk"]: e["amount"] for e in entries if e["kind"] == EntryKind.COMMITMENT}
        settled: Counter[int] = Counter()
        for entry in entries:
            if entry["settles_id"] is not None:
                settled[entry["settles_id"]] += entry["amount"]
        sessions = Session.objects.filter(package=self.package).values_list(
            "pk", "status", "commitment_id"
        )
        for pk, status, commitment_id in sessions:
            left = amounts[commitment_id] - settled[commitment_id]
            if status == "booked" and budget.status != "ended":
                assert left == amounts[commitment_id], (pk, status)
            else:
                assert left == 0, (pk, status)

    def the_statement_shows_the_same_figures(self, entries: list[dict[str, Any]]) -> None:
        with self.on_today():
            response = self.clients["family"].get(f"/api/v1/budgets/{self.budget.pk}/statement/")
        assert response.status_code == 200, response.content
        expected = expected_balances(entries)
        assert {key: Decimal(response.json()[key]) for key in expected} == expected


def test_no_sequence_of_money_moving_calls_breaks_the_ledger(world):
    run_state_machine_as_test(
        lambda: MoneyMoves(world),
        settings=settings(
            max_examples=EXAMPLES,
            stateful_step_count=STEPS,
            deadline=None,
            suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
        ),
    )

    print(f"\nledger machine: {dict(sorted(OUTCOMES.items()))}")
    assert any(" 20" in what for what in OUTCOMES), "no call that moves money was accepted"
