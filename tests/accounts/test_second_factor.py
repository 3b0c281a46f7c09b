"""A second factor (TOTP) for staff and administrators: required when
PATHWAY_REQUIRE_SECOND_FACTOR is on (production), optional in the demo (issue #15, item 3)."""

from __future__ import annotations

import base64
import datetime as dt
import re

import pytest
import time_machine
from django.test import Client
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice
from rest_framework.test import APIClient

from accounts.demo import DEMO_PASSWORD, load_demo_accounts
from accounts.models import User

STAFF = "practitioner@example.org"


@pytest.fixture
def demo(db):
    load_demo_accounts()


@pytest.fixture
def required(settings):
    settings.PATHWAY_REQUIRE_SECOND_FACTOR = True
    # django-otp slows the next try after a wrong code; these tests try at once.
    settings.OTP_TOTP_THROTTLE_FACTOR = 0


def app_for(email: str) -> TOTPDevice:
    return TOTPDevice.objects.create(
        user=User.objects.get(email=email), name="Authenticator app", confirmed=True
    )


def code_of(device: TOTPDevice) -> str:
    return f"{TOTP(device.bin_key).token():06d}"


def sign_in(email: str = STAFF) -> tuple[Client, object]:
    client = Client()
    response = client.post("/sign-in/", {"username": email, "password": DEMO_PASSWORD})
    return client, response


def wrong(code: str) -> str:
    return f"{(int(code) + 1) % 1_000_000:06d}"


def test_the_setting_is_on_in_production_and_off_in_the_demo():
    from config import settings as defaults

    assert defaults.PATHWAY_REQUIRE_SECOND_FACTOR is False  # the test run is not production


def test_staff_without_an_app_are_sent_to_set_one_up(demo, required):
    client, _ = sign_in()

    response = client.get("/caseload/", follow=True)

    assert response.redirect_chain[0][0] == "/sign-in/code/?next=/caseload/"
    assert response.redirect_chain[-1][0].startswith("/account/second-factor/")
    page = response.content.decode()
    assert "Set up an authenticator app" in page
    assert 'src="data:image/svg+xml;base64,' in page  # the QR code
    assert "otpauth://totp/" in page


def test_setting_up_the_app_takes_its_code_and_lets_the_person_in(demo, required):
    client, _ = sign_in()
    page = client.get("/account/second-factor/").content.decode()
    secret = re.search(r'id="secret-key">([A-Z2-7 ]+)<', page)[1].replace(" ", "")
    totp = TOTP(base64.b32decode(secret))

    refused = client.post("/account/second-factor/", {"code": wrong(f"{totp.token():06d}")})
    assert refused.status_code == 200
    assert "The code is not right" in refused.content.decode()
    assert not TOTPDevice.objects.exists()

    done = client.post("/account/second-factor/", {"code": f"{totp.token():06d}", "next": "/"})

    assert done.status_code == 302
    assert TOTPDevice.objects.get().confirmed
    assert client.get("/caseload/").status_code == 200


def test_with_an_app_a_wrong_code_is_refused_and_the_right_one_lets_in(demo, required):
    device = app_for(STAFF)
    client, signed_in = sign_in()
    assert client.get(signed_in.url).url == "/sign-in/code/?next=/"

    refused = client.post("/sign-in/code/", {"code": wrong(code_of(device)), "next": "/caseload/"})
    assert refused.status_code == 200
    assert "There is a problem" in refused.content.decode()
    assert client.get("/caseload/").status_code == 302

    accepted = client.post("/sign-in/code/", {"code": code_of(device), "next": "/caseload/"})

    assert accepted.status_code == 302
    assert accepted.url == "/caseload/"
    assert client.get("/caseload/").status_code == 200


