"""PostgreSQL crashes in the middle of a load, and comes back.

A real cluster of the test's own (initdb), Pathway under gunicorn on it, loaded with the demo,
and four managers suspending and resuming budgets as fast as they can through the API while
`/healthz` is asked ten times a second. The server is killed (`pg_ctl stop -m immediate`, which
is what a crash looks like to its clients), left down, and started again. Then:

- `/healthz` told the truth throughout: 200 before, 503 while the database was down, 200 after;
- while it was down the API answered 503 with the JSON error shape, never hung nor said 500;
- the service recovered by itself: transitions succeed again, without restarting Pathway;
- no transition is partial: each budget's audit trail alternates suspend/resume from `active`
  and ends where the budget's state is, and no confirmed (200) transition is missing from it.
"""

from __future__ import annotations

import itertools
import os
import pwd
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import psycopg
import pytest
import requests

from tests.conftest import require_binary
from tests.integration.conftest import free_port, patient, wait_until

ROOT = Path(__file__).resolve().parents[2]
VENV_BIN = Path(sys.executable).parent
# The longest any one request may take before it counts as unanswered. Generous, because the
# checks below never wait for it to pass: every phase lasts until enough was seen in it.
REQUEST = patient(30)
# How much each phase must see before the test moves on: counted, not timed, so that a loaded
# machine takes longer over it instead of seeing too little.
HEALTH_CHECKS_PER_PHASE = 3

pytestmark = pytest.mark.skipif(
    bool(os.environ.get("TEST_DATABASE_URL")),
    reason="brings its own PostgreSQL, so it runs once, in the SQLite pass of `make test`",
)


def postgres_bindir() -> Path:
    for candidate in sorted(Path("/usr/lib/postgresql").glob("*/bin"), reverse=True):
        if (candidate / "initdb").exists():
            return candidate
    return Path(require_binary("initdb", suite="PostgreSQL fault")).parent


class PostgresServer:
    """A cluster in a temporary directory that a test may crash and start again."""

    def __init__(self) -> None:
        self.bindir = postgres_bindir()
        self.port = free_port()
        self.workdir = Path(tempfile.mkdtemp(prefix="pathway-pg-fault-"))
        self.as_owner: list[str] = []
        if os.getuid() == 0:  # initdb refuses root: run the server as `postgres`, as CI does
            try:
                pwd.getpwnam("postgres")
            except KeyError:
                useradd = shutil.which("useradd") or "/usr/sbin/useradd"
                subprocess.run([useradd, "--system", "--no-create-home", "postgres"], check=True)
            shutil.chown(self.workdir, "postgres")
            self.as_owner = ["runuser", "-u", "postgres", "--"]
        self.run("initdb", "-D", self.data, "-U", "pathway", "--auth=trust", "-E", "UTF8")

    @property
    def data(self) -> str:
        return str(self.workdir / "data")

    @property
    def url(self) -> str:
        return f"postgres://pathway@127.0.0.1:{self.port}/pathway"

    def run(self, program: str, *args: str) -> None:
        subprocess.run(
            [*self.as_owner, str(self.bindir / program), *args],
            check=True,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )

    def start(self) -> None:
        options = f"-p {self.port} -k {self.workdir} -c listen_addresses=127.0.0.1 -c fsync=off"
        log = str(self.workdir / "log")
        self.run("pg_ctl", "-D", self.data, "-l", log, "-w", "-o", options, "start")

    def crash(self) -> None:
        self.run("pg_ctl", "-D", self.data, "-m", "immediate", "-w", "stop")

    def remove(self) -> None:
        stop = [str(self.bindir / "pg_ctl"), "-D", self.data, "-m", "immediate", "stop"]
        subprocess.run([*self.as_owner, *stop], capture_output=True)
        shutil.rmtree(self.workdir, ignore_errors=True)


