"""A synthetic caseload at council or county scale, seeded and reproducible, written in bulk.

    python manage.py generate_caseload --scale small --seed 1
    python bench/generate.py --scale large --seed 1

The same seed and anchor day give the same rows. Records are written straight to the tables
(`bulk_create`), not through the engine: this is data as a migration from another system would
load it, with every machine's states, deadlines met and missed, a year of ledger entries per
budget, and sessions across every type of service.
"""

from __future__ import annotations

import datetime as dt
import random
import sys
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from decimal import Decimal
from itertools import islice
from typing import Any, TextIO

SCALES = {
    # children, sessions, ledger entries, teams
    "tiny": (60, 600, 2_000, 2),
    "small": (3_000, 60_000, 200_000, 6),
    "large": (30_000, 1_000_000, 3_000_000, 30),
}
BATCH = 5_000

NEEDS = ["ASD", "SLCN", "SEMH", "MLD", "SLD", "PMLD", "SPLD", "PD", "HI", "VI", "MSI", "DS", "OTH"]
NEED_WEIGHTS = [30, 18, 15, 9, 6, 3, 5, 4, 2, 2, 1, 2, 3]
SERVICE_TYPES = [
    ("day_activity", "session", "30.00"),
    ("after_school", "session", "22.50"),
    ("holiday_scheme", "session", "45.00"),
    ("sitting_or_home_support", "hour", "18.75"),
    ("family_based_overnight", "night", "120.00"),
    ("residential_overnight", "night", "310.00"),
    ("leisure_inclusion", "session", "12.00"),
]
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
GIVEN = ["Amelia", "Noah", "Olivia", "Oliver", "Isla", "George", "Ava", "Harry", "Mia", "Leo"]
FAMILY = ["Smith", "Jones", "Taylor", "Brown", "Williams", "Wilson", "Johnson", "Davies", "Patel"]


@dataclass
class Counts:
    rows: dict[str, int]
    seconds: float


class Progress:
    """Rows written per table, with a bar, on one line per table."""

    def __init__(self, out: TextIO, quiet: bool) -> None:
        self.out = out
        self.quiet = quiet
        self.rows: dict[str, int] = {}

    def write(self, table: str, model: Any, objects: Iterable[Any], total: int) -> list[Any]:
        written: list[Any] = []
        iterator = iter(objects)
        while chunk := list(islice(iterator, BATCH)):
            written.extend(model.objects.bulk_create(chunk, batch_size=BATCH))
            self._bar(table, len(written), total)
        self.rows[table] = self.rows.get(table, 0) + len(written)
        if not self.quiet:
            self.out.write("\n")
        return written

    def _bar(self, table: str, done: int, total: int) -> None:
        if self.quiet:
            return
        share = min(done / total, 1.0) if total else 1.0
        bar = "#" * int(share * 30)
        self.out.write(f"\r{table:<16} [{bar:<30}] {done:>10,}")
        self.out.flush()


