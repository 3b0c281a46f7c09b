"""`python -m bench.generate` is the generator's one entry point: it sets Django up itself,
takes the options the management command had, and nothing in the product imports `bench`."""

from __future__ import annotations

import datetime as dt
import os
import sqlite3
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from bench.generate import arguments

ROOT = Path(__file__).resolve().parents[2]
PRODUCT = [
    "accounts",
    "workflows",
    "casework",
    "budgets",
    "shortbreaks",
    "commissioning",
    "config",
]


def environment(**more: str) -> dict[str, str]:
    """This process's environment without the test run's own database and settings."""
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DJANGO_", "TEST_DATABASE"))
    }
    return env | more


def run(*command: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, *command],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )


def test_python_m_bench_generate_writes_a_caseload_into_the_database_it_is_given(tmp_path):
    database = tmp_path / "caseload.sqlite3"
    env = environment(DATABASE_URL=f"sqlite:///{database}")
    migrated = run("manage.py", "migrate", "--noinput", "-v", "0", env=env)
    assert migrated.returncode == 0, migrated.stderr[-3000:]

    finished = run(
        "-m", "bench.generate", "--scale", "tiny", "--seed", "3", "--anchor", "2026-11-24",
        "-v", "0", env=env,
    )  # fmt: skip

    assert finished.returncode == 0, finished.stderr[-3000:]
    assert " rows in " in finished.stdout
    with sqlite3.connect(database) as connection:
        counts = {
            table: connection.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0]  # noqa: S608
            for table in (
                "casework_child",
                "casework_case",
                "shortbreaks_session",
                "budgets_ledgerentry",
                "workflows_deadline",
            )
        }
    assert counts["casework_child"] == 60
    assert counts["casework_case"] == 60
    assert counts["shortbreaks_session"] == 600
    assert counts["budgets_ledgerentry"] == 2_000
    assert counts["workflows_deadline"] > 60


def test_python_m_bench_generate_is_refused_in_production(tmp_path):
    database = tmp_path / "production.sqlite3"
    env = environment(
        DJANGO_ENV="production",
        SECRET_KEY="insecure-" + "x" * 50,  # production wants one set, of any value
        DATABASE_URL=f"sqlite:///{database}",
        ALLOWED_HOSTS="pathway.example.org",
        CELERY_BROKER_URL="memory://",
    )

    finished = run("-m", "bench.generate", "--scale", "tiny", env=env)

    assert finished.returncode == 1
    assert "refused when DJANGO_ENV=production" in finished.stderr
    assert not database.exists() or database.stat().st_size == 0


def test_the_entry_point_takes_every_option_the_command_had_with_its_defaults():
    defaults = arguments().parse_args([])
    given = arguments().parse_args(
        ["--scale", "large", "--seed", "7", "--anchor", "2026-11-24", "--verbosity", "0"]
    )

    assert (defaults.scale, defaults.seed, defaults.anchor, defaults.verbosity) == (
        "small",
        1,
        None,
        1,
    )
    assert (given.scale, given.seed, given.anchor, given.verbosity) == (
        "large",
        7,
        dt.date(2026, 11, 24),
        0,
    )
    with pytest.raises(SystemExit):
        arguments().parse_args(["--scale", "county"])


def test_the_generate_caseload_management_command_is_gone():
    with pytest.raises(CommandError, match="Unknown command"):
        call_command("generate_caseload")


def test_import_linter_forbids_every_product_package_to_import_bench():
    linter = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["importlinter"]
    forbidding_bench = [
        contract
        for contract in linter["contracts"]
        if contract["type"] == "forbidden" and contract["forbidden_modules"] == ["bench"]
    ]

    assert "bench" in linter["root_packages"]
    assert len(forbidding_bench) == 1
    assert sorted(forbidding_bench[0]["source_modules"]) == sorted(PRODUCT)
    linted = subprocess.run(
        [str(Path(sys.executable).parent / "lint-imports")],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert linted.returncode == 0, linted.stdout[-3000:]
    assert "never imports the benchmarks" in linted.stdout
