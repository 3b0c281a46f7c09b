"""What a caseload page costs besides its own query (DESIGN §12), with the same answer and the
same access log (DESIGN §9): no filter set when nothing is filtered, the child's name joined in
Python, and one index by child on the access log that every read writes to."""

from __future__ import annotations

from unittest import mock

from django.db import connection
from django_filters.filterset import BaseFilterSet
from rest_framework.test import APIClient

from casework.models import AccessLog, CaseStatus
from tests.factories import CaseFactory, ChildFactory


def api(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def filter_sets_built(client: APIClient, path: str, query: dict[str, object]) -> int:
    with mock.patch.object(
        BaseFilterSet, "__init__", autospec=True, side_effect=BaseFilterSet.__init__
    ) as built:
        response = client.get(path, query)
    assert response.status_code == 200, response.content
    return built.call_count


def test_a_list_asked_only_for_a_page_builds_no_filter_set(practitioner, team):
    CaseFactory(child=ChildFactory(team=team))
    client = api(practitioner)

    assert filter_sets_built(client, "/api/v1/cases/", {}) == 0
    assert filter_sets_built(client, "/api/v1/cases/", {"page_size": 10, "page": 1}) == 0
    assert filter_sets_built(client, "/api/v1/cases/", {"status": "assessing"}) == 1


def test_a_list_asked_for_a_filter_and_a_page_still_filters(practitioner, team):
    CaseFactory(child=ChildFactory(team=team), status=CaseStatus.ASSESSING)
    CaseFactory(child=ChildFactory(team=team), status=CaseStatus.REFERRED)

    response = api(practitioner).get("/api/v1/cases/", {"status": "assessing", "page_size": 10})

    assert [case["status"] for case in response.json()["results"]] == ["assessing"]


def test_a_bad_filter_value_beside_a_page_size_is_still_refused(practitioner, team):
    CaseFactory(child=ChildFactory(team=team))

    response = api(practitioner).get("/api/v1/cases/", {"status": "nonsense", "page_size": 10})

    assert response.status_code == 400
    assert "status" in response.json()["fields"]


def test_the_case_list_names_each_child_as_the_child_names_itself(practitioner, team):
    child = ChildFactory(team=team, given_name="Anne-Marie", family_name="O'Neill Smith")
    CaseFactory(child=child)

    listed = api(practitioner).get("/api/v1/cases/").json()["results"]

    assert [row["child_name"] for row in listed] == [child.full_name]


def test_the_access_log_has_one_index_by_child_the_one_by_child_and_time(db):
    with connection.cursor() as cursor:
        constraints = connection.introspection.get_constraints(cursor, AccessLog._meta.db_table)
    by_child = [
        name
        for name, constraint in constraints.items()
        if constraint["index"] and constraint["columns"][:1] == ["child_id"]
    ]

    assert by_child == ["access_child_at"]
