"""`GET /api/v1/auth/me/`: who is signed in, for a client deciding what to offer them."""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from accounts.roles import Role
from accounts.services import token_issue
from tests.factories import TeamFactory, UserFactory, staff


def me(user=None):
    client = APIClient()
    if user is not None:
        client.force_authenticate(user)
    return client.get("/api/v1/auth/me/")


def test_a_manager_is_told_their_roles_and_teams(team):
    manager = staff(Role.TEAM_MANAGER, team)
    second = TeamFactory(name="A second team")
    manager.memberships.create(team=second)

    response = me(manager)

    assert response.status_code == 200
    assert response.json() == {
        "id": manager.pk,
        "email": manager.email,
        "name": manager.full_name,
        "roles": ["practitioner", "team_manager"],
        "teams": [{"id": second.pk, "name": second.name}, {"id": team.pk, "name": team.name}],
    }


@pytest.mark.parametrize(
    "role", [Role.FAMILY, Role.PROVIDER, Role.COMMISSIONER, Role.PROFESSIONAL]
)
def test_every_signed_in_role_is_answered(db, role):
    user = UserFactory(role=role, full_name="")

    body = me(user).json()

    assert body == {
        "id": user.pk,
        "email": user.email,
        "name": user.email,
        "roles": [role.value],
        "teams": [],
    }


def test_an_account_without_a_role_has_none(db):
    assert me(UserFactory()).json()["roles"] == []


def test_nobody_signed_in_is_told_to_sign_in(db):
    response = me()

    assert response.status_code == 401
    assert response.json()["code"] == "not_authenticated"


def test_a_token_is_enough(db, team):
    user = staff(Role.PRACTITIONER, team)
    token, _ = token_issue(by=user)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")

    assert client.get("/api/v1/auth/me/").json()["id"] == user.pk
