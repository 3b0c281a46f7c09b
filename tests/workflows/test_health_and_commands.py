from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal

import pytest
import time_machine
from django.core.management import call_command
from django.db import OperationalError, connection

import workflows
from tests.engine.models import Errand
from workflows.models import Deadline


def test_healthz_answers_200_when_the_database_answers(client, db):
    response = client.get("/healthz")

    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "up"}


def test_healthz_answers_503_when_the_database_does_not(client, db, monkeypatch):
    def refuse():
        raise OperationalError("connection refused")

    with monkeypatch.context() as patched:
        patched.setattr(connection, "cursor", refuse)
        response = client.get("/healthz")

    assert response.status_code == 503
    assert response.json()["database"] == "down"


def test_unknown_page_is_a_404_in_the_layout(client, db):
    response = client.get("/no-such-page/")

    assert response.status_code == 404
    assert "Page not found" in response.content.decode()
    assert "govuk-footer" in response.content.decode()


def test_graph_machines_writes_each_machine_as_dot(tmp_path):
    call_command("graph_machines", "--output", str(tmp_path), stdout=io.StringIO())

    dot = (tmp_path / "Errand.dot").read_text()
    assert dot.startswith("digraph Errand {")
    assert '"draft" -> "submitted" [label="Submit"];' in dot
    assert '"submitted" -> "withdrawn" [label="Withdraw"];' in dot


@pytest.mark.django_db
def test_run_schedule_once_runs_the_missed_deadline_sweep(practitioner, team):
    with time_machine.travel(dt.datetime(2026, 12, 1, 9, tzinfo=dt.UTC), tick=False):
        errand = Errand.objects.create(title="x", amount=Decimal(1), team=team)
        workflows.transition(errand, "submit", by=practitioner)
    out = io.StringIO()

    with time_machine.travel(dt.datetime(2026, 12, 20, 9, tzinfo=dt.UTC), tick=False):
        call_command("run_schedule", "--once", stdout=out)

    assert "mark-missed-deadlines" in out.getvalue()
    assert Deadline.objects.get().status == "missed"
