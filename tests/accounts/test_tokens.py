"""API tokens (django-rest-knox): one per sign-in, hashed, expiring, ended by signing out and by
a new password, which ends every other browser session too (issue #15, item 3)."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.test import Client
from knox.models import AuthToken
from rest_framework.test import APIClient

from accounts.demo import DEMO_PASSWORD, load_demo_accounts
from accounts.models import User

EMAIL = "practitioner@example.org"
NEW_PASSWORD = "a-brand-new-long-password"
START = dt.datetime(2026, 11, 24, 9, tzinfo=dt.UTC)


@pytest.fixture
def demo(db):
    load_demo_accounts()


def get_token(email=EMAIL, password=DEMO_PASSWORD):
    response = APIClient().post(
        "/api/v1/auth/token/", {"email": email, "password": password}, format="json"
    )
    assert response.status_code == 200, response.json()
    return response.json()


def api(token):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    return client


def signed_in_browser(email=EMAIL):
    browser = Client()
    assert (
        browser.post("/sign-in/", {"username": email, "password": DEMO_PASSWORD}).status_code
        == 302
    )
    return browser


def test_the_token_answer_says_when_the_token_expires(demo):
    with time_machine.travel(START, tick=False):
        answer = get_token()

    assert set(answer) == {"token", "expiry"}
    assert dt.datetime.fromisoformat(answer["expiry"]) == START + dt.timedelta(hours=10)


def test_only_a_hash_of_the_token_is_stored(demo):
    token = get_token()["token"]

    stored = AuthToken.objects.get()
    assert token not in (stored.digest, stored.token_key)
    assert stored.digest != token


def test_every_sign_in_gets_a_token_of_its_own(demo):
    first, second = get_token()["token"], get_token()["token"]

    assert first != second
    assert api(first).get("/api/v1/cases/").status_code == 200
    assert api(second).get("/api/v1/cases/").status_code == 200


def test_a_token_stops_working_when_it_expires(demo):
    with time_machine.travel(START, tick=False):
        token = get_token()["token"]
    with time_machine.travel(START + dt.timedelta(hours=9, minutes=59), tick=False):
        assert api(token).get("/api/v1/cases/").status_code == 200
    with time_machine.travel(START + dt.timedelta(hours=10, minutes=1), tick=False):
        expired = api(token).get("/api/v1/cases/")

    assert expired.status_code == 401
    assert expired.json()["detail"] == "Invalid token."
    assert not AuthToken.objects.exists()  # cleared out when it was shown


def test_the_time_to_live_is_a_setting(demo, settings):
    import datetime

    settings.REST_KNOX = {**settings.REST_KNOX, "TOKEN_TTL": datetime.timedelta(hours=1)}
    with time_machine.travel(START, tick=False):
        token = get_token()["token"]
    with time_machine.travel(START + dt.timedelta(hours=1, minutes=1), tick=False):
        assert api(token).get("/api/v1/cases/").status_code == 401


def test_logout_ends_this_token_and_no_other(demo):
    this, other = get_token()["token"], get_token()["token"]

    response = api(this).post("/api/v1/auth/logout/")

    assert response.status_code == 204
    assert api(this).get("/api/v1/cases/").status_code == 401
    assert api(other).get("/api/v1/cases/").status_code == 200


def test_logout_all_ends_every_token_of_the_user_only(demo):
    this, other = get_token()["token"], get_token()["token"]
    someone_else = get_token("manager@example.org")["token"]

    response = api(this).post("/api/v1/auth/logout-all/")

    assert response.status_code == 204
    assert api(this).get("/api/v1/cases/").status_code == 401
    assert api(other).get("/api/v1/cases/").status_code == 401
    assert api(someone_else).get("/api/v1/cases/").status_code == 200


def test_logout_needs_a_token(demo):
    assert APIClient().post("/api/v1/auth/logout/").status_code == 401


def test_a_password_change_ends_every_token_and_every_other_session(demo):
    token = get_token()["token"]
    other_browser = signed_in_browser()
    this_browser = signed_in_browser()

    changed = this_browser.post(
        "/account/password/",
        {
            "old_password": DEMO_PASSWORD,
            "new_password1": NEW_PASSWORD,
            "new_password2": NEW_PASSWORD,
        },
    )

    assert changed.status_code == 302
    assert api(token).get("/api/v1/cases/").status_code == 401
    assert other_browser.get("/caseload/").status_code == 302  # back to sign-in
    assert this_browser.get("/caseload/").status_code == 200  # the browser that changed it
    assert get_token(password=NEW_PASSWORD)["token"]


def test_a_password_set_anywhere_ends_the_tokens(demo):
    token = get_token()["token"]
    user = User.objects.get(email=EMAIL)

    user.set_password(NEW_PASSWORD)
    user.save()

    assert api(token).get("/api/v1/cases/").status_code == 401


def test_saving_a_user_without_a_new_password_keeps_the_tokens(demo):
    token = get_token()["token"]
    user = User.objects.get(email=EMAIL)

    user.full_name = "Renamed"
    user.save()

    assert api(token).get("/api/v1/cases/").status_code == 200


def test_the_old_permanent_tokens_are_gone(demo):
    from django.apps import apps
    from django.db import connection

    assert not apps.is_installed("rest_framework.authtoken")
    assert "authtoken_token" not in connection.introspection.table_names()


def test_the_schema_documents_the_token_and_sign_out_endpoints(db):
    schema = APIClient().get("/api/schema/?format=json").json()

    token = schema["paths"]["/api/v1/auth/token/"]["post"]
    response = token["responses"]["200"]["content"]["application/json"]["schema"]["$ref"]
    assert set(schema["components"]["schemas"][response.rsplit("/", 1)[1]]["required"]) == {
        "token",
        "expiry",
    }
    assert "204" in schema["paths"]["/api/v1/auth/logout/"]["post"]["responses"]
    assert "204" in schema["paths"]["/api/v1/auth/logout-all/"]["post"]["responses"]
