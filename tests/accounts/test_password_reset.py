"""Password reset by e-mail through the outbox, and changing a password (issue #15, item 3)."""

from __future__ import annotations

import datetime as dt
import re

import pytest
import time_machine
from django.core import mail
from django.test import Client
from rest_framework.test import APIClient

from accounts.demo import DEMO_PASSWORD, load_demo_accounts
from workflows.models import Notification

EMAIL = "parent@example.org"
NEW_PASSWORD = "a-brand-new-long-password"
START = dt.datetime(2026, 11, 24, 9, tzinfo=dt.UTC)


@pytest.fixture
def demo(db):
    load_demo_accounts()


def ask_for_link(client, email=EMAIL):
    return client.post("/password-reset/", {"email": email})


def the_link() -> str:
    notification = Notification.objects.get(kind="password_reset")
    return notification.link


def choose(client, link, password=NEW_PASSWORD):
    """Follow the link as a browser does (Django swaps the token out of the address) and
    choose a password."""
    page = client.get(link, follow=True)
    form_url = page.redirect_chain[-1][0] if page.redirect_chain else link
    return page, client.post(form_url, {"new_password1": password, "new_password2": password})


def signs_in_with(password: str) -> bool:
    response = Client().post("/sign-in/", {"username": EMAIL, "password": password})
    return response.status_code == 302


def test_the_sign_in_page_links_to_password_reset(db, client):
    page = client.get("/sign-in/").content.decode()

    assert '<a class="govuk-link" href="/password-reset/">Forgotten your password?</a>' in page


def test_the_link_is_sent_through_the_outbox(demo, client, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = ask_for_link(client, " Parent@Example.ORG ")

    assert response.status_code == 302
    assert response.url == "/password-reset/sent/"
    notification = Notification.objects.get(kind="password_reset")
    assert notification.recipient.email == EMAIL
    assert re.fullmatch(r"/password-reset/[\w-]+/[\w-]+/", notification.link)
    (sent,) = mail.outbox  # sent by the outbox's sender, with its link in full
    assert sent.to == [EMAIL]
    assert f"http://127.0.0.1:8000{notification.link}" in sent.body
    notification.refresh_from_db()
    assert notification.email_status == "sent"


def test_an_unknown_address_gets_the_same_answer_and_no_message(demo, client):
    known = ask_for_link(client, EMAIL)
    unknown = ask_for_link(client, "nobody@example.org")

    assert (unknown.status_code, unknown.url) == (known.status_code, known.url)
    assert Notification.objects.filter(kind="password_reset").count() == 1
    page = client.get(unknown.url).content.decode()
    assert "If the address you entered has an account" in page


def test_an_empty_or_malformed_address_is_shown_in_the_error_summary(db, client):
    empty = client.post("/password-reset/", {"email": ""}).content.decode()
    malformed = client.post("/password-reset/", {"email": "not-an-address"}).content.decode()

    assert '<a href="#id_email">Enter your email address</a>' in empty
    assert "Enter an email address in the correct format" in malformed
    assert "<title>Error: Reset your password" in empty


def test_the_link_sets_a_new_password(demo, client):
    ask_for_link(client)

    page, saved = choose(client, the_link())

    assert "Choose a new password" in page.content.decode()
    assert saved.status_code == 302
    assert saved.url == "/password-reset/done/"
    assert (
        Client().post("/sign-in/", {"username": EMAIL, "password": NEW_PASSWORD}).status_code
        == 302
    )


def test_the_link_works_only_once(demo, client):
    ask_for_link(client)
    link = the_link()
    choose(client, link)

    again = Client().get(link, follow=True)

    assert "This link does not work" in again.content.decode()
    _, refused = choose(Client(), link, password="yet-another-long-password")
    assert refused.status_code == 200
    assert (
        Client().post("/sign-in/", {"username": EMAIL, "password": NEW_PASSWORD}).status_code
        == 302
    )


def test_the_link_expires_after_an_hour(demo):
    with time_machine.travel(START, tick=False):
        ask_for_link(Client())
    link = the_link()

    with time_machine.travel(START + dt.timedelta(minutes=59), tick=False):
        assert "Choose a new password" in Client().get(link, follow=True).content.decode()
    with time_machine.travel(START + dt.timedelta(minutes=61), tick=False):
        late = Client().get(link, follow=True)

    assert "This link does not work" in late.content.decode()


def test_a_reset_ends_every_token_and_every_session(demo):
    token = (
        APIClient()
        .post("/api/v1/auth/token/", {"email": EMAIL, "password": DEMO_PASSWORD}, format="json")
        .json()["token"]
    )
    browser = Client()
    browser.post("/sign-in/", {"username": EMAIL, "password": DEMO_PASSWORD})
    assert browser.get("/my-child/").status_code == 200

    ask_for_link(Client())
    choose(Client(), the_link())

    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    assert api.get("/api/v1/cases/").status_code == 401
    assert browser.get("/my-child/").status_code == 302


def test_a_new_password_must_pass_the_password_rules(demo, client):
    ask_for_link(client)

    _, weak = choose(client, the_link(), password="123")

    page = weak.content.decode()
    assert weak.status_code == 200
    assert "There is a problem" in page
    assert "This password is too short" in page


def test_change_password_needs_the_current_one(demo, client):
    client.post("/sign-in/", {"username": EMAIL, "password": DEMO_PASSWORD})

    wrong = client.post(
        "/account/password/",
        {"old_password": "wrong", "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )

    page = wrong.content.decode()
    assert wrong.status_code == 200
    assert '<a href="#id_old_password">' in page
    assert "Your current password is not right" in page


def test_the_account_page_links_to_change_password(demo, client):
    client.post("/sign-in/", {"username": EMAIL, "password": DEMO_PASSWORD})

    page = client.get("/account/").content.decode()

    assert 'href="/account/password/"' in page
    assert "Two-step verification" not in page  # families are never asked for one
