"""Personal budgets for the year, each with its allocation and a year of ledger entries."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from decimal import Decimal
from typing import Any

from bench.world.base import World
from budgets.models import LedgerEntry, PersonalBudget

ENTRIES_PER_BUDGET = 200


def write(world: World, cases: list[Any], author: Any, entries_total: int) -> None:
    rng, progress, year_start = world.rng, world.progress, world.year_start
    with_budgets = [case for case in cases if case.status != "closed"]
    rng.shuffle(with_budgets)
    budget_count = max(1, entries_total // ENTRIES_PER_BUDGET)
    with_budgets = with_budgets[:budget_count]

    def budget_for(case: Any) -> Any:
        amount = Decimal(rng.randrange(1_200_00, 12_000_00)) / 100
        direct = amount / 2 if rng.random() < 0.35 else Decimal("0.00")
        return PersonalBudget(
            child_id=case.child_id,
            case=case,
            team_id=case.team_id,
            status=rng.choices(["active", "ended", "suspended"], [85, 10, 5])[0],
            period_start=year_start,
            start_on=year_start,
            end_on=world.year_end,
            approved_on=year_start,
            agreed_amount=amount,
            indicative_amount=amount,
            direct_payment_amount=direct.quantize(Decimal("0.01")),
            notional_amount=(amount - direct).quantize(Decimal("0.01")),
            social_care_amount=amount,
            support_plan="Generated",
            submitted_by=case.lead_professional,
        )

    budgets = progress.write(
        "budgets", PersonalBudget, (budget_for(case) for case in with_budgets), budget_count
    )
    per_budget = max(2, entries_total // len(budgets))
    year_days = max((min(world.today, budgets[0].end_on) - year_start).days, 1)

    def entry(budget: Any, day: dt.date, kind: str, amount: Decimal, **more: Any) -> Any:
        return LedgerEntry(
            budget=budget,
            entry_on=day,
            kind=kind,
            amount=amount,
            description=f"Generated {kind}",
            category="direct_payment" if budget.direct_payment_amount else "other",
            created_by=author,
            **more,
        )

    # A release names the commitment it releases (a database rule): releases are written
    # after the commitments, each against one of its budget's commitments not yet released.
    planned_releases: list[tuple[Any, dt.date, Decimal]] = []

    def entries() -> Iterator[Any]:
        for budget in budgets:
            yield LedgerEntry(
                budget=budget,
                entry_on=year_start,
                kind="allocation",
                amount=budget.agreed_amount,
                description="Budget allocated",
                created_by=author,
            )
            for index in range(per_budget - 1):
                kind = rng.choices(
                    ["payment", "commitment", "commitment_release", "recovery"],
                    [55, 35, 7, 3],
                )[0]
                day = year_start + dt.timedelta(days=index * year_days // per_budget)
                amount = Decimal(rng.randrange(500, 9_000)) / 100
                if kind == "commitment_release":
                    planned_releases.append((budget, day, amount))
                    continue
                yield entry(budget, day, kind, amount)

    written = progress.write("ledger entries", LedgerEntry, entries(), per_budget * len(budgets))
    unreleased: dict[int, list[Any]] = {}
    for row in written:
        if row.kind == "commitment":
            unreleased.setdefault(row.budget_id, []).append(row)

    def releases() -> Iterator[Any]:
        for budget, day, amount in planned_releases:
            open_ones = unreleased.get(budget.pk)
            if not open_ones:
                yield entry(budget, day, "payment", amount)
                continue
            commitment = open_ones.pop(0)
            yield entry(
                budget,
                max(day, commitment.entry_on),
                "commitment_release",
                min(amount, commitment.amount),
                settles_id=commitment.pk,
            )

    progress.write("ledger entries", LedgerEntry, releases(), len(planned_releases))
