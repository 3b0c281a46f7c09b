"""Production settings refuse to start without their secrets and pass `check --deploy` cleanly."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PRODUCTION_ENV = {
    "DJANGO_ENV": "production",
    "SECRET_KEY": "x7#k2!p9q@w4e8r1t6y3u0i5o-long-random-production-secret-value-for-tests",
    "DATABASE_URL": "sqlite:////tmp/pathway-production-check.sqlite3",
    "ALLOWED_HOSTS": "pathway.example.org",
    "CELERY_BROKER_URL": "redis://127.0.0.1:6390/0",
}


def manage(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    clean = {key: value for key, value in os.environ.items() if key not in PRODUCTION_ENV}
    for inherited in ("TEST_DATABASE_URL", "DJANGO_ALLOW_ASYNC_UNSAFE"):
        clean.pop(inherited, None)
    clean["DJANGO_SETTINGS_MODULE"] = "config.settings"
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=clean | env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


@pytest.mark.parametrize(
    "missing", ["SECRET_KEY", "DATABASE_URL", "ALLOWED_HOSTS", "CELERY_BROKER_URL"]
)
def test_production_refuses_to_start_without_each_required_setting(missing):
    env = {key: value for key, value in PRODUCTION_ENV.items() if key != missing}

    result = manage("check", env=env)

    assert result.returncode != 0
    assert f"DJANGO_ENV=production needs these environment variables: {missing}" in result.stderr


def test_check_deploy_with_production_settings_gives_no_warnings():
    result = manage("check", "--deploy", "--fail-level", "WARNING", env=PRODUCTION_ENV)

    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def test_load_demo_is_refused_in_production():
    result = manage("load_demo", env=PRODUCTION_ENV)

    assert result.returncode != 0
    assert "refused when DJANGO_ENV=production" in result.stderr


def test_embedded_default_runs_tasks_in_process():
    from config import settings as defaults

    assert defaults.CELERY_TASK_ALWAYS_EAGER is True or os.environ.get("CELERY_TASK_ALWAYS_EAGER")
