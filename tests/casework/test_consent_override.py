"""A team manager's override of consent to share, from the case page and the API: the reason is
required and audited, then the referral can be accepted; a practitioner sees who decides."""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from accounts.roles import Role
from casework.models import Case, CaseStatus
from tests.factories import CaseFactory, ChildFactory, ReferralFactory, staff
from workflows import clock
from workflows.models import TransitionLog


@pytest.fixture
def referred(team):
    case = CaseFactory(child=ChildFactory(team=team), status=CaseStatus.REFERRED)
    ReferralFactory(case=case, received_on=clock.today(), consent_to_share=False)
    return case


def api(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def override_page(case) -> str:
    return f"/cases/{case.pk}/consent-override/"


def test_the_case_page_links_a_manager_to_the_override(client, referred, manager):
    client.force_login(manager)

    page = client.get(f"/cases/{referred.pk}/").content.decode()

    assert override_page(referred) in page
    assert "Override consent to share" in page


def test_a_practitioner_sees_the_override_as_text_with_who_decides(client, referred, team):
    client.force_login(staff(Role.PRACTITIONER, team))

    page = client.get(f"/cases/{referred.pk}/").content.decode()

    assert override_page(referred) not in page
    assert "<strong>Override consent to share</strong>: A team manager decides this." in page
    assert "A team manager decides this." in client.get(override_page(referred)).content.decode()


def test_a_manager_overrides_consent_with_a_reason_and_the_referral_can_be_accepted(
    client, referred, manager
):
    client.force_login(manager)

    response = client.post(override_page(referred), {"reason": "Risk of significant harm"})

    assert response.status_code == 302
    assert Case.objects.get(pk=referred.pk).consent_override_reason == "Risk of significant harm"
    log = TransitionLog.objects.get(transition="override_consent")
    assert (log.note, log.actor) == ("Risk of significant harm", manager)
    page = client.get(f"/cases/{referred.pk}/").content.decode()
    assert override_page(referred) not in page
    assert f"/cases/{referred.pk}/steps/accept_referral/" in page


def test_the_override_needs_a_reason_in_our_words_and_saves_nothing(client, referred, manager):
    client.force_login(manager)

    response = client.post(override_page(referred), {"reason": " "})

    assert response.status_code == 400
    assert "Enter why the referral can go ahead without consent." in response.content.decode()
    assert not Case.objects.get(pk=referred.pk).consent_override_reason
    assert not TransitionLog.objects.filter(transition="override_consent").exists()


def test_a_practitioner_cannot_override_consent_from_the_page(client, referred, team):
    client.force_login(staff(Role.PRACTITIONER, team))

    response = client.post(override_page(referred), {"reason": "Urgent"})

    assert response.status_code == 403
    assert not Case.objects.get(pk=referred.pk).consent_override_reason


def test_another_teams_manager_is_told_the_case_does_not_exist(client, referred, other_team):
    client.force_login(staff(Role.TEAM_MANAGER, other_team))

    assert client.get(override_page(referred)).status_code == 404
    assert client.post(override_page(referred), {"reason": "Urgent"}).status_code == 404


def test_the_override_is_refused_once_consent_is_recorded(client, referred, manager):
    referred.referral.consent_to_share = True
    referred.referral.save()
    client.force_login(manager)

    response = client.post(override_page(referred), {"reason": "Urgent"})

    assert response.status_code == 409
    assert not Case.objects.get(pk=referred.pk).consent_override_reason


def test_the_api_overrides_consent_for_a_manager(referred, manager):
    response = api(manager).post(
        f"/api/v1/cases/{referred.pk}/override-consent/", {"reason": "Urgent"}, format="json"
    )

    assert response.status_code == 200
    assert response.json()["consent_override_reason"] == "Urgent"


def test_the_api_refuses_a_practitioner_an_empty_reason_and_a_second_override(
    referred, manager, team
):
    url = f"/api/v1/cases/{referred.pk}/override-consent/"

    practitioner = api(staff(Role.PRACTITIONER, team)).post(url, {"reason": "x"}, format="json")
    empty = api(manager).post(url, {"reason": ""}, format="json")
    not_text = api(manager).post(url, {"reason": ["x"]}, format="json")
    first = api(manager).post(url, {"reason": "Urgent"}, format="json")
    second = api(manager).post(url, {"reason": "Again"}, format="json")

    assert (practitioner.status_code, empty.status_code, not_text.status_code) == (403, 400, 400)
    assert "reason" in empty.json()["fields"]
    assert (first.status_code, second.status_code) == (200, 409)
    assert Case.objects.get(pk=referred.pk).consent_override_reason == "Urgent"


def test_the_api_refuses_the_override_when_the_case_is_not_referred(referred, manager):
    Case.objects.filter(pk=referred.pk).update(status=CaseStatus.ASSESSING)

    response = api(manager).post(
        f"/api/v1/cases/{referred.pk}/override-consent/", {"reason": "Urgent"}, format="json"
    )

    assert response.status_code == 409
