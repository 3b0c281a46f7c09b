"""The reminder sweep's batches that find few deadlines among many running ones read an index of
those few, not the index of every running deadline by date (docs/performance.md, the sweep)."""

from __future__ import annotations

import pytest
from django.db import connection

from workflows.reminders import reminder_batches

pytestmark = pytest.mark.skipif(
    connection.vendor != "sqlite", reason="the plan is read with SQLite's EXPLAIN QUERY PLAN"
)


def _plan(label_starts: str) -> str:
    batch = next(batch for batch in reminder_batches() if batch.label.startswith(label_starts))
    sql, params = (
        batch.due.order_by().values_list("deadline_id", "recipient").query.sql_with_params()
    )
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN QUERY PLAN {sql}", params)
        return "\n".join(str(row[-1]) for row in cursor.fetchall())


def test_deadlines_without_an_owner_are_found_by_their_own_index(db):
    assert "deadline_running_unowned" in _plan("reminders of deadlines without an owner")


def test_deadlines_also_reminded_to_an_adviser_are_found_by_their_kind(db):
    assert "deadline_running_kind_due" in _plan("reminders of advice deadlines")
