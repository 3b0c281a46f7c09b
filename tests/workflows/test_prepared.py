"""Querysets compiled once per shape and run again with other parameters (`workflows.prepared`)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.factories import NotificationFactory, UserFactory
from workflows.models import Notification
from workflows.prepared import prepared_rows

pytestmark = pytest.mark.django_db


def _unread_since(recipient: int, since: dt.date):
    return (
        Notification.objects.filter(recipient_id=recipient, created_at__date__gte=since)
        .order_by("pk")
        .values("subject", "created_at")
    )


def test_a_prepared_shape_answers_for_the_parameters_it_is_run_with_using_the_same_sql():
    first, second = UserFactory(), UserFactory()
    NotificationFactory(recipient=first, subject="For the first")
    NotificationFactory(recipient=second, subject="For the second")
    today = dt.datetime.now(dt.UTC).date()

    with CaptureQueriesContext(connection) as queries:
        mine = prepared_rows("test.unread", _unread_since, recipient=first.pk, since=today)
        theirs = prepared_rows("test.unread", _unread_since, recipient=second.pk, since=today)
        later = prepared_rows(
            "test.unread", _unread_since, recipient=second.pk, since=today + dt.timedelta(days=1)
        )

    assert [row["subject"] for row in mine] == ["For the first"]
    assert [row["subject"] for row in theirs] == ["For the second"]
    assert later == []
    # Converted as the queryset converts them: an aware time, on SQLite too.
    assert mine[0]["created_at"].tzinfo is not None
    assert len({query["sql"].split(" WHERE ")[0] for query in queries}) == 1


def test_a_parameter_the_queryset_does_not_compare_with_is_refused():
    with pytest.raises(ValueError, match="recipient"):
        prepared_rows(
            "test.ignores-its-parameter",
            lambda recipient: Notification.objects.values("subject"),
            recipient=1,
        )
