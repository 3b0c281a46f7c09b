"""A professional's invitation (issue #18 item 1): an e-mailed link, through the outbox, that works
once and for PATHWAY_INVITATION_DAYS, to choose a password; then, in production, an
authenticator app before anything else."""

from __future__ import annotations

import datetime as dt
import hashlib

import pytest
import time_machine
from django.core import mail
from django.core.exceptions import ValidationError
from django.test import Client

from accounts import services
from accounts.models import Invitation, User
from accounts.roles import Role
from tests.factories import OrganisationFactory, UserFactory
from workflows.models import Notification

pytestmark = pytest.mark.django_db
START = dt.datetime(2026, 11, 24, 9, tzinfo=dt.UTC)
EMAIL = "jo.senco@rochester-primary.example.org"
PASSWORD = "a-long-new-password-for-jo"


@pytest.fixture(autouse=True)
def clock():
    with time_machine.travel(START, tick=False) as traveller:
        yield traveller


@pytest.fixture
def officer():
    return UserFactory(role=Role.PRACTITIONER, full_name="Priya Shah")


@pytest.fixture
def professional(officer):
    profile = services.professional_create(
        by=officer,
        email=f"  {EMAIL.upper()} ",
        name="Jo Bennett",
        organisation=OrganisationFactory(name="Rochester Primary School"),
        profession="senco",
    )
    return profile.user


def invite(officer, user, capture) -> str:
    """The link the e-mail carries, as sent by the outbox's sender."""
    with capture(execute=True):
        services.invitation_issue(by=officer, user=user)
    return Notification.objects.filter(recipient=user, kind="invitation").first().link


@pytest.fixture
def link(officer, professional, django_capture_on_commit_callbacks):
    return invite(officer, professional, django_capture_on_commit_callbacks)


def choose(link, password=PASSWORD, again=None, client=None):
    client = client or Client()
    return client.post(
        link, {"new_password1": password, "new_password2": password if again is None else again}
    )


def signs_in(password=PASSWORD) -> bool:
    response = Client().post("/sign-in/", {"username": EMAIL, "password": password})
    return response.status_code == 302


def test_the_new_account_is_a_professional_with_no_password_yet(professional):
    assert professional.email == EMAIL  # normalised
    assert professional.has_role(Role.PROFESSIONAL)
    assert professional.professional.organisation.name == "Rochester Primary School"
    assert not professional.has_usable_password()


def test_the_email_in_the_outbox_carries_the_link_and_no_password(link, professional):
    (sent,) = mail.outbox
    assert sent.to == [EMAIL]
    assert f"http://127.0.0.1:8000{link}" in sent.body
    assert "Priya Shah" in sent.body
    assert "until 1 December 2026 at 09:00" in sent.body
    assert "choose your password" in sent.body
    assert sent.body.count("http") == 1  # the link, and nothing else to follow or type in
    assert not professional.has_usable_password()  # there is no password to send


def test_only_the_hash_of_the_token_is_stored(link):
    token = link.rstrip("/").rsplit("/", 1)[-1]
    invitation = Invitation.objects.get()

    assert invitation.token_hash == hashlib.sha256(token.encode()).hexdigest()
    stored = [str(value) for value in Invitation.objects.values().get().values()]
    assert token not in stored
    assert invitation.expires_at == START + dt.timedelta(days=7)


def test_a_valid_link_asks_for_the_password_twice(link):
    page = Client().get(link)

    assert page.status_code == 200
    text = page.content.decode()
    assert "Choose your password" in text
    assert EMAIL in text
    assert 'name="new_password1"' in text
    assert 'name="new_password2"' in text


def test_choosing_a_password_signs_the_professional_in(link, professional):
    client = Client()
    response = choose(link, client=client)

    assert response.status_code == 302
    assert response.url == "/"
    home = client.get("/", follow=True)
    assert home.redirect_chain[-1][0] == "/professional/"  # My children
    assert "Your password is set and you are signed in." in home.content.decode()
    assert signs_in()
    assert Invitation.objects.get().used_at == START