def test_a_wrong_code_slows_the_next_try_down(demo, required, settings):
    settings.OTP_TOTP_THROTTLE_FACTOR = 1
    device = app_for(STAFF)
    client, _ = sign_in()
    with time_machine.travel(dt.datetime(2026, 11, 24, 9, tzinfo=dt.UTC), tick=False):
        client.post("/sign-in/code/", {"code": wrong(code_of(device))})

        too_soon = client.post("/sign-in/code/", {"code": code_of(device)})

    assert too_soon.status_code == 200
    assert client.get("/caseload/").status_code == 302


def test_a_code_is_used_only_once(demo, required):
    device = app_for(STAFF)
    code = code_of(device)
    first, _ = sign_in()
    assert first.post("/sign-in/code/", {"code": code}).status_code == 302

    second, _ = sign_in()

    assert second.post("/sign-in/code/", {"code": code}).status_code == 200


def test_a_session_owing_its_code_cannot_replace_the_app(demo, required):
    app_for(STAFF)
    client, _ = sign_in()

    response = client.get("/account/second-factor/")

    assert response.status_code == 302
    assert response.url.startswith("/sign-in/code/")


def test_a_session_owing_its_code_is_signed_out_to_the_api_and_admin(demo, required):
    app_for("admin@example.org")
    client, _ = sign_in("admin@example.org")

    assert client.get("/api/v1/cases/").status_code == 401
    assert client.get("/admin/").url.startswith("/sign-in/code/")


@pytest.mark.parametrize(
    "email", ["parent@example.org", "provider@example.org", "commissioner@example.org"]
)
def test_families_providers_and_commissioners_are_never_asked(demo, required, email):
    client, _ = sign_in(email)

    landed = client.get("/", follow=True)
    assert landed.status_code == 200
    assert "/sign-in/code/" not in str(landed.redirect_chain)
    assert client.get("/account/second-factor/").status_code == 403
    token = APIClient().post(
        "/api/v1/auth/token/", {"email": email, "password": DEMO_PASSWORD}, format="json"
    )
    assert token.status_code == 200


def test_the_token_endpoint_requires_the_code_for_staff(demo, required):
    device = app_for(STAFF)
    api = APIClient()

    def ask(**extra):
        return api.post(
            "/api/v1/auth/token/",
            {"email": STAFF, "password": DEMO_PASSWORD, **extra},
            format="json",
        )

    without = ask()
    assert without.status_code == 400
    assert without.json()["fields"] == {
        "otp": ["Enter the 6-digit code from your authenticator app."]
    }
    assert ask(otp=wrong(code_of(device))).status_code == 400
    right = ask(otp=code_of(device))
    assert right.status_code == 200
    assert right.json()["token"]


def test_the_token_endpoint_sends_staff_without_an_app_to_set_one_up(demo, required):
    response = APIClient().post(
        "/api/v1/auth/token/", {"email": STAFF, "password": DEMO_PASSWORD}, format="json"
    )

    assert response.status_code == 400
    assert "set up an authenticator app" in response.json()["fields"]["otp"][0]


def test_in_the_demo_staff_without_an_app_go_straight_in(demo):
    client, _ = sign_in()

    assert client.get("/caseload/").status_code == 200
    token = APIClient().post(
        "/api/v1/auth/token/", {"email": STAFF, "password": DEMO_PASSWORD}, format="json"
    )
    assert token.status_code == 200


def test_in_the_demo_staff_who_set_up_an_app_are_asked_for_its_code(demo):
    device = app_for(STAFF)
    client, _ = sign_in()

    assert client.get("/caseload/").status_code == 302
    assert client.post("/sign-in/code/", {"code": code_of(device)}).status_code == 302
    assert client.get("/caseload/").status_code == 200


def test_the_admin_shows_no_secret_key(demo, client):
    device = app_for(STAFF)
    client.force_login(User.objects.get(email="admin@example.org"))

    page = client.get(f"/admin/otp_totp/totpdevice/{device.pk}/change/").content.decode()

    assert page.count("Authenticator app") >= 1
    assert device.key not in page
    assert client.get("/admin/otp_totp/totpdevice/add/").status_code == 403
