"""`make loadtest` at the tiny scale: every role signs in through the real pages of gunicorn with
the production settings and opens its pages without an error. Ten seconds of six users on a
machine busy with the rest of the suite: only errors are asserted, never a time or a ratio."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django_otp.oath import TOTP

from bench.loadtest.codes import totp
from bench.loadtest.prepare import SHARES, counts

ROOT = Path(__file__).resolve().parents[2]


def test_fifty_users_are_every_role_in_the_designs_proportions():
    assert counts(50) == SHARES
    assert counts(6) == dict.fromkeys(SHARES, 1)
    assert sum(counts(37).values()) == 37


def test_the_simulated_users_type_the_code_django_otp_accepts():
    key = "3132333435363738393031323334353637383930"
    for at in (59, 1_111_111_109, 2_000_000_000):
        expected = TOTP(bytes.fromhex(key), step=30, t0=0, digits=6)
        expected.time = at

        assert totp(key, at) == f"{expected.token():06d}"


@pytest.mark.postgres
def test_the_short_load_test_runs_every_roles_pages_without_an_error(tmp_path):
    server = os.environ.get("TEST_DATABASE_URL", "")
    if not server.startswith("postgres"):
        pytest.skip("the load test needs PostgreSQL; `make test` runs it in its PostgreSQL run")
    results = tmp_path / "loadtest.json"
    env = {
        key: value for key, value in os.environ.items() if not key.startswith("DJANGO_SETTINGS")
    } | {"LOADTEST_SCALE": "tiny", "LOADTEST_RESULTS": str(results)}

    finished = subprocess.run(
        [sys.executable, "bench/loadtest/run.py"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=900,
        check=False,
    )

    assert finished.returncode == 0, finished.stdout[-3000:] + finished.stderr[-3000:]
    rows = {row["page"]: row for row in json.loads(results.read_text())}
    assert rows["sign in: password"]["requests"] == 6
    assert rows["sign in: code"]["requests"] == 3  # the practitioner, manager and SENCO
    assert all(row["errors"] == 0 for row in rows.values())
    assert {"median_ms", "p95_ms", "ratio", "target", "passed"} <= set(rows["sign in"])
    assert "Ratios are printed, not enforced" in finished.stdout
