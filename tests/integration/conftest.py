"""A real redis-server and a real Celery worker process, started by the tests themselves."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import redis
from celery import Celery
from django.db import connection

from tests.conftest import require_binary

ROOT = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def wait_until(check, *, timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if check():
            return
        time.sleep(0.1)
    raise TimeoutError(f"{what} did not come up within {timeout} s")


@pytest.fixture(scope="session")
def redis_url() -> Iterator[str]:
    binary = require_binary("redis-server", suite="integration")
    port = free_port()
    workdir = tempfile.mkdtemp(prefix="pathway-redis-")
    server = subprocess.Popen(
        [
            binary,
            "--port",
            str(port),
            "--bind",
            "127.0.0.1",
            "--save",
            "",
            "--appendonly",
            "no",
            "--dir",
            workdir,
        ],
        stdout=subprocess.DEVNULL,
    )
    client = redis.Redis(port=port)

    def answers() -> bool:
        try:
            return bool(client.ping())
        except redis.ConnectionError:
            return False

    wait_until(answers, timeout=15, what="redis-server")
    yield f"redis://127.0.0.1:{port}"
    server.terminate()
    server.wait(timeout=10)


def database_url_of_test_database() -> str:
    settings = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{settings['NAME']}"
    return (
        f"postgres://{settings['USER']}:{settings['PASSWORD'] or ''}@{settings['HOST']}:"
        f"{settings['PORT']}/{settings['NAME']}"
    )


@pytest.fixture
def celery_worker(redis_url: str, transactional_db: None) -> Iterator[Celery]:
    """A Celery worker process on the test database; yields a client app to send tasks with."""
    env = {key: value for key, value in os.environ.items() if key != "TEST_DATABASE_URL"}
    env |= {
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "DATABASE_URL": database_url_of_test_database(),
        "CELERY_BROKER_URL": f"{redis_url}/0",
        "CELERY_RESULT_BACKEND": f"{redis_url}/1",
        "CELERY_TASK_ALWAYS_EAGER": "false",
    }
    worker = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "config",
            "worker",
            "--pool=solo",
            "--loglevel=INFO",
            "--without-heartbeat",
            "--without-gossip",
            "--without-mingle",
            "--hostname",
            f"pathway-test-{os.getpid()}@%h",
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    client = Celery("pathway-test-client", broker=f"{redis_url}/0", backend=f"{redis_url}/1")

    def worker_ready() -> bool:
        if worker.poll() is not None:
            raise RuntimeError(
                f"the Celery worker exited: {worker.stdout.read() if worker.stdout else ''}"
            )
        try:
            return bool(client.control.ping(timeout=0.5))
        except Exception:
            return False

    try:
        wait_until(worker_ready, timeout=60, what="the Celery worker")
        yield client
    finally:
        worker.terminate()
        try:
            worker.wait(timeout=20)
        except subprocess.TimeoutExpired:
            worker.kill()
        client.close()
