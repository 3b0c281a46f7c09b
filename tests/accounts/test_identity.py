"""One person, one address: trimmed and case-folded on every path, unique in any case."""

from __future__ import annotations

import importlib

import pytest
from django.core.management import CommandError, call_command
from django.db import IntegrityError, transaction
from rest_framework.test import APIClient

from accounts.demo import DEMO_PASSWORD, load_demo_accounts
from accounts.models import User, normalise_email
from tests.factories import UserFactory

SPELLINGS = ["NAME@example.org", " name@example.org ", "Name@Example.ORG", "\tname@EXAMPLE.org\n"]


@pytest.fixture
def demo(db):
    load_demo_accounts()


@pytest.mark.parametrize("spelling", SPELLINGS)
def test_an_address_is_stored_trimmed_and_in_lower_case(db, spelling):
    user = User.objects.create_user(spelling, "a-long-password")

    user.refresh_from_db()
    assert user.email == "name@example.org"


def test_a_full_width_look_alike_is_the_same_address():
    assert normalise_email("ｎａｍｅ@example.org") == "name@example.org"


def test_saving_a_user_normalises_the_address(db):
    user = UserFactory(email="someone@example.org")
    user.email = "  SomeOne@Example.org"
    user.save()

    assert User.objects.get(pk=user.pk).email == "someone@example.org"


def test_the_database_refuses_two_accounts_that_differ_only_in_case(db):
    UserFactory(email="name@example.org")

    with pytest.raises(IntegrityError), transaction.atomic():
        # bulk_create skips save(): the database's own constraint is what refuses.
        User.objects.bulk_create([User(email="Name@Example.org")])


def test_createsuperuser_normalises_and_refuses_a_case_twin(db, monkeypatch):
    monkeypatch.setenv("DJANGO_SUPERUSER_PASSWORD", "a-long-admin-password")
    call_command("createsuperuser", interactive=False, email=" Chief@Example.ORG ", verbosity=0)

    assert User.objects.get(is_superuser=True).email == "chief@example.org"
    with pytest.raises(CommandError, match="already taken"):
        call_command("createsuperuser", interactive=False, email="CHIEF@example.org", verbosity=0)


def test_the_admins_add_form_refuses_an_address_that_differs_only_in_case(db, client):
    client.force_login(UserFactory(email="root@example.org", is_staff=True, is_superuser=True))
    UserFactory(email="parent@example.org")

    twin = client.post(
        "/admin/accounts/user/add/",
        {
            "email": " PARENT@example.org ",
            "password1": "Xy7!long-pass",
            "password2": "Xy7!long-pass",
        },
    )
    new = client.post(
        "/admin/accounts/user/add/",
        {
            "email": "New.Person@Example.org",
            "password1": "Xy7!long-pass",
            "password2": "Xy7!long-pass",
        },
    )

    assert twin.status_code == 200
    assert "already exists" in twin.content.decode()
    assert User.objects.filter(email__iexact="parent@example.org").count() == 1
    assert new.status_code == 302
    assert User.objects.filter(email="new.person@example.org").exists()


def test_the_admins_change_form_normalises_the_address(db, client):
    client.force_login(UserFactory(email="root@example.org", is_staff=True, is_superuser=True))
    user = UserFactory(email="old@example.org")
    page = client.get(f"/admin/accounts/user/{user.pk}/change/")
    assert page.status_code == 200

    client.post(
        f"/admin/accounts/user/{user.pk}/change/",
        {
            "email": " Renamed@Example.org ",
            "full_name": "",
            "is_active": "on",
            "date_joined_0": "2026-11-24",
            "date_joined_1": "10:00:00",
            "initial-date_joined_0": "2026-11-24",
            "initial-date_joined_1": "10:00:00",
        },
    )

    assert User.objects.get(pk=user.pk).email == "renamed@example.org"


@pytest.mark.parametrize("spelling", SPELLINGS)
def test_the_sign_in_page_takes_the_address_in_any_spelling(demo, client, spelling):
    email = (
        spelling.replace("name", "practitioner")
        .replace("Name", "Practitioner")
        .replace("NAME", "PRACTITIONER")
    )

    response = client.post("/sign-in/", {"username": email, "password": DEMO_PASSWORD})

    assert response.status_code == 302
    assert "_auth_user_id" in client.session


def test_the_token_endpoint_takes_the_address_in_any_spelling(demo):
    response = APIClient().post(
        "/api/v1/auth/token/",
        {"email": "  Manager@EXAMPLE.org ", "password": DEMO_PASSWORD},
        format="json",
    )

    assert response.status_code == 200


def test_the_demo_loader_finds_its_logins_in_any_spelling(demo):
    User.objects.filter(email="parent@example.org").update(full_name="Kept")

    assert load_demo_accounts() == 0
    assert User.objects.get(email="parent@example.org").full_name == "Kept"


class _Rows:
    def __init__(self, rows):
        self.rows = rows
        self.updated = {}

    def values_list(self, *fields):
        return list(self.rows)

    def filter(self, pk):
        rows = self

        class _One:
            def update(self, email):
                rows.updated[pk] = email

        return _One()


class _Apps:
    def __init__(self, rows):
        self.model = type("User", (), {"objects": _Rows(rows)})

    def get_model(self, app, name):
        return self.model


def _migration():
    return importlib.import_module("accounts.migrations.0003_email_unique_in_any_case")


def test_the_migration_folds_existing_addresses():
    apps = _Apps([(1, "Amy@Example.org "), (2, "bob@example.org")])

    _migration().fold_addresses(apps, None)

    assert apps.model.objects.updated == {1: "amy@example.org"}


def test_the_migration_refuses_addresses_that_would_collide_and_names_them():
    apps = _Apps([(1, "Amy@Example.org"), (2, "amy@example.org"), (3, "bob@example.org")])

    with pytest.raises(RuntimeError, match=r"amy@example.org: user 1 \('Amy@Example.org'\)"):
        _migration().fold_addresses(apps, None)

    assert apps.model.objects.updated == {}
