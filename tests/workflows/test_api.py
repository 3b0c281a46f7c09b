"""The error format, the transitions endpoints and the OpenAPI schema."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.management import call_command
from rest_framework.test import APIClient

from accounts.roles import Role
from tests.engine.models import Errand, State
from tests.factories import staff
from workflows.models import TransitionLog


@pytest.fixture
def errand(team):
    return Errand.objects.create(title="Day activity", amount=Decimal("40.00"), team=team)


def client_for(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def url(errand, suffix=""):
    return f"/api/test/errands/{errand.pk}/transitions/{suffix}"


def test_transitions_list_says_what_is_allowed_and_why_not(errand, practitioner):
    response = client_for(practitioner).get(url(errand))

    assert response.status_code == 200
    by_name = {option["name"]: option for option in response.json()}
    assert by_name["submit"] == {
        "name": "submit",
        "label": "Submit",
        "target": "submitted",
        "allowed": True,
        "reasons": [],
    }
    assert by_name["approve"]["allowed"] is False
    assert by_name["approve"]["reasons"] == [
        "“Approve” is not possible while the errand is draft."
    ]


def test_transitions_list_gives_the_permission_reason(errand, practitioner):
    client_for(practitioner).post(url(errand, "submit/"), {}, format="json")

    options = {o["name"]: o for o in client_for(practitioner).get(url(errand)).json()}

    assert options["approve"]["reasons"] == [
        "Only a team manager can do this.",
        "Another manager must approve it: you submitted it.",
    ]


def test_post_transition_answers_200_with_the_updated_resource(errand, practitioner):
    response = client_for(practitioner).post(
        url(errand, "submit/"), {"note": "Ready", "on": "2026-01-05"}, format="json"
    )

    assert response.status_code == 200
    assert response.json()["status"] == "submitted"
    assert TransitionLog.objects.get().note == "Ready"


def test_wrong_state_answers_409_with_the_reason(errand, manager):
    response = client_for(manager).post(url(errand, "approve/"), {}, format="json")

    assert response.status_code == 409
    assert response.json() == {
        "detail": "“Approve” is not possible while the errand is draft.",
        "code": "transition_not_allowed",
        "fields": {},
        "reasons": ["“Approve” is not possible while the errand is draft."],
    }


def test_pressing_twice_answers_409_the_second_time(errand, practitioner):
    client = client_for(practitioner)
    assert client.post(url(errand, "submit/"), {}, format="json").status_code == 200
    assert client.post(url(errand, "submit/"), {}, format="json").status_code == 409


def test_wrong_role_answers_403_and_changes_nothing(errand, team):
    family = staff(Role.FAMILY, team)

    response = client_for(family).post(url(errand, "submit/"), {}, format="json")

    assert response.status_code == 403
    assert response.json()["code"] == "not_permitted"
    assert Errand.objects.get().status == State.DRAFT


def test_unknown_transition_answers_404(errand, practitioner):
    response = client_for(practitioner).post(url(errand, "teleport/"), {}, format="json")

    assert response.status_code == 404
    assert response.json()["code"] == "unknown_transition"


def test_bad_params_answer_400_with_field_messages(errand, manager):
    Errand.objects.filter(pk=errand.pk).update(status=State.SUBMITTED)

    response = client_for(manager).post(
        url(errand, "refuse/"), {"on": "31/02/2026", "colour": "red"}, format="json"
    )

    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "invalid"
    assert set(body["fields"]) == {"on"}
    assert Errand.objects.get().status == State.SUBMITTED


def test_missing_param_answers_400(errand, manager):
    Errand.objects.filter(pk=errand.pk).update(status=State.SUBMITTED)

    response = client_for(manager).post(url(errand, "refuse/"), {"note": "x"}, format="json")

    assert response.status_code == 400
    assert response.json()["fields"] == {"reason": ["Enter the reason."]}


def test_a_json_array_body_answers_400(errand, practitioner):
    response = client_for(practitioner).post(url(errand, "submit/"), [1, 2], format="json")

    assert response.status_code == 400
    assert response.json()["code"] == "invalid"


def test_another_teams_record_answers_404_like_a_missing_one(errand, other_team):
    outsider = staff(Role.PRACTITIONER, other_team)
    client = client_for(outsider)

    theirs = client.post(url(errand, "submit/"), {}, format="json")
    missing = client.post(
        f"/api/test/errands/{errand.pk + 999}/transitions/submit/", {}, format="json"
    )

    assert theirs.status_code == missing.status_code == 404
    assert (
        theirs.json()
        == missing.json()
        == {"detail": "Not found.", "code": "not_found", "fields": {}}
    )
    assert Errand.objects.get().status == State.DRAFT


def test_anonymous_request_answers_401_in_the_error_format(errand):
    response = APIClient().get(url(errand))

    assert response.status_code == 401
    assert response.json()["code"] == "not_authenticated"
    assert set(response.json()) == {"detail", "code", "fields"}


def test_openapi_schema_validates_without_warnings(tmp_path):
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(tmp_path / "s.yaml"))
    schema = (tmp_path / "s.yaml").read_text()
    assert "/api/v1/auth/token/" in schema
    assert "/api/test/errands/{id}/transitions/{name}/" in schema


def test_schema_and_docs_pages_are_served(client):
    assert client.get("/api/schema/").status_code == 200
    assert client.get("/api/docs/").status_code == 200
