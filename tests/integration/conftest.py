"""Real redis-server and Celery worker processes, started by the tests themselves."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import kombu.pools
import pytest
import redis
from celery import Celery
from django.db import connection

from config import celery_app
from tests.conftest import require_binary
from workflows.outbox import NUDGE_THREAD

ROOT = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


# Every wait of these suites polls and returns as soon as its condition holds, so its limit is
# set for a loaded two-core machine rather than a quick one: a generous limit costs a fast run
# nothing. PATHWAY_TEST_PATIENCE multiplies them all for a machine slower still.
PATIENCE = float(os.environ.get("PATHWAY_TEST_PATIENCE", "1"))


def patient(seconds: float) -> float:
    """A limit in seconds for a wait or a request, stretched by PATHWAY_TEST_PATIENCE."""
    return seconds * PATIENCE


def wait_until(check: Callable[[], bool], *, timeout: float, what: str) -> None:
    limit = patient(timeout)
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline:
        if check():
            return
        time.sleep(0.1)
    raise TimeoutError(f"{what} did not happen within {limit:g} s")


class RedisServer:
    """A redis-server on a port of its own, which a test may stop and start again."""

    def __init__(self, binary: str) -> None:
        self.binary = binary
        self.port = free_port()
        self.workdir = tempfile.mkdtemp(prefix="pathway-redis-")
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}"

    def start(self) -> None:
        self.process = subprocess.Popen(
            [
                self.binary,
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
                "--dir",
                self.workdir,
            ],
            stdout=subprocess.DEVNULL,
        )
        client = redis.Redis(port=self.port)

        def answers() -> bool:
            try:
                return bool(client.ping())
            except redis.ConnectionError:
                return False

        wait_until(answers, timeout=60, what="redis-server answering")

    def stop(self) -> None:
        if self.process is not None:
            self.process.terminate()
            self.process.wait(timeout=10)
            self.process = None


@pytest.fixture
def redis_server() -> Iterator[RedisServer]:
    server = RedisServer(require_binary("redis-server", suite="integration"))
    server.start()
    yield server
    server.stop()


@pytest.fixture
def redis_url(redis_server: RedisServer) -> str:
    return redis_server.url


def database_url_of_test_database() -> str:
    settings = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{settings['NAME']}"
    return (
        f"postgres://{settings['USER']}:{settings['PASSWORD'] or ''}@{settings['HOST']}:"
        f"{settings['PORT']}/{settings['NAME']}"
    )


@pytest.fixture
def email_dir(tmp_path: Path) -> Path:
    directory = tmp_path / "emails"
    directory.mkdir()
    return directory


@pytest.fixture
def start_worker(
    redis_url: str, email_dir: Path, transactional_db: None
) -> Iterator[Callable[[], subprocess.Popen[str]]]:
    """Start Celery worker processes on the test database, sending e-mail to files."""
    workers: list[subprocess.Popen[str]] = []
    env = {key: value for key, value in os.environ.items() if key != "TEST_DATABASE_URL"}
    env |= {
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "DATABASE_URL": database_url_of_test_database(),
        "CELERY_BROKER_URL": f"{redis_url}/0",
        "CELERY_RESULT_BACKEND": f"{redis_url}/1",
        "CELERY_TASK_ALWAYS_EAGER": "false",
        "EMAIL_BACKEND": "django.core.mail.backends.filebased.EmailBackend",
        "EMAIL_FILE_PATH": str(email_dir),
    }
    client = Celery(
        "pathway-test-client",
        broker=f"{redis_url}/0",
        backend=f"{redis_url}/1",
        # Not the current app: the application's shared tasks must stay bound to its own.
        set_as_current=False,
    )

    def start() -> subprocess.Popen[str]:
        worker = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "celery",
                "-A",
                "config",
                "worker",
                "--pool=solo",
                "--loglevel=WARNING",
                "--without-heartbeat",
                "--without-gossip",
                "--without-mingle",
                "--hostname",
                f"pathway-test-{os.getpid()}-{len(workers)}@%h",
            ],
            cwd=ROOT,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        workers.append(worker)

        def ready() -> bool:
            if worker.poll() is not None:
                output = worker.stdout.read() if worker.stdout else ""
                raise RuntimeError(f"the Celery worker exited: {output}")
            try:
                replies = client.control.ping(timeout=0.5)
            except Exception:
                return False
            return len(replies) >= len(workers)

        wait_until(ready, timeout=180, what="the Celery worker answering")
        return worker

    yield start
    for worker in workers:
        worker.terminate()
        try:
            worker.wait(timeout=20)
        except subprocess.TimeoutExpired:
            worker.kill()
    client.close()


@pytest.fixture
def celery_client(redis_url: str) -> Iterator[Celery]:
    client = Celery(
        "pathway-test-client",
        broker=f"{redis_url}/0",
        backend=f"{redis_url}/1",
        # Not the current app: the application's shared tasks must stay bound to its own.
        set_as_current=False,
    )
    yield client
    client.close()


@pytest.fixture
def celery_worker(start_worker, celery_client: Celery) -> Celery:
    start_worker()
    return celery_client


@pytest.fixture
def app_publishes_to(redis_url: str) -> Iterator[None]:
    """The application itself (not only the test's client) sends tasks through this Redis."""
    before = {
        key: celery_app.conf[key] for key in ("task_always_eager", "broker_url", "result_backend")
    }
    celery_app.conf.update(
        task_always_eager=False, broker_url=f"{redis_url}/0", result_backend=f"{redis_url}/1"
    )
    try:
        forget_connections()
        yield
    finally:
        # A nudge still publishing would otherwise run, eagerly, in a later test.
        for thread in threading.enumerate():
            if thread.name == NUDGE_THREAD:
                thread.join(timeout=30)
        celery_app.conf.update(before)
        forget_connections()


def forget_connections() -> None:
    """Make the app connect afresh, to the broker now configured (Celery caches its pools)."""
    kombu.pools.reset()
    celery_app._pool = None
    celery_app.amqp._producer_pool = None
