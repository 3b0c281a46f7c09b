"""A browser session left unused for PATHWAY_IDLE_TIMEOUT_MINUTES is signed out."""

from __future__ import annotations

import datetime as dt

import time_machine

from accounts.roles import Role
from tests.factories import UserFactory

START = dt.datetime(2026, 11, 24, 9, tzinfo=dt.UTC)


def test_a_session_unused_for_half_an_hour_is_signed_out(client, db):
    with time_machine.travel(START, tick=False):
        client.force_login(UserFactory(role=Role.COMMISSIONER))
        assert client.get("/notifications/").status_code == 200

    with time_machine.travel(START + dt.timedelta(minutes=31), tick=False):
        response = client.get("/notifications/", follow=True)

    assert response.redirect_chain[0][0] == "/sign-in/?next=/notifications/"
    assert "You were signed out because you had not used Pathway" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_using_pathway_keeps_the_session(client, db):
    with time_machine.travel(START, tick=False):
        client.force_login(UserFactory(role=Role.COMMISSIONER))
    for minutes in (0, 20, 40, 60):
        with time_machine.travel(START + dt.timedelta(minutes=minutes), tick=False):
            assert client.get("/notifications/").status_code == 200


def test_activity_is_written_at_most_once_a_minute(client, db):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with time_machine.travel(START, tick=False):
        client.force_login(UserFactory(role=Role.COMMISSIONER))
        client.get("/notifications/")
    with (
        time_machine.travel(START + dt.timedelta(seconds=30), tick=False),
        CaptureQueriesContext(connection) as queries,
    ):
        client.get("/notifications/")

    assert not [q for q in queries.captured_queries if q["sql"].startswith("UPDATE")]
