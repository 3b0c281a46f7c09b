"""The lockout counts one account however its address is typed, and behind the production proxy
counts each client apart, so one attacker cannot lock everybody out (issue #15, item 2)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from rest_framework.test import APIClient

from accounts.demo import DEMO_PASSWORD, load_demo_accounts

EMAIL = "practitioner@example.org"
SPELLINGS = [
    "PRACTITIONER@example.org",
    " practitioner@example.org ",
    "Practitioner@Example.ORG",
    "\tpractitioner@EXAMPLE.org",
    "practitioner@example.org",
]
PROXY = "10.0.0.2"  # the TLS-terminating proxy, as gunicorn sees it
ATTACKER, VICTIM = "81.2.69.142", "81.2.69.160"


@pytest.fixture
def demo(db):
    load_demo_accounts()


@pytest.fixture
def behind_one_proxy(settings):
    """What config/settings.py sets for PATHWAY_PROXY_COUNT=1."""
    settings.AXES_IPWARE_META_PRECEDENCE_ORDER = ("HTTP_X_FORWARDED_FOR", "REMOTE_ADDR")
    settings.AXES_IPWARE_PROXY_ORDER = "left-most"
    settings.AXES_IPWARE_PROXY_COUNT = 0
    settings.IPWARE_STRICT = False


def sign_in(client, email, password, **headers):
    return client.post("/sign-in/", {"username": email, "password": password}, **headers)


def token(email, password, **headers):
    return APIClient().post(
        "/api/v1/auth/token/", {"email": email, "password": password}, format="json", **headers
    )


@pytest.mark.parametrize("right_spelling", SPELLINGS)
def test_five_wrong_passwords_for_one_spelling_lock_every_spelling(demo, client, right_spelling):
    for _ in range(5):
        sign_in(client, "practitioner@example.org", "wrong")

    page = sign_in(client, right_spelling, DEMO_PASSWORD)
    api = token(right_spelling, DEMO_PASSWORD)

    assert page.status_code == 429
    assert "_auth_user_id" not in client.session
    assert api.status_code == 429


def test_wrong_passwords_in_five_spellings_count_as_five_for_one_account(demo, client):
    for spelling in SPELLINGS:
        sign_in(client, spelling, "wrong")

    assert sign_in(client, EMAIL, DEMO_PASSWORD).status_code == 429


def test_wrong_tokens_in_any_spelling_lock_the_sign_in_page_too(demo, client):
    for spelling in SPELLINGS:
        token(spelling, "wrong")

    assert sign_in(client, "PRACTITIONER@EXAMPLE.ORG", DEMO_PASSWORD).status_code == 429


def test_the_attempts_are_recorded_under_the_normalised_address(demo, client):
    from axes.models import AccessAttempt

    sign_in(client, " Practitioner@Example.ORG ", "wrong")

    assert list(AccessAttempt.objects.values_list("username", flat=True)) == [EMAIL]


def test_without_the_proxy_setting_a_forwarded_for_header_is_ignored(demo, client):
    """Otherwise an attacker would send a new X-Forwarded-For with each guess, and never be
    counted."""
    for n in range(5):
        sign_in(client, EMAIL, "wrong", HTTP_X_FORWARDED_FOR=f"81.2.69.{n + 1}")

    assert (
        sign_in(client, EMAIL, DEMO_PASSWORD, HTTP_X_FORWARDED_FOR="81.2.69.99").status_code == 429
    )


def test_behind_the_proxy_an_attacker_locks_only_their_own_address(demo, client, behind_one_proxy):
    for _ in range(5):
        sign_in(client, EMAIL, "wrong", REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=ATTACKER)

    attacker = sign_in(
        client, EMAIL, DEMO_PASSWORD, REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=ATTACKER
    )
    victim = token(EMAIL, DEMO_PASSWORD, REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=VICTIM)

    assert attacker.status_code == 429
    assert victim.status_code == 200


def test_behind_the_proxy_a_forged_header_does_not_escape_the_count(
    demo, client, behind_one_proxy
):
    """The proxy appends the address it saw to whatever the client sent: only that last entry
    is believed."""
    for n in range(5):
        forged = f"81.2.69.{n + 1}, {ATTACKER}"
        sign_in(client, EMAIL, "wrong", REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=forged)

    again = sign_in(
        client,
        EMAIL,
        DEMO_PASSWORD,
        REMOTE_ADDR=PROXY,
        HTTP_X_FORWARDED_FOR=f"81.2.69.77, {ATTACKER}",
    )

    assert again.status_code == 429


@pytest.mark.parametrize(
    ("count", "header_order", "proxies_in_header"),
    [
        ("0", "['REMOTE_ADDR']", "unset"),
        ("1", "['HTTP_X_FORWARDED_FOR', 'REMOTE_ADDR']", "0"),
        ("2", "['HTTP_X_FORWARDED_FOR', 'REMOTE_ADDR']", "1"),
    ],
)
def test_the_proxy_count_comes_from_the_environment(count, header_order, proxies_in_header):
    root = Path(__file__).resolve().parents[2]
    env = {key: value for key, value in os.environ.items() if not key.startswith("PATHWAY_")}
    script = (
        "from config import settings as s; "
        "print(s.AXES_IPWARE_META_PRECEDENCE_ORDER, "
        "getattr(s, 'AXES_IPWARE_PROXY_COUNT', 'unset'))"
    )

    result = subprocess.run(
        [sys.executable, "-c", script],
        cwd=root,
        env=env | {"PATHWAY_PROXY_COUNT": count},
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )

    assert result.stdout.strip() == f"{header_order} {proxies_in_header}"
