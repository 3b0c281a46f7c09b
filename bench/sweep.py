"""The reminder sweep over 100,000 open deadlines, against a raw INSERT … SELECT … ON CONFLICT DO
NOTHING of the same reminder rows, measured in the same run (DESIGN §12).

    python bench/sweep.py            # a fresh SQLite file in .make/
    BENCH_DATABASE_URL=postgres://… python bench/sweep.py

Prints a table and writes bench/results/latest.json. The sweep writes the reminder rows only,
as the raw statement does; their messages are put into words by the sender, when it sends them
(DESIGN §6), which is timed on its own line for what it is, not against the raw statement.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
BENCH_DB = ROOT / ".make" / "bench.sqlite3"
DEADLINES = int(os.environ.get("BENCH_DEADLINES", "100000"))
RUNS = 3


def setup_django(sqlite_file: Path = BENCH_DB) -> str:
    """Django on the benchmark's database: BENCH_DATABASE_URL, the throwaway PostgreSQL of
    `scripts/with-postgres` (BENCH_DATABASE=postgres), or else a fresh SQLite file. The database
    is emptied and migrated; returns `sqlite` or `postgresql`."""
    url = os.environ.get("BENCH_DATABASE_URL", "")
    if not url and os.environ.get("BENCH_DATABASE") == "postgres":
        url = os.environ["TEST_DATABASE_URL"]
    if not url:
        sqlite_file.parent.mkdir(exist_ok=True)
        sqlite_file.unlink(missing_ok=True)
        url = f"sqlite:///{sqlite_file}"
    os.environ["DATABASE_URL"] = url
    os.environ.pop("TEST_DATABASE_URL", None)
    # The sender is a separate task: the nudge goes to an in-memory broker, not to e-mail.
    os.environ["CELERY_TASK_ALWAYS_EAGER"] = "false"
    os.environ["CELERY_BROKER_URL"] = "memory://"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    os.environ.setdefault("ALLOWED_HOSTS", "testserver,localhost")
    import django

    django.setup()
    from django.core.management import call_command

    if not url.startswith("sqlite"):
        call_command("flush", interactive=False, verbosity=0)
    call_command("migrate", verbosity=0)
    return "postgresql" if url.startswith("postgres") else "sqlite"


def main() -> None:
    database = setup_django()
    results = measure(database, DEADLINES, scale=f"{DEADLINES} deadlines")
    print_table(results)
    write(results)


def measure(database: str, deadlines: int, *, scale: str) -> list[dict[str, object]]:
    """The sweep and the raw statement over `deadlines` open deadlines, and the sweep's re-run."""
    from django.contrib.auth.models import Group
    from django.contrib.contenttypes.models import ContentType
    from django.db import connection, transaction

    from accounts.models import Team, TeamMembership, User
    from casework.deadlines import ASSESSMENT_COMPLETE
    from workflows import clock
    from workflows.models import Deadline, Notification
    from workflows.reminder_messages import reminders_notify
    from workflows.reminders import _offset_windows, reminders_sweep

    today = clock.today()
    team = Team.objects.create(name="Bench team")
    owner = User.objects.create_user("owner@bench.invalid", "x")
    manager = User.objects.create_user("manager@bench.invalid", "x")
    manager.groups.add(Group.objects.get_or_create(name="team_manager")[0])
    TeamMembership.objects.create(team=team, user=manager)
    kind = ContentType.objects.get_for_model(Deadline)
    started = time.perf_counter()
    with transaction.atomic():
        Deadline.objects.bulk_create(
            (
                Deadline(
                    subject_type=kind,
                    subject_id=number,
                    team=team,
                    owner=owner,
                    kind=ASSESSMENT_COMPLETE.value,
                    label=f"Case {number}",
                    opened_on=today,
                    due_on=today + dt.timedelta(days=number % 90 - 30),
                )
                for number in range(deadlines)
            ),
            batch_size=5000,
        )
    print(f"{deadlines:,} open deadlines written in {time.perf_counter() - started:.1f} s")
    analyze()

    windows = _offset_windows([14, 3, 0])
    cases = " ".join(
        f"WHEN due_on BETWEEN '{today + dt.timedelta(days=low)}' AND "
        f"'{today + dt.timedelta(days=high)}' THEN {offset}"
        for offset, low, high in windows
    )
    escalate_before = clock.add_working_days(today, -1)
    now = "CURRENT_TIMESTAMP"
    select = f"""
        SELECT id, CASE {cases} END, owner_id, {now} FROM workflows_deadline
         WHERE closed_on IS NULL AND owner_id IS NOT NULL
           AND due_on BETWEEN '{today}' AND '{today + dt.timedelta(days=14)}'
        UNION ALL
        SELECT d.id, -1, m.user_id, {now} FROM workflows_deadline d
          JOIN accounts_teammembership m ON m.team_id = d.team_id
          JOIN accounts_user_groups g ON g.user_id = m.user_id
          JOIN auth_group r ON r.id = g.group_id AND r.name = 'team_manager'
         WHERE d.closed_on IS NULL AND d.due_on <= '{escalate_before}'
    """
    columns = "workflows_reminder (deadline_id, offset_days, recipient_id, created_at)"
    if connection.vendor == "sqlite":  # SQLite's spelling of ON CONFLICT DO NOTHING here
        raw = f"INSERT OR IGNORE INTO {columns} {select}"
    else:
        raw = f"INSERT INTO {columns} {select} ON CONFLICT DO NOTHING"

    def raw_insert() -> int:
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(raw)
            return int(cursor.rowcount)

    # Each in turn, three times, from no reminders: on a shared machine one burst of contention
    # would otherwise decide the ratio. The medians are compared.
    raw_times, sweep_times = [], []
    for _ in range(RUNS):
        _empty_reminders()
        started = time.perf_counter()
        raw_rows = raw_insert()
        raw_times.append(time.perf_counter() - started)
        _empty_reminders()
        started = time.perf_counter()
        swept = reminders_sweep(today=today)
        sweep_times.append(time.perf_counter() - started)
    raw_seconds, sweep_seconds = statistics.median(raw_times), statistics.median(sweep_times)
    started = time.perf_counter()
    again = reminders_sweep(today=today)
    rerun_seconds = time.perf_counter() - started
    started = time.perf_counter()
    notified = reminders_notify()
    notify_seconds = time.perf_counter() - started

    ratio = sweep_seconds / raw_seconds if raw_seconds else float("inf")
    results = [
        {
            "what": f"reminder sweep over {deadlines:,} open deadlines",
            "ours": round(sweep_seconds, 3),
            "limit": round(raw_seconds, 3),
            "ratio": round(ratio, 2),
            "target": 1.5,
            "passed": ratio <= 1.5,
            "scale": scale,
            "database": database,
        },
        {
            "what": f"re-run of the sweep: rows inserted (took {rerun_seconds:.2f} s)",
            "ours": again,
            "limit": 0,
            "ratio": 0 if again == 0 else float("inf"),
            "target": 0,
            "passed": again == 0,
            "scale": scale,
            "database": database,
        },
    ]
    print(
        f"raw INSERT … SELECT wrote {raw_rows:,} reminders; the sweep wrote {swept:,} reminders; "
        f"the sender put {notified:,} into words ({Notification.objects.count():,} notifications) "
        f"in {notify_seconds:.1f} s"
    )
    return results


def analyze() -> None:
    """Fresh planner statistics after a bulk load, as autovacuum would soon give a real server."""
    from django.db import connection

    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")


def _empty_reminders() -> None:
    """Start the sweep from no reminders, as the raw statement did: TRUNCATE on PostgreSQL, where
    a DELETE would leave dead index entries for the sweep to wade through."""
    from django.db import connection

    from workflows.models import Reminder

    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("TRUNCATE workflows_reminder")
    else:
        Reminder.objects.all().delete()


def print_table(results: list[dict[str, object]]) -> None:
    print(f"{'what':58} {'ours':>10} {'limit':>10} {'ratio':>7} {'target':>7}  result")
    for row in results:
        print(
            f"{row['what']!s:58} {row['ours']!s:>10} {row['limit']!s:>10} {row['ratio']!s:>7} "
            f"{row['target']!s:>7}  {'pass' if row['passed'] else 'MISS'}"
        )


def write(results: list[dict[str, object]]) -> Path:
    out = Path(os.environ.get("BENCH_RESULTS", ROOT / "bench" / "results" / "latest.json"))
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(results, indent=2))
    return out


if __name__ == "__main__":
    main()
