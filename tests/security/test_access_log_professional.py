"""Every professional read of a child-level record is in the access log (DESIGN §9), as staff
reads are: lists, details, nested resources and pages, one row per record shown, written in one
INSERT per response."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from casework.models import AccessLog
from tests.factories import (
    CaseFactory,
    ChildFactory,
    ConsentFactory,
    PlanFactory,
    TeamMemberFactory,
    professional_in_team,
)
from tests.security.test_access_log_reads import log_inserts, reads


@pytest.fixture
def children(team):
    return [ChildFactory(team=team) for _ in range(3)]


@pytest.fixture
def senco(children):
    """A SENCO in the first two children's teams; the third is somebody else's."""
    user = professional_in_team(children[0], agency="education")
    TeamMemberFactory(child=children[1], user=user)
    ConsentFactory(child=children[1], agency="education")
    return user


def api(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


@pytest.mark.parametrize(
    ("resource", "record_type"),
    [
        ("children", "child"),
        ("cases", "case"),
        ("ehc-plans", "ehcplan"),
        ("reviews", "review"),
    ],
)
def test_a_professionals_list_logs_one_row_per_child_shown_in_one_insert(
    children, senco, resource, record_type
):
    for child in children:
        plan = PlanFactory(child=child, case=CaseFactory(child=child))
        plan.reviews.create(due_on=dt.date(2027, 9, 1))
    AccessLog.objects.all().delete()

    with CaptureQueriesContext(connection) as captured:
        response = api(senco).get(f"/api/v1/{resource}/")

    assert response.status_code == 200
    assert len(response.json()["results"]) == 2
    assert len(log_inserts(captured.captured_queries)) == 1
    assert reads(senco) == sorted((child.pk, record_type) for child in children[:2])
    assert set(AccessLog.objects.values_list("via", flat=True)) == {"api"}


@pytest.mark.parametrize(
    ("path", "record_type"),
    [
        ("/api/v1/children/{child}/", "child"),
        ("/api/v1/children/{child}/family-members/", "child"),
        ("/api/v1/cases/{case}/", "case"),
        ("/api/v1/cases/{case}/deadlines/", "case"),
        ("/api/v1/ehc-plans/{plan}/", "ehcplan"),
        ("/api/v1/reviews/{review}/", "review"),
    ],
)
def test_a_professionals_detail_or_nested_read_logs_the_child(children, senco, path, record_type):
    child = children[0]
    case = CaseFactory(child=child)
    plan = PlanFactory(child=child, case=case)
    review = plan.reviews.create(due_on=dt.date(2027, 9, 1))
    AccessLog.objects.all().delete()

    url = path.format(child=child.pk, case=case.pk, plan=plan.pk, review=review.pk)
    response = api(senco).get(url)

    assert response.status_code == 200
    assert reads(senco) == [(child.pk, record_type)]


def test_a_refused_read_is_not_logged(children, senco):
    response = api(senco).get(f"/api/v1/children/{children[2].pk}/")

    assert response.status_code == 404
    assert not AccessLog.objects.exists()


def test_my_children_logs_each_child_listed(client, children, senco):
    client.force_login(senco)

    assert client.get("/professional/").status_code == 200

    assert reads(senco) == sorted((child.pk, "child") for child in children[:2])
    assert set(AccessLog.objects.values_list("via", flat=True)) == {"page"}


def test_a_childs_page_logs_each_record_it_shows_in_one_insert(client, children, senco):
    child = children[0]
    plan = PlanFactory(child=child)
    plan.reviews.create(due_on=dt.date(2027, 9, 1))
    client.force_login(senco)

    with CaptureQueriesContext(connection) as captured:
        assert client.get(f"/professional/children/{child.pk}/").status_code == 200

    assert len(log_inserts(captured.captured_queries)) == 1
    assert reads(senco) == sorted(
        [(child.pk, "child"), (child.pk, "ehcplan"), (child.pk, "review")]
    )
