"""Two people pressing the same button at once get one success; the rest are told 409."""

from __future__ import annotations

import threading
from decimal import Decimal

import pytest
from django.db import connection, connections

import workflows
from tests.engine.models import Errand, State
from workflows.errors import TransitionNotAllowed
from workflows.models import Deadline, TransitionLog

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True),
]


@pytest.fixture(autouse=True)
def _only_on_postgresql():
    if connection.vendor != "postgresql":
        pytest.skip("row locks need PostgreSQL; `make test` runs this suite there too")


def test_eight_threads_pressing_the_same_transition_give_one_success_and_seven_409s(
    team, practitioner
):
    errand = Errand.objects.create(title="Overnight", amount=Decimal("300.00"), team=team)
    barrier = threading.Barrier(8)
    outcomes: list[str] = []
    lock = threading.Lock()

    def press() -> None:
        try:
            barrier.wait()
            workflows.transition(errand, "submit", by=practitioner)
            outcome = "ok"
        except TransitionNotAllowed:
            outcome = "409"
        finally:
            connections.close_all()
        with lock:
            outcomes.append(outcome)

    threads = [threading.Thread(target=press) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert sorted(outcomes) == ["409"] * 7 + ["ok"]
    assert Errand.objects.get().status == State.SUBMITTED
    assert TransitionLog.objects.filter(transition="submit").count() == 1
    assert Deadline.objects.filter(kind="errand_decision").count() == 1
