"""One satisfaction rating per child per quarter: a new one replaces the old, which stays in the
audit log (the quarter is the period the satisfaction figure is reported by)."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.db import IntegrityError
from rest_framework.test import APIClient

from accounts.roles import Role
from commissioning.models import Feedback, quarter_start
from tests.factories import ChildFactory, FamilyMemberFactory, UserFactory
from workflows.models import TransitionLog


@pytest.fixture
def parent_and_child(team):
    parent = UserFactory(role=Role.FAMILY)
    child = ChildFactory(team=team)
    FamilyMemberFactory(child=child, name="Mum", relationship="mother", user=parent)
    return parent, child


def post(user, child, rating, comment=""):
    client = APIClient()
    client.force_authenticate(user)
    return client.post(
        "/api/v1/commissioning/feedback/",
        {"child": child.pk, "rating": rating, "comment": comment},
        format="json",
    )


@time_machine.travel(dt.datetime(2026, 8, 10, 12, tzinfo=dt.UTC), tick=False)
def test_posting_twice_in_a_quarter_leaves_one_rating_the_latest(parent_and_child):
    parent, child = parent_and_child

    first = post(parent, child, 2, "Slow to answer")
    second = post(parent, child, 5, "Much better now")

    assert (first.status_code, second.status_code) == (201, 201)
    rating = Feedback.objects.get(child=child)
    assert (rating.rating, rating.comment) == (5, "Much better now")
    assert rating.period_start == dt.date(2026, 7, 1)
    replaced = TransitionLog.objects.get(transition="replace_feedback")
    assert (replaced.source, replaced.target) == ("2", "5")
    assert replaced.params["comment"] == "Slow to answer"


def test_a_rating_in_the_next_quarter_is_a_new_one(parent_and_child):
    parent, child = parent_and_child

    with time_machine.travel(dt.datetime(2026, 9, 30, 12, tzinfo=dt.UTC), tick=False):
        post(parent, child, 3)
    with time_machine.travel(dt.datetime(2026, 10, 1, 12, tzinfo=dt.UTC), tick=False):
        post(parent, child, 4)

    assert sorted(Feedback.objects.values_list("period_start", "rating")) == [
        (dt.date(2026, 7, 1), 3),
        (dt.date(2026, 10, 1), 4),
    ]


def test_the_database_refuses_a_second_rating_for_a_child_in_a_quarter(parent_and_child):
    parent, child = parent_and_child
    fields = {
        "child": child,
        "team": child.team,
        "given_by": parent,
        "given_on": dt.date(2026, 5, 1),
        "period_start": dt.date(2026, 4, 1),
        "rating": 4,
    }
    Feedback.objects.create(**fields)

    with pytest.raises(IntegrityError):
        Feedback.objects.create(**fields)


def test_financial_quarters_start_in_april_july_october_and_january():
    assert [quarter_start(dt.date(2026, month, 15)) for month in (4, 6, 7, 12, 1, 3)] == [
        dt.date(2026, 4, 1),
        dt.date(2026, 4, 1),
        dt.date(2026, 7, 1),
        dt.date(2026, 10, 1),
        dt.date(2026, 1, 1),
        dt.date(2026, 1, 1),
    ]
