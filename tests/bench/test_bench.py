"""The data generator and the benchmark scripts, at a tiny scale: they run, and they are
reproducible. No timings are asserted here; `make bench` reports them."""

from __future__ import annotations

import datetime as dt
import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from bench.generate import generate
from budgets.models import LedgerEntry, PersonalBudget
from casework.models import Case, Child, EHCPlan
from shortbreaks.models import Session
from workflows.models import Deadline

ROOT = Path(__file__).resolve().parents[2]
ANCHOR = dt.date(2026, 11, 24)


def test_generator_writes_the_tiny_caseload_with_every_kind_of_record(db):
    counts = generate("tiny", seed=5, anchor=ANCHOR, out=io.StringIO())

    assert Child.objects.count() == 60
    assert Session.objects.count() == 600
    assert LedgerEntry.objects.count() == 2_000
    assert counts.rows["children"] == 60
    assert Case.objects.values("status").distinct().count() >= 5
    assert EHCPlan.objects.filter(first_final_issued_on__isnull=False).exists()
    assert {"met", "missed"} <= set(Deadline.objects.values_list("status", flat=True))
    assert PersonalBudget.objects.filter(direct_payment_amount__gt=0).exists()
    assert set(Session.objects.values_list("status", flat=True)) >= {"delivered", "booked"}


def test_the_same_seed_gives_the_same_caseload(db):
    generate("tiny", seed=9, anchor=ANCHOR, quiet=True)
    first = list(Child.objects.order_by("pk").values_list("date_of_birth", "primary_need"))

    generate("tiny", seed=9, anchor=ANCHOR, quiet=True)
    second = list(Child.objects.order_by("pk").values_list("date_of_birth", "primary_need"))

    assert second[len(first) :] == first


def test_make_bench_runs_at_tiny_scale_and_writes_every_measurement(tmp_path):
    results = tmp_path / "latest.json"
    env = {
        key: value for key, value in os.environ.items() if not key.startswith("DJANGO_SETTINGS")
    } | {"BENCH_SCALE": "tiny", "BENCH_REPEATS": "1", "BENCH_RESULTS": str(results)}
    env.pop("TEST_DATABASE_URL", None)

    finished = subprocess.run(
        [sys.executable, "bench/run.py"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )

    assert finished.returncode == 0, finished.stderr[-3000:]
    rows = json.loads(results.read_text())
    assert {tuple(sorted(row)) for row in rows} == {
        ("database", "limit", "ours", "passed", "ratio", "scale", "target", "what")
    }
    measured = " | ".join(row["what"] for row in rows)
    for what in (
        "data generator",
        "uptake report",
        "uptake report page with its charts vs its JSON",
        "caseload API page",
        "case page queries",
        "statement page queries",
        "statement of a budget",
        "transitions",
        "reminder sweep",
        "re-run of the sweep",
    ):
        assert what in measured
    assert "ratio" in finished.stdout


@pytest.mark.parametrize("scale", ["small", "large"])
def test_scales_are_the_sizes_the_design_names(scale):
    from bench.generate import SCALES

    children, sessions, entries, _teams = SCALES[scale]
    assert (children, sessions, entries) == {
        "small": (3_000, 60_000, 200_000),
        "large": (30_000, 1_000_000, 3_000_000),
    }[scale]
