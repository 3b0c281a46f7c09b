"""The person search: the API's `?search=` and the page every staff header leads to."""

from __future__ import annotations

import datetime as dt

import pytest
from rest_framework.test import APIClient

from casework.models import AccessLog
from tests.factories import CaseFactory, ChildFactory, TeamFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def amelia(team):
    return ChildFactory(
        team=team,
        given_name="Amelia",
        family_name="Collins",
        date_of_birth=dt.date(2019, 3, 4),
        nhs_number="943 476 5919",
        upn="A12345678901B",
    )


@pytest.fixture
def others(team):
    ChildFactory(
        team=team, given_name="Oliver", family_name="Smith", date_of_birth=dt.date(2018, 1, 2)
    )
    return ChildFactory(
        team=TeamFactory(),
        given_name="Amelia",
        family_name="Collins",
        date_of_birth=dt.date(2019, 3, 4),
    )


def found(practitioner, text):
    client = APIClient()
    client.force_authenticate(practitioner)
    response = client.get("/api/v1/children/", {"search": text})
    assert response.status_code == 200
    return [row["id"] for row in response.json()["results"]]


@pytest.mark.parametrize(
    "text",
    [
        "amelia",
        "COLLINS",
        "amelia coll",
        "2019-03-04",
        "4/3/2019",
        "04/03/2019",
        "9434765919",
        "943 476 5919",
        "a12345678901b",
    ],
)
def test_the_search_finds_a_child_by_name_date_of_birth_nhs_number_or_upn(
    practitioner, amelia, others, text
):
    assert found(practitioner, text) == [amelia.pk]


def test_the_search_never_finds_another_teams_child(practitioner, amelia, others):
    assert others.pk not in found(practitioner, "Collins")


def test_every_word_of_the_search_must_match(practitioner, amelia, others):
    assert found(practitioner, "amelia smith") == []
    assert found(practitioner, "collins 2018-01-02") == []


def test_the_search_page_lists_the_children_found_with_a_link_to_their_case(
    client, practitioner, amelia, others
):
    case = CaseFactory(child=amelia)
    client.force_login(practitioner)
    page = client.get("/children/search/", {"q": "collins"}).content.decode()
    assert "Amelia Collins" in page
    assert f"/cases/{case.pk}/" in page
    assert AccessLog.objects.filter(child=amelia).exists()
    assert not AccessLog.objects.filter(child=others).exists()


def test_the_search_page_says_when_nothing_is_found(client, practitioner, amelia):
    client.force_login(practitioner)
    page = client.get("/children/search/", {"q": "nobody"}).content.decode()
    assert "No children found" in page


def test_every_staff_page_has_the_search_box(client, practitioner):
    client.force_login(practitioner)
    assert 'action="/children/search/"' in client.get("/caseload/").content.decode()


def test_the_search_page_needs_a_fixed_number_of_queries(
    client, django_assert_max_num_queries, practitioner, team
):
    for number in range(30):
        CaseFactory(child=ChildFactory(team=team, family_name="Collins", given_name=f"C{number}"))
    client.force_login(practitioner)
    with django_assert_max_num_queries(12):
        assert client.get("/children/search/", {"q": "collins"}).status_code == 200
