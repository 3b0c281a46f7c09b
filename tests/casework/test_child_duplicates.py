"""The duplicate check when a child is created: same names and date of birth, or NHS number."""

from __future__ import annotations

import datetime as dt

import pytest
from rest_framework.test import APIClient

from casework.models import Child, Referral
from tests.factories import ChildFactory, TeamFactory

pytestmark = pytest.mark.django_db

RUBY = {
    "given_name": "Ruby",
    "family_name": "Shah",
    "date_of_birth": "2018-02-03",
    "primary_need": "ASD",
}


def api(user):
    client = APIClient()
    client.force_authenticate(user)
    return client


@pytest.fixture
def ruby(team):
    return ChildFactory(
        team=team,
        given_name="Ruby",
        family_name="Shah",
        date_of_birth=dt.date(2018, 2, 3),
        nhs_number="9434765919",
    )


@pytest.mark.parametrize(
    "body",
    [
        RUBY | {"given_name": "RUBY", "family_name": "shah"},
        RUBY
        | {"given_name": "Rubina", "date_of_birth": "2017-01-01", "nhs_number": "943 476 5919"},
    ],
)
def test_a_child_like_one_recorded_is_refused_409_listing_the_match(practitioner, ruby, body):
    before = Child.objects.count()

    response = api(practitioner).post("/api/v1/children/", body, format="json")

    assert response.status_code == 409
    answer = response.json()
    assert answer["code"] == "possible_duplicate"
    assert answer["detail"]
    assert answer["matches"] == [
        {"id": ruby.pk, "name": "Ruby Shah", "date_of_birth": "2018-02-03"}
    ]
    assert Child.objects.count() == before


def test_confirming_it_is_a_different_child_records_it(practitioner, ruby):
    response = api(practitioner).post(
        "/api/v1/children/", RUBY | {"confirm_not_duplicate": True}, format="json"
    )

    assert response.status_code == 201
    assert "confirm_not_duplicate" not in response.json()
    assert Child.objects.filter(given_name="Ruby").count() == 2


def test_a_child_with_an_nhs_number_already_recorded_is_refused_even_when_confirmed(
    practitioner, ruby
):
    before = Child.objects.count()

    response = api(practitioner).post(
        "/api/v1/children/",
        RUBY
        | {
            "given_name": "Rubina",
            "nhs_number": "943 476 5919",
            "confirm_not_duplicate": True,
        },
        format="json",
    )

    assert response.status_code == 400
    assert "belongs to one person" in str(response.json()["fields"]["nhs_number"])
    assert Child.objects.count() == before


def test_another_teams_match_is_counted_not_shown(practitioner):
    ChildFactory(
        team=TeamFactory(),
        given_name="Ruby",
        family_name="Shah",
        date_of_birth=dt.date(2018, 2, 3),
    )

    response = api(practitioner).post("/api/v1/children/", RUBY, format="json")

    assert response.status_code == 409
    assert response.json()["matches"] == []
    assert response.json()["others"] == 1
    assert "Shah" not in str(response.json()["reasons"])


def test_a_different_child_with_the_same_name_is_not_a_duplicate(practitioner, ruby):
    response = api(practitioner).post(
        "/api/v1/children/", RUBY | {"date_of_birth": "2018-02-04"}, format="json"
    )

    assert response.status_code == 201


def test_the_referral_form_shows_the_match_and_records_nothing(client, practitioner, ruby):
    client.force_login(practitioner)
    form = referral_form()

    response = client.post("/referrals/new/", form)

    assert response.status_code == 409
    page = response.content.decode()
    assert "Ruby Shah, born 3 February 2018, is already recorded." in page
    assert "This is a different child" in page
    assert Child.objects.count() == 1
    assert not Referral.objects.exists()


def test_the_referral_form_goes_on_once_it_is_a_different_child(client, practitioner, ruby):
    client.force_login(practitioner)

    response = client.post("/referrals/new/", referral_form() | {"confirm_not_duplicate": "on"})

    assert response.status_code == 302
    assert Child.objects.count() == 2
    assert Referral.objects.count() == 1


def referral_form() -> dict[str, str]:
    return {
        "given_name": "ruby",
        "family_name": "SHAH",
        "date_of_birth_0": "3",
        "date_of_birth_1": "2",
        "date_of_birth_2": "2018",
        "primary_need": "ASD",
        "received_on_0": "1",
        "received_on_1": "3",
        "received_on_2": "2026",
        "source": "school",
        "reason": "Needs support",
    }