@pytest.fixture
def postgres() -> Iterator[PostgresServer]:
    server = PostgresServer()
    server.start()
    server.run("createdb", "-h", "127.0.0.1", "-p", str(server.port), "-U", "pathway", "pathway")
    yield server
    server.remove()


@pytest.fixture
def pathway(postgres: PostgresServer) -> Iterator[str]:
    """Pathway under gunicorn on that cluster, with the demo loaded; yields its base URL."""
    env = {key: value for key, value in os.environ.items() if key != "TEST_DATABASE_URL"}
    env |= {
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "DATABASE_URL": postgres.url,
        "EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend",
        "CELERY_WORKER_HIJACK_ROOT_LOGGER": "false",
    }
    for command in (["migrate", "--noinput"], ["load_demo"]):
        manage = [sys.executable, "manage.py", *command]
        subprocess.run(manage, cwd=ROOT, env=env, check=True, stdout=subprocess.DEVNULL)
    port = free_port()
    gunicorn = [
        str(VENV_BIN / "gunicorn"),
        "config.wsgi:application",
        "--bind",
        f"127.0.0.1:{port}",
    ]
    # gunicorn's own limit on a request is generous: on a loaded machine a slow answer is not a
    # hung worker, and killing it would be a failure of the test, not of Pathway.
    limit = str(int(patient(120)))
    options = ["--workers", "2", "--threads", "4", "--timeout", limit, "--log-level", "warning"]
    # Its log (every request the outage failed, with its traceback) goes to a file, not the run.
    log = (postgres.workdir / "gunicorn.log").open("w")
    server = subprocess.Popen([*gunicorn, *options], cwd=ROOT, env=env, stderr=log)
    base = f"http://127.0.0.1:{port}"

    def healthy() -> bool:
        # A slow first answer (a worker still importing Django) is asked again, not an error.
        try:
            return requests.get(f"{base}/healthz", timeout=REQUEST).status_code == 200
        except requests.RequestException:
            return False

    wait_until(healthy, timeout=180, what="gunicorn serving Pathway")
    yield base
    server.terminate()
    server.wait(timeout=patient(60))
    log.close()


@dataclass
class Budget:
    pk: int
    state: str
    confirmed: int = 0  # transitions answered 200
    uncertain: int = 0  # requests that failed without an answer: may or may not have committed
    after_recovery: int = 0
    answers: list[int] = field(default_factory=list)


