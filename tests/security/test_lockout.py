"""django-axes: repeated wrong passwords lock an account for an hour; an administrator unlocks."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from rest_framework.test import APIClient

from accounts.demo import DEMO_PASSWORD, load_demo_accounts

EMAIL = "practitioner@example.org"


@pytest.fixture
def demo(db):
    load_demo_accounts()


def sign_in(client, password):
    return client.post("/sign-in/", {"username": EMAIL, "password": password})


def test_five_wrong_passwords_lock_the_account_even_against_the_right_one(demo, client):
    for _ in range(4):
        assert sign_in(client, "wrong").status_code == 200
    assert sign_in(client, "wrong").status_code == 429  # the fifth

    locked = sign_in(client, DEMO_PASSWORD)

    assert locked.status_code == 429
    assert "You cannot sign in for now" in locked.content.decode()
    assert "_auth_user_id" not in client.session


def test_an_administrator_unlocks_the_account_at_once(demo, client):
    for _ in range(5):
        sign_in(client, "wrong")

    call_command("axes_reset_username", EMAIL)

    assert sign_in(client, DEMO_PASSWORD).status_code == 302
    assert "_auth_user_id" in client.session


def test_a_successful_sign_in_starts_the_count_again(demo, client):
    for _ in range(4):
        sign_in(client, "wrong")
    assert sign_in(client, DEMO_PASSWORD).status_code == 302
    client.logout()

    for _ in range(4):
        sign_in(client, "wrong")

    assert sign_in(client, DEMO_PASSWORD).status_code == 302


def test_the_token_api_is_locked_too_and_says_so_in_json(demo):
    client = APIClient()
    for _ in range(4):
        wrong = client.post(
            "/api/v1/auth/token/", {"email": EMAIL, "password": "wrong"}, format="json"
        )
        assert wrong.status_code == 400
    client.post("/api/v1/auth/token/", {"email": EMAIL, "password": "wrong"}, format="json")

    locked = client.post(
        "/api/v1/auth/token/", {"email": EMAIL, "password": DEMO_PASSWORD}, format="json"
    )

    assert locked.status_code == 429
    assert locked["Content-Type"].startswith("application/json")
    assert "stopped for an hour" in locked.json()["detail"]
