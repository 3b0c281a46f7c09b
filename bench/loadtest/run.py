"""Pages under load (DESIGN §12): every role's day in Locust against gunicorn with the production
settings, on PostgreSQL, beside a floor page measured in the same run.

    make loadtest                          # large (30,000 children): 50 users for 3 minutes
    make loadtest LOADTEST_SCALE=small     # 3,000 children, the same users and minutes
    LOADTEST_SCALE=tiny …                  # a few users for 10 seconds: proves it runs
    make loadtest LOADTEST_USERS=12 LOADTEST_SECONDS=180 LOADTEST_WORKERS=4   # the defaults but 12

It needs a PostgreSQL server (TEST_DATABASE_URL; `make loadtest` starts the throwaway one of
`make test`), makes a database of its own there, migrates it, generates the caseload
(`bench.generate`), writes a login for each simulated user (prepare.py), collects the static
files as production does and starts gunicorn with DJANGO_ENV=production. Only what a local run
cannot have is set: a random SECRET_KEY, ALLOWED_HOSTS=127.0.0.1, an in-memory Celery broker (no
worker: the outbox keeps what would be sent, as it does while Redis is down) and the floor page
(PATHWAY_LOADTEST_FLOOR). TLS, and so the Secure cookies, HSTS and the HTTPS redirect, is the
proxy's, as in production: the simulated users reach gunicorn as that proxy does (locustfile.py).

Prints per page: requests, errors, median and 95th percentile in milliseconds, and the ratio of
that p95 to the floor's p95; writes the rows to bench/results/loadtest.json (LOADTEST_RESULTS);
exits 1 if a target misses: any error; a page's p95 over 3× the floor's; the uptake report's
over 5×. The measured run is the LOADTEST_SECONDS after the last simulated user has signed in;
what was opened before is listed apart ("ramp: …"). Signing in is listed but has no ratio
target: it hashes a password with Argon2, slow by design, once a session.

The tiny run is the test suite's (tests/bench/test_loadtest.py): there only errors fail it. Its
ratios are printed and not enforced, because ten seconds of six users on a machine busy with the
rest of the suite measure the machine, not the pages.
"""

from __future__ import annotations

import csv
import json
import os
import secrets
import signal
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

SCALE = os.environ.get("LOADTEST_SCALE", "large")
SHORT = SCALE == "tiny"
USERS = int(os.environ.get("LOADTEST_USERS", "6" if SHORT else "50"))
SECONDS = int(os.environ.get("LOADTEST_SECONDS", "10" if SHORT else "180"))
WORKERS = int(os.environ.get("LOADTEST_WORKERS", "4"))
# Seconds a person reads a page before the next; shorter in the short run so it opens pages.
THINK = (0.5, 1.5) if SHORT else (2.0, 6.0)
RESULTS = Path(os.environ.get("LOADTEST_RESULTS", ROOT / "bench" / "results" / "loadtest.json"))
FLOOR = "floor"
PAGE_TARGET = 3.0
REPORT_TARGET = 5.0
NO_TARGET = ("sign in",)
RAMP = "ramp: "  # pages opened before every user had signed in (locustfile.py): no target


def main() -> int:
    server_url = os.environ.get("TEST_DATABASE_URL", "")
    if not server_url.startswith("postgres"):
        sys.stderr.write(
            "The load test runs on PostgreSQL: run it with `make loadtest`, or set "
            "TEST_DATABASE_URL to a server it may make a database on.\n"
        )
        return 2
    work = Path(tempfile.mkdtemp(prefix="pathway-loadtest-"))
    database_url = create_database(server_url)
    try:
        plan = prepare_data(database_url, work)
        static_root = ROOT / ".make" / "loadtest-static"
        env = production_env(database_url, static_root)
        started = time.perf_counter()
        collect_static(env, static_root)
        print(f"Static files collected in {time.perf_counter() - started:.0f} s", flush=True)
        stats = run_under_load(env, plan, work)
    finally:
        drop_database(server_url, database_url)
    rows = judge(stats)
    print_rows(rows)
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(rows, indent=2))
    print(f"\nWritten to {RESULTS}")
    warn_if_saturated(rows)
    errors = sum(row["errors"] for row in rows)
    misses = [row["page"] for row in rows if row["target"] and not row["passed"]]
    if not any(row["page"] == FLOOR for row in rows):
        misses.append("the floor page, never requested: no ratio can be given")
    if errors:
        print(f"FAILED: {errors} errors (the target is none).")
        return 1
    if SHORT:
        print("Short run: no errors. Ratios are printed, not enforced, at this length and scale.")
        return 0
    if misses:
        print("MISSED: " + ", ".join(misses))
        return 1
    print("Every page within its target.")
    return 0


