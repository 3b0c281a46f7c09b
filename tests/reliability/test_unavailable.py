"""When the database cannot be reached, people are told "unavailable, try again" (503), not that
the service is broken; the API says so in its JSON error shape, and so does any other failure."""

from __future__ import annotations

import pytest
from django.db import OperationalError
from django.test import Client

from accounts.roles import Role
from tests.factories import staff


def unreachable(*args, **kwargs):
    raise OperationalError("connection to server at 127.0.0.1 failed: Connection refused")


def broken(*args, **kwargs):
    raise ValueError("a bug")


@pytest.fixture
def signed_in(team) -> Client:
    client = Client(raise_request_exception=False)
    client.force_login(staff(Role.PRACTITIONER, team))
    return client


def test_the_api_answers_503_in_its_error_shape_when_the_database_is_unreachable(
    signed_in, monkeypatch
):
    monkeypatch.setattr("casework.selectors.cases_visible_to", unreachable)

    response = signed_in.get("/api/v1/cases/")

    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    assert response.json() == {
        "detail": "The service cannot reach its records just now: try again shortly.",
        "code": "unavailable",
        "fields": {},
    }


def test_a_page_says_the_service_is_unavailable_and_to_check_what_was_saved(
    signed_in, monkeypatch
):
    monkeypatch.setattr("casework.selectors.caseload", unreachable)

    response = signed_in.get("/caseload/")

    assert response.status_code == 503
    assert "Sorry, the service is unavailable" in response.content.decode()
    assert "check whether it was saved" in response.content.decode()


def test_any_other_failure_of_the_api_is_a_500_in_its_error_shape(signed_in, monkeypatch):
    monkeypatch.setattr("casework.selectors.cases_visible_to", broken)

    response = signed_in.get("/api/v1/cases/")

    assert response.status_code == 500
    assert response.json()["code"] == "server_error"
    assert "a bug" not in response.content.decode()
