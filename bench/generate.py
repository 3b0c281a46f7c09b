"""A synthetic caseload at council or county scale, seeded and reproducible, written in bulk.

    python -m bench.generate --scale small --seed 1
    python -m bench.generate --scale large --seed 1 --anchor 2026-11-24
    make generate BENCH_SCALE=small BENCH_SEED=1
    python -m bench.generate --demo      # the demo's second team; `make run` does this


It writes into the database Django is configured for (DATABASE_URL, migrated first) and is
refused when DJANGO_ENV=production. The same seed and anchor day give the same rows. Records are
written straight to the tables (`bulk_create`), not through the engine: this is data as a
migration from another system would load it, with every machine's states, deadlines met and
missed, a year of ledger entries per budget, and sessions across every type of service. Each part
of that world is a module of `bench.world`.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import sys
import time
from dataclasses import dataclass
from typing import TextIO

SCALES = {
    # children, sessions, ledger entries, teams
    "tiny": (60, 600, 2_000, 2),
    # The demo's second team: about the 3,000 EHC plans Medway maintains, in one team.
    "demo": (10_000, 40_000, 80_000, 1),
    "small": (3_000, 60_000, 200_000, 6),
    "large": (30_000, 1_000_000, 3_000_000, 30),
}


# The demo's second team: so the commissioner's report shows figures rather than a page of
# suppressed counts. `--demo` writes it once; a second run finds it and writes nothing.
DEMO_TEAM = "Strood and Rochester Team (generated)"


@dataclass
class Counts:
    rows: dict[str, int]
    seconds: float


def generate(
    scale: str = "small",
    *,
    seed: int = 1,
    anchor: dt.date | None = None,
    out: TextIO = sys.stdout,
    quiet: bool = False,
    team_name: str = "",
) -> Counts:
    """Write a caseload of `scale` into the database Django is configured for. With `team_name`
    (a scale of one team), that team is its name and the caseload's logins are tagged with the
    seed alone, so the same database never gets it twice."""
    # Django is set up by now (by main(), the bench runner or the tests), and not yet when
    # this module is imported.
    from django.contrib.auth.hashers import make_password
    from django.db import transaction

    from accounts.models import Team, User
    from bench.world import budgets, casework, families, shortbreaks, staff
    from bench.world.base import Progress, World
    from workflows import clock

    children_total, sessions_total, entries_total, teams_total = SCALES[scale]
    started = time.perf_counter()
    if team_name and Team.objects.filter(name=team_name).exists():
        return Counts({}, time.perf_counter() - started)
    world = World(
        rng=random.Random(seed),
        today=anchor or clock.today(),
        progress=Progress(out, quiet),
        tag=f"{scale}-{seed}" if team_name else f"{scale}-{seed}-{User.objects.count()}",
        password=make_password(None),
        team_name=team_name,
    )
    with transaction.atomic():
        people = staff.write(world, teams_total)
        cases = casework.write(world, people, children_total)
        budgets.write(world, cases.cases, people.users[0], entries_total)
        shortbreaks.write(
            world, cases.cases, people.users[2 % len(people.users)], teams_total, sessions_total
        )
        families.write(world, cases.children, people.groups)
    return Counts(world.progress.rows, time.perf_counter() - started)


def report(counts: Counts, out: TextIO = sys.stdout) -> None:
    total = sum(counts.rows.values())
    if not total:
        out.write("Nothing written: the caseload is already there.\n")
        return
    out.write(f"{total:,} rows in {counts.seconds:.1f} s\n")


def arguments() -> argparse.ArgumentParser:
    """The generator's options (those of the management command it replaced, same names and
    defaults)."""
    parser = argparse.ArgumentParser(prog="python -m bench.generate", description=__doc__)
    parser.formatter_class = argparse.RawDescriptionHelpFormatter
    parser.add_argument("--scale", choices=list(SCALES), default="small")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument(
        "--anchor",
        type=dt.date.fromisoformat,
        default=None,
        help="The day the data is generated as of (default today), for exact reproduction.",
    )
    parser.add_argument(
        "--demo",
        action="store_true",
        help=f"The demo's second team, {DEMO_TEAM!r}, at the demo scale; once per database.",
    )
    parser.add_argument(
        "-v",
        "--verbosity",
        type=int,
        choices=[0, 1, 2, 3],
        default=1,
        help="0: no progress bars, only the total at the end; 1 or more: a bar per table.",
    )
    parser.add_argument(
        "--settings", help="A settings module instead of DJANGO_SETTINGS_MODULE (config.settings)."
    )
    return parser


def main(argv: list[str] | None = None) -> int:
    options = arguments().parse_args(argv)
    if options.settings:
        os.environ["DJANGO_SETTINGS_MODULE"] = options.settings
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django
    from django.conf import settings

    django.setup()
    if settings.PRODUCTION:
        sys.stderr.write("bench.generate is refused when DJANGO_ENV=production.\n")
        return 1
    counts = generate(
        "demo" if options.demo else options.scale,
        seed=options.seed,
        anchor=options.anchor,
        quiet=options.verbosity == 0,
        team_name=DEMO_TEAM if options.demo else "",
    )
    report(counts)
    return 0


if __name__ == "__main__":
    sys.exit(main())