# --- the database -------------------------------------------------------------------------------


def create_database(server_url: str) -> str:
    """A database of the load test's own on the server, so a run never empties another's."""
    import psycopg

    name = f"pathway_loadtest_{os.getpid()}"
    with psycopg.connect(server_url, autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}"')
        connection.execute(f'CREATE DATABASE "{name}"')
    parts = urlsplit(server_url)
    return urlunsplit(parts._replace(path=f"/{name}"))


def drop_database(server_url: str, database_url: str) -> None:
    import psycopg

    try:
        from django.db import connections

        connections.close_all()
    except ImportError:
        pass
    name = urlsplit(database_url).path.lstrip("/")
    with psycopg.connect(server_url, autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def prepare_data(database_url: str, work: Path) -> Path:
    """Migrate, load the plan, generate the caseload, write the accounts; returns the plan file."""
    os.environ["BENCH_DATABASE_URL"] = database_url
    os.environ.pop("DJANGO_SETTINGS_MODULE", None)
    from bench import sweep

    started = time.perf_counter()
    sweep.setup_django()
    print(f"Database migrated in {time.perf_counter() - started:.0f} s", flush=True)
    from bench.generate import generate, report
    from bench.loadtest.prepare import prepare
    from commissioning.services import plan_load

    plan_load(slug="medway-2011")
    print(f"Generating the {SCALE} caseload …", flush=True)
    report(generate(SCALE, seed=1, quiet=True))
    sweep.analyze()
    people = prepare(USERS) | {"think": THINK, "seconds": SECONDS}
    plan = work / "plan.json"
    plan.write_text(json.dumps(people))
    print("Simulated users: " + ", ".join(f"{n} {role}" for role, n in people["counts"].items()))
    return plan


# --- the server ---------------------------------------------------------------------------------


def production_env(database_url: str, static_root: Path) -> dict[str, str]:
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DJANGO_", "BENCH_", "CELERY_", "TEST_DATABASE"))
    }
    return env | {
        "DJANGO_ENV": "production",
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "DATABASE_URL": database_url,
        "ALLOWED_HOSTS": "127.0.0.1",
        "CELERY_BROKER_URL": "memory://",
        "PATHWAY_LOADTEST_FLOOR": "true",
        "PATHWAY_STATIC_ROOT": str(static_root),
        "LOG_LEVEL": "WARNING",
    }


def collect_static(env: dict[str, str], static_root: Path) -> None:
    """The hashed, compressed files and manifest that production's static storage reads;
    collected again only when the built assets or the installed packages are newer (compressing
    them takes minutes on a busy machine)."""
    manifest = static_root / "staticfiles.json"
    sources = [ROOT / "pyproject.toml", *(ROOT / "static" / "build").rglob("*")]
    if manifest.exists() and manifest.stat().st_mtime > max(p.stat().st_mtime for p in sources):
        return
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "--verbosity", "0"],
        cwd=ROOT,
        env=env,
        check=True,
    )


def free_port() -> int:
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def wait_until_up(base: str, server: subprocess.Popen[bytes], log: Path) -> None:
    request = urllib.request.Request(  # noqa: S310 (our own server on the loopback)
        base + "/healthz", headers={"X-Forwarded-Proto": "https"}
    )
    for _ in range(120):
        if server.poll() is not None:
            raise SystemExit("gunicorn stopped:\n" + log.read_text()[-3000:])
        try:
            with urllib.request.urlopen(request, timeout=2) as response:  # noqa: S310
                if response.status == 200:
                    return
        except (urllib.error.URLError, OSError):
            pass  # still starting: its workers are importing Django
        time.sleep(0.5)
    raise SystemExit("gunicorn did not answer /healthz in 60 seconds:\n" + log.read_text()[-3000:])