def test_the_link_used_twice_is_refused_plainly(link, professional):
    choose(link)

    again = Client().get(link)
    second_try = choose(link, password="somebody-elses-password-1")

    for response in (again, second_try):
        assert response.status_code == 200
        text = response.content.decode()
        assert "This link has already been used" in text
        assert 'name="new_password1"' not in text
        assert EMAIL not in text
        assert "Jo Bennett" not in text
    assert signs_in()
    assert not signs_in("somebody-elses-password-1")


def test_after_expiry_the_link_has_run_out(link, clock):
    clock.shift(dt.timedelta(days=7, seconds=-1))
    assert "Choose your password" in Client().get(link).content.decode()

    clock.shift(dt.timedelta(seconds=1))
    page = Client().get(link)
    refused = choose(link)

    for response in (page, refused):
        text = response.content.decode()
        assert response.status_code == 200
        assert "This link has run out" in text
        assert "works for 7 days" in text
        assert "Ask the council officer who invited you" in text
        assert EMAIL not in text
    assert not signs_in()


def test_the_days_a_link_works_are_a_setting(officer, professional, settings):
    settings.PATHWAY_INVITATION_DAYS = 2

    invitation = services.invitation_issue(by=officer, user=professional)

    assert invitation.expires_at == START + dt.timedelta(days=2)


def test_a_link_that_is_not_one_names_nobody_and_is_no_error(db):
    for token in ("not-a-real-token", "x" * 500):
        page = Client().get(f"/invitation/{token}/")
        assert page.status_code == 200
        assert "This link does not work" in page.content.decode()
        assert "Check that you copied the whole link" in page.content.decode()


def test_a_closed_accounts_link_does_not_work(link, professional):
    professional.is_active = False
    professional.save()

    page = Client().get(link)

    assert "This link does not work" in page.content.decode()


def test_the_password_goes_through_djangos_validators(link):
    common = choose(link, password="password")
    different = choose(link, again="not-the-same-password")

    assert common.status_code == 200
    assert "There is a problem" in common.content.decode()
    assert "This password is too common." in common.content.decode()
    assert "The two new passwords must be the same" in different.content.decode()
    assert Invitation.objects.get().used_at is None
    assert not signs_in("password")


def test_the_service_checks_the_password_itself(officer, professional):
    invitation = services.invitation_issue(by=officer, user=professional)

    with pytest.raises(ValidationError):
        services.invitation_accept(invitation=invitation, password="12345678")

    invitation.refresh_from_db()
    assert invitation.used_at is None


def test_a_link_used_meanwhile_is_refused_by_the_service(officer, professional):
    invitation = services.invitation_issue(by=officer, user=professional)
    services.invitation_accept(invitation=invitation, password=PASSWORD)

    with pytest.raises(services.InvitationClosed) as closed:
        services.invitation_accept(invitation=invitation, password="another-long-password")

    assert closed.value.state == "used"


def test_using_one_link_closes_the_others_sent_to_the_same_person(
    officer, professional, django_capture_on_commit_callbacks
):
    first = invite(officer, professional, django_capture_on_commit_callbacks)
    second = invite(officer, professional, django_capture_on_commit_callbacks)
    assert first != second

    choose(second)

    assert "This link has already been used" in Client().get(first).content.decode()


def test_an_account_with_a_password_gets_no_invitation(officer):
    with pytest.raises(ValueError, match="no password yet"):
        services.invitation_issue(by=officer, user=UserFactory(role=Role.PROFESSIONAL))


@pytest.fixture
def required(settings):
    settings.PATHWAY_REQUIRE_SECOND_FACTOR = True


def test_in_production_the_professional_sets_up_an_app_before_anything_else(link, required):
    client = Client()
    response = choose(link, client=client)

    assert response.url == "/account/second-factor/"
    held = client.get("/account/", follow=True)
    assert held.redirect_chain[0][0] == "/sign-in/code/?next=/account/"
    assert held.redirect_chain[-1][0].startswith("/account/second-factor/")
    assert "Set up an authenticator app" in held.content.decode()


def test_in_production_a_professional_signing_in_without_an_app_is_sent_to_set_one_up(
    link, required
):
    choose(link)
    client = Client()
    client.post("/sign-in/", {"username": EMAIL, "password": PASSWORD})

    response = client.get("/", follow=True)

    assert response.redirect_chain[-1][0].startswith("/account/second-factor/")
    assert User.objects.get(email=EMAIL).has_role(Role.PROFESSIONAL)