def test_a_postgres_crash_mid_load_loses_nothing_and_the_service_recovers(pathway, postgres):
    token = requests.post(
        f"{pathway}/api/v1/auth/token/",
        json={"email": "manager@example.org", "password": "pathway-demo"},
        timeout=REQUEST,
    ).json()["token"]
    session_headers = {"Authorization": f"Token {token}"}
    listed = requests.get(f"{pathway}/api/v1/budgets/", headers=session_headers, timeout=REQUEST)
    budgets = [
        Budget(row["id"], row["status"])
        for row in listed.json()["results"]
        if row["status"] in ("active", "suspended")
    ]
    assert len(budgets) >= 4

    phase = {"name": "before"}  # before, crashing, down, restarting, after
    stop = threading.Event()
    health: list[tuple[str, int]] = []
    down_answers: list[tuple[int, str]] = []

    def poll_health() -> None:
        while not stop.is_set():
            seen_in = phase["name"]
            try:
                code = requests.get(f"{pathway}/healthz", timeout=REQUEST).status_code
            except requests.RequestException:
                code = 0
            if seen_in == phase["name"]:  # not straddling a change of phase
                health.append((seen_in, code))
            time.sleep(0.1)

    def toggle(budget: Budget) -> None:
        client = requests.Session()
        client.headers.update(session_headers)
        while not stop.is_set():
            step = "suspend" if budget.state == "active" else "resume"
            seen_in = phase["name"]
            try:
                response = client.post(
                    f"{pathway}/api/v1/budgets/{budget.pk}/transitions/{step}/",
                    json={"reason": f"Load test: {step}"},
                    timeout=REQUEST,
                )
            except requests.RequestException:
                budget.uncertain += 1
                continue
            budget.answers.append(response.status_code)
            if response.status_code == 200:
                budget.state = response.json()["status"]
                budget.confirmed += 1
                budget.after_recovery += seen_in == "after"
            elif seen_in == phase["name"] == "down":
                down_answers.append((response.status_code, error_code(response)))
            elif response.status_code != 200:
                budget.uncertain += 1  # an answer while the server went down or came back

    threads = [threading.Thread(target=poll_health)]
    threads += [threading.Thread(target=toggle, args=(budget,)) for budget in budgets]
    for thread in threads:
        thread.start()

    def seen(name: str) -> int:
        return sum(1 for seen_in, _ in list(health) if seen_in == name)

    try:
        wait_until(
            lambda: (
                seen("before") >= HEALTH_CHECKS_PER_PHASE
                and all(budget.confirmed >= 1 for budget in budgets)
            ),
            timeout=120,
            what="health checks and transitions answered before the crash",
        )
        phase["name"] = "crashing"  # answers now may be either: neither phase counts them
        postgres.crash()
        phase["name"] = "down"
        wait_until(
            lambda: seen("down") >= HEALTH_CHECKS_PER_PHASE and len(down_answers) >= 1,
            timeout=120,
            what="health checks and transitions answered while the database is down",
        )
        phase["name"] = "restarting"
        postgres.start()
        wait_until(
            lambda: any(code == 200 for seen_in, code in health[-3:] if seen_in == "restarting"),
            timeout=120,
            what="/healthz answering 200 after the restart",
        )
        phase["name"] = "after"
        wait_until(
            lambda: (
                all(budget.after_recovery >= 3 for budget in budgets)
                and seen("after") >= HEALTH_CHECKS_PER_PHASE
            ),
            timeout=120,
            what="every manager's transitions succeeding again",
        )
    finally:
        stop.set()
        for thread in threads:
            thread.join(timeout=patient(60))

    by_phase = {name: [code for seen, code in health if seen == name] for name in PHASES}
    assert by_phase["before"]
    assert set(by_phase["before"]) == {200}
    assert by_phase["down"]
    assert set(by_phase["down"]) == {503}, by_phase["down"]
    assert by_phase["after"]
    assert set(by_phase["after"]) == {200}
    assert down_answers
    assert set(down_answers) == {(503, "unavailable")}, down_answers

    with psycopg.connect(postgres.url.replace("postgres://", "postgresql://")) as db:
        for budget in budgets:
            state = db.execute(
                "SELECT status FROM budgets_personalbudget WHERE id = %s", [budget.pk]
            ).fetchone()[0]
            trail = db.execute(
                "SELECT l.transition, l.source, l.target FROM workflows_transitionlog l "
                "JOIN django_content_type t ON t.id = l.subject_type_id "
                "WHERE t.model = 'personalbudget' AND l.subject_id = %s "
                "AND l.transition IN ('suspend', 'resume') ORDER BY l.id",
                [budget.pk],
            ).fetchall()
            for (_, _, target), (_, source, _) in itertools.pairwise(trail):
                assert source == target, f"budget {budget.pk}: a step the trail does not explain"
            assert trail[-1][2] == state, f"budget {budget.pk} is {state}, its trail says not"
            assert budget.confirmed <= len(trail) <= budget.confirmed + budget.uncertain
    confirmed = sum(budget.confirmed for budget in budgets)
    print(
        f"\n1 crash: {confirmed} transitions confirmed, all in the audit trail (lost 0); "
        f"{len(down_answers)} answers while down, all 503; {len(health)} health checks"
    )


PHASES = ("before", "down", "after")


def error_code(response: requests.Response) -> str:
    try:
        return str(response.json()["code"])
    except (ValueError, KeyError, TypeError):
        return f"not the JSON error shape: {response.text[:80]!r}"
