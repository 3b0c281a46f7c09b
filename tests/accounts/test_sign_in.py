from __future__ import annotations

import pytest
from django.contrib.auth.models import Group
from rest_framework.test import APIClient

from accounts.demo import DEMO_LOGINS, DEMO_PASSWORD, load_demo_accounts
from accounts.models import User
from accounts.roles import Role
from tests.factories import UserFactory

START_PAGES = {
    "practitioner@example.org": "/caseload/",
    "practitioner2@example.org": "/caseload/",
    "manager@example.org": "/team/",
    "parent@example.org": "/my-child/",
    "parent2@example.org": "/my-child/",
    "provider@example.org": "/provider/",
    "commissioner@example.org": "/commissioning/",
    "senco@example.org": "/professional/",
    "health@example.org": "/professional/",
    "admin@example.org": "/admin/",
}


@pytest.fixture
def demo(db):
    load_demo_accounts()


def test_roles_exist_as_groups_created_by_migration(db):
    assert set(Group.objects.values_list("name", flat=True)) >= set(Role.values)


def test_passwords_are_hashed_with_argon2_in_production_settings(settings):
    from config import settings as production_settings

    assert production_settings.PASSWORD_HASHERS[0].endswith("Argon2PasswordHasher")


def test_email_is_the_login_and_is_case_insensitive(demo, client):
    response = client.post(
        "/sign-in/", {"username": "Practitioner@Example.org", "password": DEMO_PASSWORD}
    )

    assert response.status_code == 302
    assert response.url == "/"


@pytest.mark.parametrize(("email", "start"), START_PAGES.items())
def test_each_demo_role_lands_on_its_own_start_page(demo, client, email, start):
    client.post("/sign-in/", {"username": email, "password": DEMO_PASSWORD})

    response = client.get("/", follow=True)

    assert response.redirect_chain[-1][0] == start
    assert response.status_code == 200


def test_start_page_is_a_real_page_in_the_layout(demo, client):
    client.post("/sign-in/", {"username": "commissioner@example.org", "password": DEMO_PASSWORD})

    page = client.get("/commissioning/").content.decode()

    assert '<h1 class="govuk-heading-l">Uptake report</h1>' in page
    assert "Skip to main content" in page
    assert "Sign out" in page


def test_wrong_password_says_so_without_hinting_which_part_was_wrong(demo, client):
    wrong_password = client.post(
        "/sign-in/", {"username": "parent@example.org", "password": "nope"}
    )
    unknown_email = client.post(
        "/sign-in/", {"username": "nobody@example.org", "password": DEMO_PASSWORD}
    )

    for response in (wrong_password, unknown_email):
        page = response.content.decode()
        assert response.status_code == 200
        assert "There is a problem" in page
        assert "Enter a correct email address and password." in page
        assert "<title>Error: Sign in" in page
    assert "_auth_user_id" not in client.session


def test_empty_sign_in_form_names_each_missing_field(db, client):
    page = client.post("/sign-in/", {}).content.decode()

    assert '<a href="#id_username">Enter your email address</a>' in page
    assert '<a href="#id_password">Enter your password</a>' in page


def test_start_page_of_another_role_is_forbidden(demo, client):
    client.post("/sign-in/", {"username": "parent@example.org", "password": DEMO_PASSWORD})

    response = client.get("/caseload/")

    assert response.status_code == 403
    assert "You do not have permission to see this page" in response.content.decode()


def test_pages_need_sign_in(db, client):
    response = client.get("/caseload/")

    assert response.status_code == 302
    assert response.url.startswith("/sign-in/")


def test_sign_out_ends_the_session(demo, client):
    client.post("/sign-in/", {"username": "manager@example.org", "password": DEMO_PASSWORD})

    response = client.post("/sign-out/")

    assert response.status_code == 302
    assert client.get("/team/").status_code == 302


def test_a_user_with_no_role_is_told_so(db, client):
    user = UserFactory()
    client.force_login(user)

    response = client.get("/", follow=True)

    assert "Your account has no role yet" in response.content.decode()


def test_token_endpoint_exchanges_email_and_password_for_a_token(demo):
    response = APIClient().post(
        "/api/v1/auth/token/",
        {"email": "practitioner@example.org", "password": DEMO_PASSWORD},
        format="json",
    )

    assert response.status_code == 200
    token = response.json()["token"]
    again = APIClient().post(
        "/api/v1/auth/token/",
        {"email": "practitioner@example.org", "password": DEMO_PASSWORD},
        format="json",
    )
    assert again.json()["token"] != token  # every sign-in its own token (issue #15)
    authed = APIClient()
    authed.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    assert authed.get("/api/schema/").status_code == 200


def test_token_endpoint_refuses_a_wrong_password_with_a_clear_400(demo):
    response = APIClient().post(
        "/api/v1/auth/token/",
        {"email": "practitioner@example.org", "password": "wrong"},
        format="json",
    )

    assert response.status_code == 400
    assert response.json() == {
        "detail": "Enter a correct email address and password.",
        "code": "invalid",
        "fields": {"non_field_errors": ["Enter a correct email address and password."]},
    }


def test_token_endpoint_names_missing_fields(db):
    response = APIClient().post("/api/v1/auth/token/", {"email": "not-an-email"}, format="json")

    assert response.status_code == 400
    assert set(response.json()["fields"]) == {"email", "password"}


def test_inactive_user_cannot_get_a_token(demo):
    User.objects.filter(email="parent@example.org").update(is_active=False)

    response = APIClient().post(
        "/api/v1/auth/token/",
        {"email": "parent@example.org", "password": DEMO_PASSWORD},
        format="json",
    )

    assert response.status_code == 400


def test_load_demo_is_idempotent_and_keeps_changes(demo):
    User.objects.filter(email="parent@example.org").update(full_name="Changed")

    assert load_demo_accounts() == 0

    assert User.objects.count() == len(DEMO_LOGINS)
    assert User.objects.get(email="parent@example.org").full_name == "Changed"
    assert User.objects.get(email="manager@example.org").teams.count() == 1


def test_a_team_manager_holds_the_practitioner_role_too(demo):
    manager = User.objects.get(email="manager@example.org")

    assert manager.has_role(Role.PRACTITIONER)
    assert manager.primary_role == Role.TEAM_MANAGER
    assert not User.objects.get(email="practitioner@example.org").has_role(Role.TEAM_MANAGER)


def test_a_signed_in_users_roles_come_with_the_user_in_one_query(demo, client):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.post("/sign-in/", {"username": "manager@example.org", "password": DEMO_PASSWORD})

    with CaptureQueriesContext(connection) as queries:
        response = client.get("/team/")

    assert response.status_code == 200
    assert not [q for q in queries.captured_queries if 'FROM "auth_group"' in q["sql"]]
    user = response.wsgi_request.user
    assert user.has_role(Role.TEAM_MANAGER)
    assert user.has_role(Role.PRACTITIONER)  # a manager holds the practitioner's role too
    assert not user.has_role(Role.COMMISSIONER)