def run_under_load(env: dict[str, str], plan: Path, work: Path) -> list[dict[str, str]]:
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    log = ROOT / ".make" / "loadtest-gunicorn.log"
    with log.open("wb") as output:
        server = subprocess.Popen(  # noqa: S603
            [
                *(sys.executable, "-m", "gunicorn", "config.wsgi"),
                *("--bind", f"127.0.0.1:{port}", "--workers", str(WORKERS), "--timeout", "60"),
            ],
            cwd=ROOT,
            env=env,
            stdout=output,
            stderr=subprocess.STDOUT,
        )
    try:
        wait_until_up(base, server, log)
        print(
            f"gunicorn ({WORKERS} workers) on {base}: {USERS} users for {SECONDS} s …", flush=True
        )
        prefix = work / "locust"
        spawn_rate = USERS if SHORT else max(1, USERS // 10)
        locustfile = Path(__file__).with_name("locustfile.py")
        # The locustfile stops the run SECONDS after the last sign-in; -t is only a limit.
        subprocess.run(  # noqa: S603
            [
                *(sys.executable, "-m", "locust", "-f", str(locustfile), "--headless"),
                *("--only-summary", "--host", base, "--csv", str(prefix)),
                *("-u", str(USERS), "-r", str(spawn_rate), "-t", f"{SECONDS + 600}s"),
                *("--stop-timeout", "10", "--loglevel", "WARNING"),
            ],
            cwd=ROOT,
            env=env | {"LOADTEST_PLAN": str(plan)},
            check=False,
        )
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=30)
    print_failures(work / "locust_failures.csv", log)
    with (work / "locust_stats.csv").open() as stats:
        return [row for row in csv.DictReader(stats) if row["Name"] != "Aggregated"]


def print_failures(failures: Path, log: Path) -> None:
    if not failures.exists():
        return
    with failures.open() as rows:
        found = list(csv.DictReader(rows))
    if not found:
        return
    print("\nErrors:")
    for row in found[:20]:
        print(f"  {row['Occurrences']:>5} × {row['Name']}: {row['Error']}")
    print(f"(gunicorn's log: {log})")


# --- the figures --------------------------------------------------------------------------------


def judge(stats: list[dict[str, str]]) -> list[dict[str, Any]]:
    by_page = {row["Name"]: row for row in stats}
    floor_p95 = float(by_page[FLOOR]["95%"]) if FLOOR in by_page else 0.0
    rows = []
    for name in sorted(by_page, key=lambda page: (page.startswith(RAMP), page != FLOOR, page)):
        stat = by_page[name]
        p95 = float(stat["95%"])
        errors = int(stat["Failure Count"])
        if name == FLOOR or name.startswith(NO_TARGET) or name.startswith(RAMP):
            target = None
        elif name.startswith("uptake report"):
            target = REPORT_TARGET
        else:
            target = PAGE_TARGET
        ratio = round(p95 / floor_p95, 2) if floor_p95 else None
        rows.append(
            {
                "page": name,
                "requests": int(stat["Request Count"]),
                "requests_per_second": round(float(stat["Requests/s"]), 2),
                "errors": errors,
                "median_ms": float(stat["Median Response Time"]),
                "p95_ms": p95,
                "ratio": ratio,
                "target": target,
                "passed": errors == 0
                and (target is None or (ratio is not None and ratio <= target)),
                "scale": SCALE,
                "users": USERS,
                "seconds": SECONDS,
                "workers": WORKERS,
                "database": "postgresql",
            }
        )
    return rows


def warn_if_saturated(rows: list[dict[str, Any]]) -> None:
    """A floor slower than a person's shortest pause means requests queue for a worker: every
    page then waits as long in the queue, and the ratios say more of the queue than the pages."""
    served = sum(row["requests_per_second"] for row in rows)
    print(f"Served {served:.1f} requests a second with {WORKERS} gunicorn workers.")
    floor = next((row for row in rows if row["page"] == FLOOR), None)
    if floor and floor["median_ms"] > THINK[0] * 1000:
        print(
            f"SATURATED: the floor's median is {floor['median_ms']:g} ms, longer than the "
            f"shortest think time ({THINK[0]:g} s): requests waited for a worker, so each "
            "ratio is mostly that wait. The machine, not the pages, set these times."
        )


def print_rows(rows: list[dict[str, Any]]) -> None:
    print(
        f"\n{'page':32} {'requests':>8} {'errors':>6} {'median ms':>9} {'p95 ms':>7} "
        f"{'× floor':>7} {'target':>6}  result"
    )
    for row in rows:
        target = f"{row['target']:g}" if row["target"] else "–"
        result = "pass" if row["passed"] else ("MISS" if row["errors"] == 0 else "ERRORS")
        print(
            f"{row['page']:32} {row['requests']:>8} {row['errors']:>6} {row['median_ms']:>9g} "
            f"{row['p95_ms']:>7g} {row['ratio'] or '–'!s:>7} {target:>6}  {result}"
        )


if __name__ == "__main__":
    sys.exit(main())
