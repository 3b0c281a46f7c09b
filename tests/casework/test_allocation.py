"""Allocating and reassigning cases (issue #20 item 1): `POST /api/v1/cases/{id}/allocate/` for
the team's managers, and `GET /api/v1/users/` of the staff they may allocate to."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from drf_spectacular.generators import SchemaGenerator
from rest_framework.test import APIClient

from accounts.roles import Role
from casework.models import Case, CaseStatus
from tests.factories import (
    AssessingCaseFactory,
    CaseFactory,
    ChildFactory,
    TeamFactory,
    UserFactory,
    staff,
)
from workflows.models import Deadline, Notification, TransitionLog

TODAY = dt.datetime(2026, 6, 1, 9, tzinfo=dt.UTC)


@pytest.fixture(autouse=True)
def today():
    with time_machine.travel(TODAY, tick=False):
        yield


def api(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def allocate(user, case, body):
    return api(user).post(f"/api/v1/cases/{case.pk}/allocate/", body, format="json")


@pytest.fixture
def case(team, practitioner):
    return AssessingCaseFactory(child=ChildFactory(team=team), practitioner=practitioner)


def test_a_manager_allocates_a_case_and_its_running_deadlines_move(team, manager, case):
    newcomer = staff(Role.PRACTITIONER, team)

    response = allocate(manager, case, {"lead_professional": newcomer.pk})

    assert response.status_code == 200
    assert response.json()["lead_professional"] == newcomer.pk
    assert response.json()["id"] == case.pk
    assert response.json()["child_name"] == case.child.full_name
    case.refresh_from_db()
    assert case.lead_professional == newcomer
    running = Deadline.objects.filter(case_id=case.pk).running()
    assert set(running.values_list("owner_id", flat=True)) == {newcomer.pk}
    logged = TransitionLog.objects.get(transition="change_lead_professional")
    assert logged.actor == manager


def test_the_new_lead_professional_is_told_the_case_is_now_theirs(team, manager, case):
    newcomer = staff(Role.PRACTITIONER, team)

    allocate(manager, case, {"lead_professional": newcomer.pk})

    told = Notification.objects.get(recipient=newcomer, kind="allocation")
    assert told.subject == f"Case allocated to you: {case.child.full_name}"
    assert told.link == f"/cases/{case.pk}/"


def test_a_case_without_a_lead_professional_is_allocated(team, manager):
    case = CaseFactory(child=ChildFactory(team=team))
    newcomer = staff(Role.PRACTITIONER, team)
    assert case.lead_professional is None

    response = allocate(manager, case, {"lead_professional": newcomer.pk})

    assert response.status_code == 200
    case.refresh_from_db()
    assert case.lead_professional == newcomer


def test_a_manager_may_take_the_case_themselves(manager, case):
    response = allocate(manager, case, {"lead_professional": manager.pk})

    assert response.status_code == 200
    assert response.json()["lead_professional"] == manager.pk


def test_a_practitioner_is_refused_with_the_reason_and_nothing_is_saved(team, practitioner, case):
    newcomer = staff(Role.PRACTITIONER, team)

    response = allocate(practitioner, case, {"lead_professional": newcomer.pk})

    assert response.status_code == 403
    assert response.json()["detail"] == "Only a team manager can do this."
    case.refresh_from_db()
    assert case.lead_professional == practitioner


@pytest.mark.parametrize("role", [Role.FAMILY, Role.PROVIDER, Role.COMMISSIONER])
def test_other_roles_are_refused_before_the_body_is_read(role, case):
    response = allocate(UserFactory(role=role), case, {"lead_professional": "x"})

    assert response.status_code == 403
    assert response.json()["code"] == "not_permitted"


def test_a_manager_of_another_team_is_told_the_case_does_not_exist(other_team, case):
    outsider = staff(Role.TEAM_MANAGER, other_team)

    response = allocate(outsider, case, {"lead_professional": outsider.pk})

    assert response.status_code == 404


def test_allocation_refused_to_someone_outside_the_childs_team(
    other_team, manager, practitioner, case
):
    outsider = staff(Role.PRACTITIONER, other_team)

    response = allocate(manager, case, {"lead_professional": outsider.pk})

    assert response.status_code == 400
    assert response.json()["fields"] == {
        "lead_professional": ["Choose someone in the child's team."]
    }
    case.refresh_from_db()
    assert case.lead_professional == practitioner
    assert not TransitionLog.objects.filter(transition="change_lead_professional").exists()


def test_an_unknown_id_answers_as_someone_outside_the_team(manager, practitioner, case):
    response = allocate(manager, case, {"lead_professional": 987_654})

    assert response.status_code == 400
    assert response.json()["fields"] == {
        "lead_professional": ["Choose someone in the child's team."]
    }


def test_allocation_refused_to_a_team_member_who_is_not_staff(team, manager, practitioner, case):
    parent = UserFactory(role=Role.FAMILY, team=team)

    response = allocate(manager, case, {"lead_professional": parent.pk})

    assert response.status_code == 400
    assert response.json()["fields"] == {
        "lead_professional": ["Choose a practitioner or team manager."]
    }
    case.refresh_from_db()
    assert case.lead_professional == practitioner


CHOOSE = "Choose who will be the lead professional."
AN_ID = "Give the lead professional as a user id, a whole number."
ONLY = "Send only lead_professional: remove this field."


@pytest.mark.parametrize(
    ("body", "field", "message"),
    [
        ({}, "lead_professional", CHOOSE),
        ({"lead_professional": None}, "lead_professional", CHOOSE),
        ({"lead_professional": True}, "lead_professional", AN_ID),
        ({"lead_professional": "3"}, "lead_professional", AN_ID),
        ({"lead_professional": 0}, "lead_professional", AN_ID),
        ({"lead_professional": 1, "team": 2}, "team", ONLY),
    ],
)
def test_a_body_other_than_one_user_id_is_refused(
    manager, practitioner, case, body, field, message
):
    response = allocate(manager, case, body)

    assert response.status_code == 400
    assert response.json()["fields"][field] == [message]
    case.refresh_from_db()
    assert case.lead_professional == practitioner


def test_allocation_refused_on_a_closed_case(team, manager):
    practitioner = staff(Role.PRACTITIONER, team)
    case = CaseFactory(
        child=ChildFactory(team=team), lead_professional=practitioner, status=CaseStatus.CLOSED
    )
    newcomer = staff(Role.PRACTITIONER, team)

    response = allocate(manager, case, {"lead_professional": newcomer.pk})

    assert response.status_code == 409
    assert response.json()["reasons"] == [
        "This case is closed, so it cannot be allocated. Reopen the case first."
    ]
    assert Case.objects.get(pk=case.pk).lead_professional == practitioner


def test_nothing_is_saved_when_a_later_part_of_the_allocation_fails(
    monkeypatch, team, manager, practitioner, case
):
    newcomer = staff(Role.PRACTITIONER, team)

    def broken(*args, **kwargs):
        raise RuntimeError("the deadlines could not be moved")

    monkeypatch.setattr("casework.services.owners.deadlines_reassign", broken)
    client = api(manager)
    client.raise_request_exception = False

    response = client.post(
        f"/api/v1/cases/{case.pk}/allocate/", {"lead_professional": newcomer.pk}, format="json"
    )

    assert response.status_code == 500
    case.refresh_from_db()
    assert case.lead_professional == practitioner
    assert not TransitionLog.objects.filter(transition="change_lead_professional").exists()


# The staff a manager may allocate to


def test_a_manager_lists_the_staff_of_their_team_with_open_cases(team, manager, practitioner):
    AssessingCaseFactory(child=ChildFactory(team=team), practitioner=practitioner)
    CaseFactory(
        child=ChildFactory(team=team), lead_professional=practitioner, status=CaseStatus.CLOSED
    )
    UserFactory(role=Role.FAMILY, team=team)

    response = api(manager).get("/api/v1/users/")

    assert response.status_code == 200
    rows = {row["id"]: row for row in response.json()["results"]}
    assert set(rows) == {manager.pk, practitioner.pk}
    assert rows[practitioner.pk] == {
        "id": practitioner.pk,
        "email": practitioner.email,
        "name": practitioner.full_name,
        "roles": ["practitioner"],
        "teams": [{"id": team.pk, "name": team.name}],
        "open_cases": 1,
    }
    assert rows[manager.pk]["roles"] == ["practitioner", "team_manager"]
    assert rows[manager.pk]["open_cases"] == 0


def test_the_list_is_of_the_managers_own_teams_only(team, other_team, manager, practitioner):
    stranger = staff(Role.PRACTITIONER, other_team)
    both = staff(Role.PRACTITIONER, team)
    both.memberships.create(team=other_team)

    response = api(manager).get("/api/v1/users/")
    by_team = api(manager).get(f"/api/v1/users/?team={other_team.pk}")

    ids = {row["id"] for row in response.json()["results"]}
    assert stranger.pk not in ids
    assert both.pk in ids
    shown = next(row for row in response.json()["results"] if row["id"] == both.pk)
    assert shown["teams"] == [{"id": team.pk, "name": team.name}]
    assert by_team.status_code == 200
    assert by_team.json()["results"] == []


def test_the_list_filters_by_team_and_role(team, manager, practitioner):
    east = TeamFactory(name="East")
    manager.memberships.create(team=east)
    second = staff(Role.TEAM_MANAGER, east)
    east_practitioner = staff(Role.PRACTITIONER, east)

    managers = api(manager).get("/api/v1/users/?role=team_manager")
    in_east = api(manager).get(f"/api/v1/users/?team={east.pk}&role=practitioner")

    assert {row["id"] for row in managers.json()["results"]} == {manager.pk, second.pk}
    assert {row["id"] for row in in_east.json()["results"]} == {
        manager.pk,
        second.pk,
        east_practitioner.pk,
    }


def test_the_list_refuses_a_bad_filter(manager):
    response = api(manager).get("/api/v1/users/?role=family")
    by_team = api(manager).get("/api/v1/users/?team=east")

    assert response.status_code == 400
    assert response.json()["fields"] == {"role": ["Choose practitioner or team_manager."]}
    assert by_team.status_code == 400
    assert "team" in by_team.json()["fields"]


@pytest.mark.parametrize("role", [Role.PRACTITIONER, Role.FAMILY, Role.COMMISSIONER])
def test_the_list_is_for_team_managers_only(team, role):
    response = api(UserFactory(role=role, team=team)).get("/api/v1/users/")

    assert response.status_code == 403
    assert response.json()["detail"] == "Only a team manager can do this."


def test_the_list_needs_a_fixed_number_of_queries(team, manager, practitioner):
    AssessingCaseFactory(child=ChildFactory(team=team), practitioner=practitioner)
    client = api(manager)
    client.get("/api/v1/users/")
    with CaptureQueriesContext(connection) as few:
        client.get("/api/v1/users/")
    for _ in range(5):
        worker = staff(Role.PRACTITIONER, team)
        AssessingCaseFactory(child=ChildFactory(team=team), practitioner=worker)
    with CaptureQueriesContext(connection) as many:
        response = client.get("/api/v1/users/")

    assert len(response.json()["results"]) == 7
    assert len(many) == len(few)


def test_the_schema_documents_allocation_and_the_staff_list():
    schema = SchemaGenerator(urlconf="config.urls").get_schema(request=None, public=True)
    paths = schema["paths"]
    components = schema["components"]["schemas"]

    allocate_body = paths["/api/v1/cases/{id}/allocate/"]["post"]["requestBody"]
    assert allocate_body["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/AllocateRequestRequest"
    }
    assert list(components["AllocateRequestRequest"]["properties"]) == ["lead_professional"]
    listing = paths["/api/v1/users/"]["get"]
    assert {"team", "role"} <= {parameter["name"] for parameter in listing["parameters"]}
    assert set(components["Staff"]["properties"]) == {
        "id",
        "email",
        "name",
        "roles",
        "teams",
        "open_cases",
    }
    assert set(components["Me"]["properties"]) == {"id", "email", "name", "roles", "teams"}