def generate(
    scale: str = "small",
    *,
    seed: int = 1,
    anchor: dt.date | None = None,
    out: TextIO = sys.stdout,
    quiet: bool = False,
) -> Counts:
    """Write a caseload of `scale` into the database Django is configured for."""
    from django.contrib.auth.hashers import make_password
    from django.contrib.auth.models import Group
    from django.contrib.contenttypes.models import ContentType
    from django.db import transaction

    from accounts.models import Team, TeamMembership, User
    from accounts.roles import Role
    from budgets.models import LedgerEntry, PersonalBudget
    from casework.models import Assessment, Case, Child, EHCPlan, Referral, Review, ReviewStatus
    from commissioning.models import Feedback, quarter_start
    from shortbreaks.models import Package, Provider, Service, Session
    from workflows import clock
    from workflows.models import Deadline

    children_total, sessions_total, entries_total, teams_total = SCALES[scale]
    rng = random.Random(seed)
    today = anchor or clock.today()
    year_start = dt.date(today.year if today.month >= 4 else today.year - 1, 4, 1)
    started = time.perf_counter()
    progress = Progress(out, quiet)
    password = make_password(None)  # generated logins cannot sign in
    # Logins and names are unique; a second caseload in the same database gets its own.
    tag = f"{scale}-{seed}-{User.objects.count()}"

    def days_ago(low: int, high: int) -> dt.date:
        return today - dt.timedelta(days=rng.randint(low, high))

    with transaction.atomic():
        groups = {role: Group.objects.get_or_create(name=role)[0] for role in Role.values}
        teams = progress.write(
            "teams",
            Team,
            (Team(name=f"Bench team {tag} {n + 1}") for n in range(teams_total)),
            teams_total,
        )
        staff_per_team = 10
        users = progress.write(
            "users",
            User,
            (
                User(
                    email=f"staff{n}.{tag}@bench.invalid",
                    full_name=f"{rng.choice(GIVEN)} {rng.choice(FAMILY)}",
                    password=password,
                )
                for n in range(teams_total * staff_per_team)
            ),
            teams_total * staff_per_team,
        )
        practitioners: dict[int, list[Any]] = {team.pk: [] for team in teams}
        memberships, roles = [], []
        for index, user in enumerate(users):
            team = teams[index // staff_per_team]
            memberships.append(TeamMembership(team=team, user=user))
            manager = index % staff_per_team < 2
            roles.append(
                User.groups.through(
                    user_id=user.pk,
                    group_id=groups[Role.TEAM_MANAGER if manager else Role.PRACTITIONER].pk,
                )
            )
            practitioners[team.pk].append(user)
        progress.write("memberships", TeamMembership, memberships, len(memberships))
        progress.write("user roles", User.groups.through, roles, len(roles))

        children = progress.write(
            "children",
            Child,
            (
                Child(
                    given_name=rng.choice(GIVEN),
                    family_name=rng.choice(FAMILY),
                    date_of_birth=days_ago(30, 25 * 365),
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
                    lead_professional=rng.choice(practitioners[child.team_id]),
                    status=(state := rng.choices(states, weights)[0]),
                    opened_on=days_ago(20, 900),
                    closed_on=days_ago(0, 19) if state == "closed" else None,
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
            requested = days_ago(30, 800)
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

        case_type = ContentType.objects.get_for_model(Case)
        plan_type = ContentType.objects.get_for_model(EHCPlan)

        def deadlines() -> Iterator[Any]:
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
                    kind="assessment_complete",
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
                    kind="final_plan",
                    due_on=due,
                    opened_on=plan.requested_on,
                    status=("met" if final <= due else "missed")
                    if final
                    else ("missed" if due < today else "open"),
                    closed_on=final,
                    exception="exceptional_circumstances" if rng.random() < 0.03 else "",
                )

        progress.write("deadlines", Deadline, deadlines(), len(cases) + len(plans))

        with_budgets = [case for case in cases if case.status != "closed"]
        rng.shuffle(with_budgets)
        budget_count = max(1, entries_total // 200)
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
                end_on=dt.date(year_start.year + 1, 3, 31),
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
        author = users[0]
        per_budget = max(2, entries_total // len(budgets))
        year_days = max((min(today, budgets[0].end_on) - year_start).days, 1)

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

        written = progress.write(
            "ledger entries", LedgerEntry, entries(), per_budget * len(budgets)
        )
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

        providers = progress.write(
            "providers",
            Provider,
            (
                Provider(
                    name=f"Bench provider {tag} {n + 1}",
                    kind=rng.choice(["council", "voluntary", "private", "foster_carer_scheme"]),
                )
                for n in range(max(4, teams_total * 3))
            ),
            max(4, teams_total * 3),
        )
        services = progress.write(
            "services",
            Service,
            (
                Service(
                    provider=providers[n % len(providers)],
                    name=f"{kind.replace('_', ' ').capitalize()} {n + 1}",
                    type=kind,
                    access="specialist" if unit == "night" else "targeted",
                    unit=unit,
                    unit_cost=Decimal(cost),
                    capacity=rng.randint(4, 20),
                )
                for n, (kind, unit, cost) in enumerate(SERVICE_TYPES * max(1, teams_total))
            ),
            len(SERVICE_TYPES) * max(1, teams_total),
        )
        sessions_per_package = 20
        package_count = max(1, sessions_total // sessions_per_package)
        open_cases = [case for case in cases if case.status != "closed"]
        packages = progress.write(
            "packages",
            Package,
            (
                Package(
                    child_id=(case := open_cases[n % len(open_cases)]).child_id,
                    team_id=case.team_id,
                    service=(service := rng.choice(services)),
                    status="active",
                    units=sessions_per_package * 2,
                    unit_cost=service.unit_cost,
                    start_on=year_start,
                    end_on=dt.date(year_start.year + 1, 3, 31),
                )
                for n in range(package_count)
            ),
            package_count,
        )
        booker = users[2 % len(users)]

        def sessions() -> Iterator[Any]:
            for package in packages:
                first = rng.randint(0, 30)
                for index in range(sessions_per_package):
                    day = year_start + dt.timedelta(days=first + index * 14)
                    if day < today:
                        status = rng.choices(["delivered", "cancelled", "no_show"], [88, 9, 3])[0]
                    else:
                        status = "booked"
                    yield Session(
                        package=package,
                        date=day,
                        units=Decimal(rng.choice([1, 1, 2, 3])),
                        status=status,
                        booked_by=booker,
                    )

        progress.write("sessions", Session, sessions(), package_count * sessions_per_package)

        parent_count = max(1, children_total // 10)
        parents = progress.write(
            "family logins",
            User,
            (
                User(email=f"parent{n}.{tag}@bench.invalid", password=password)
                for n in range(parent_count)
            ),
            parent_count,
        )
        progress.write(
            "family roles",
            User.groups.through,
            (User.groups.through(user_id=p.pk, group_id=groups[Role.FAMILY].pk) for p in parents),
            parent_count,
        )
        progress.write(
            "feedback",
            Feedback,
            (
                Feedback(
                    child=children[n],
                    team_id=children[n].team_id,
                    given_by=parents[n],
                    given_on=(given_on := days_ago(0, 500)),
                    period_start=quarter_start(given_on),
                    rating=rng.choices([1, 2, 3, 4, 5], [5, 8, 17, 35, 35])[0],
                )
                for n in range(parent_count)
            ),
            parent_count,
        )

    return Counts(progress.rows, time.perf_counter() - started)


def main(argv: list[str] | None = None) -> None:
    import argparse
    import os
    from pathlib import Path

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", choices=SCALES, default="small")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args(argv)
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
    report(generate(args.scale, seed=args.seed))


def report(counts: Counts, out: TextIO = sys.stdout) -> None:
    total = sum(counts.rows.values())
    out.write(f"{total:,} rows in {counts.seconds:.1f} s\n")


if __name__ == "__main__":
    main()
