"""Consent to share given after the referral, recorded from the case page and the API, so the
referral can be accepted (issue #20 item 1: no dead end for a referral without consent)."""

from __future__ import annotations

import datetime as dt

import pytest
from rest_framework.test import APIClient

from accounts.roles import Role
from casework.models import Case, CaseStatus, Referral
from tests.factories import CaseFactory, ChildFactory, ReferralFactory, staff
from workflows import clock
from workflows.models import TransitionLog

pytestmark = pytest.mark.django_db


@pytest.fixture
def referred(team):
    child = ChildFactory(team=team)
    case = CaseFactory(child=child, status=CaseStatus.REFERRED)
    ReferralFactory(case=case, received_on=clock.today(), consent_to_share=False)
    return case


def date_parts(prefix: str, day) -> dict[str, str]:
    return {
        f"{prefix}_0": str(day.day),
        f"{prefix}_1": str(day.month),
        f"{prefix}_2": str(day.year),
    }


def test_the_case_page_offers_recording_consent_to_a_practitioner(client, team, referred):
    client.force_login(staff(Role.PRACTITIONER, team))

    page = client.get(f"/cases/{referred.pk}/").content.decode()

    assert f'href="/cases/{referred.pk}/consent/"' in page
    assert "Record consent to share" in page


def test_a_practitioner_records_consent_given_later_from_the_page(client, team, referred):
    client.force_login(staff(Role.PRACTITIONER, team))

    response = client.post(
        f"/cases/{referred.pk}/consent/",
        {"given_by": "Jo Collins (mother)", **date_parts("given_on", clock.today())},
    )

    assert response.status_code == 302
    referral = Referral.objects.get(case=referred)
    assert referral.consent_to_share is True
    assert referral.consent_given_by == "Jo Collins (mother)"
    assert TransitionLog.objects.filter(transition="record_consent").exists()
    page = client.get(f"/cases/{referred.pk}/").content.decode()
    assert "Consent to share recorded, given by Jo Collins (mother)" in page
    assert f'href="/cases/{referred.pk}/consent/"' not in page


def test_recording_consent_with_nothing_filled_in_says_what_is_missing_and_saves_nothing(
    client, team, referred
):
    client.force_login(staff(Role.PRACTITIONER, team))

    response = client.post(f"/cases/{referred.pk}/consent/", {})

    assert response.status_code == 400
    page = response.content.decode()
    assert "Enter who gave consent." in page
    assert "govuk-error-summary" in page
    assert Referral.objects.get(case=referred).consent_to_share is False


def test_consent_dated_before_the_referral_is_refused_on_its_field(client, team, referred):
    client.force_login(staff(Role.PRACTITIONER, team))
    day_before = clock.today() - dt.timedelta(days=1)

    response = client.post(
        f"/cases/{referred.pk}/consent/",
        {"given_by": "Jo Collins", **date_parts("given_on", day_before)},
    )

    assert "The date consent was given must be on or after the referral." in (
        response.content.decode()
    )
    assert Referral.objects.get(case=referred).consent_to_share is False


def test_consent_already_recorded_is_a_409_with_the_reason(client, team, referred):
    Referral.objects.filter(case=referred).update(consent_to_share=True)
    client.force_login(staff(Role.PRACTITIONER, team))

    response = client.post(
        f"/cases/{referred.pk}/consent/",
        {"given_by": "Jo Collins", **date_parts("given_on", clock.today())},
    )

    assert response.status_code == 409
    assert "Consent to share is already recorded." in response.content.decode()


def test_the_api_records_consent_given_later(team, referred):
    api = APIClient()
    api.force_authenticate(staff(Role.PRACTITIONER, team))

    response = api.post(
        f"/api/v1/cases/{referred.pk}/record-consent/",
        {"given_by": "Jo Collins (mother)", "given_on": clock.today().isoformat()},
        format="json",
    )

    assert response.status_code == 200
    assert Referral.objects.get(case=referred).consent_to_share is True
    again = api.post(
        f"/api/v1/cases/{referred.pk}/record-consent/",
        {"given_by": "Jo Collins (mother)", "given_on": clock.today().isoformat()},
        format="json",
    )
    assert again.status_code == 409


def test_the_api_answers_400_with_field_messages_and_saves_nothing(team, referred):
    api = APIClient()
    api.force_authenticate(staff(Role.PRACTITIONER, team))

    response = api.post(
        f"/api/v1/cases/{referred.pk}/record-consent/",
        {"given_by": "", "given_on": "not a date"},
        format="json",
    )

    assert response.status_code == 400
    body = str(response.json())
    assert "given_by" in body
    assert "given_on" in body
    assert Referral.objects.get(case=referred).consent_to_share is False


def test_a_family_cannot_record_consent_through_the_api(team, referred):
    api = APIClient()
    api.force_authenticate(staff(Role.FAMILY, team))

    response = api.post(
        f"/api/v1/cases/{referred.pk}/record-consent/",
        {"given_by": "Me", "given_on": clock.today().isoformat()},
        format="json",
    )

    assert response.status_code == 403
    assert Referral.objects.get(case=referred).consent_to_share is False


def test_consent_cannot_be_recorded_once_a_manager_has_overridden_it(team, referred):
    Case.objects.filter(pk=referred.pk).update(consent_override_reason="Risk of harm")
    api = APIClient()
    api.force_authenticate(staff(Role.PRACTITIONER, team))

    response = api.post(
        f"/api/v1/cases/{referred.pk}/record-consent/",
        {"given_by": "Dad", "given_on": clock.today().isoformat()},
        format="json",
    )

    assert response.status_code == 409
    assert "already overridden" in response.json()["detail"]
    assert Referral.objects.get(case=referred).consent_given_by == ""


def test_consent_on_a_case_opened_without_a_referral_is_a_409_not_an_error(team):
    case = CaseFactory(child=ChildFactory(team=team), status=CaseStatus.REFERRED)
    api = APIClient()
    api.force_authenticate(staff(Role.PRACTITIONER, team))

    response = api.post(
        f"/api/v1/cases/{case.pk}/record-consent/",
        {"given_by": "Mum", "given_on": clock.today().isoformat()},
        format="json",
    )

    assert response.status_code == 409
    assert "no referral" in response.json()["detail"]


def test_an_override_reason_of_invisible_characters_or_too_long_is_refused(team, referred):
    api = APIClient()
    api.force_authenticate(staff(Role.TEAM_MANAGER, team))
    url = f"/api/v1/cases/{referred.pk}/override-consent/"

    blank = api.post(url, {"reason": "\u200b "}, format="json")
    long = api.post(url, {"reason": "x" * 5_001}, format="json")

    assert (blank.status_code, long.status_code) == (400, 400)
    assert Case.objects.get(pk=referred.pk).consent_override_reason == ""
