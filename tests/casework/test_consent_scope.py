"""What consent decides for a professional, and the rules found by probing the team around the
child: the statutory advice exception (reg 6) is as wide as the advice needs and lasts while the
request is open; consent records go forward in time; one convener; no member twice."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from rest_framework.test import APIClient

from accounts.roles import Role
from casework import selectors
from casework.services.advice import advice_request, advice_submit
from casework.services.team import consent_record, team_member_add
from tests.factories import (
    CaseNoteFactory,
    ChildFactory,
    ConsentFactory,
    FamilyMemberFactory,
    PlanFactory,
    ProfessionalFactory,
    professional_in_team,
    staff,
)
from workflows.errors import InvalidParams

pytestmark = pytest.mark.django_db
TODAY = dt.date(2026, 11, 24)


@pytest.fixture(autouse=True)
def _today():
    with time_machine.travel(dt.datetime(2026, 11, 24, 10, tzinfo=dt.UTC), tick=False):
        yield


@pytest.fixture
def child():
    child = ChildFactory(date_of_birth=dt.date(2016, 5, 1))
    FamilyMemberFactory(child=child, has_parental_responsibility=True, phone="07700 900123")
    CaseNoteFactory(child=child, visibility="team", text="Mum's own health is private.")
    return child


@pytest.fixture
def practitioner(child):
    return staff(Role.PRACTITIONER, child.team)


def api(user):
    client = APIClient()
    client.force_authenticate(user)
    return client


def _paediatrician_asked(child, practitioner):
    profile = ProfessionalFactory(profession="paediatrician")
    profile.organisation.agency = "health"
    profile.organisation.save()
    plan = PlanFactory(child=child, status="assessing", requested_on=TODAY - dt.timedelta(days=20))
    request = advice_request(
        by=practitioner,
        plan=plan,
        kind="medical",
        requested_on=TODAY - dt.timedelta(days=5),
        adviser=profile.user,
    )
    return profile.user, plan, request


def test_a_statutory_adviser_without_consent_sees_the_child_and_plan_but_not_the_shared_record(
    child, practitioner
):
    paediatrician, plan, _ = _paediatrician_asked(child, practitioner)
    client = api(paediatrician)

    assert client.get(f"/api/v1/children/{child.pk}/").status_code == 200
    assert client.get(f"/api/v1/ehc-plans/{plan.pk}/").status_code == 200
    assert client.get(f"/api/v1/children/{child.pk}/chronology/").status_code == 404
    assert client.get(f"/api/v1/children/{child.pk}/team/").status_code == 404
    assert client.get(f"/api/v1/case-notes/?child={child.pk}").json()["results"] == []
    assert client.get(f"/api/v1/children/{child.pk}/family-members/").json() == []


def test_once_the_advice_is_given_consent_decides_again(child, practitioner):
    paediatrician, _, request = _paediatrician_asked(child, practitioner)

    advice_submit(by=practitioner, request=request, advice="Seen in clinic.", received_on=TODAY)

    assert api(paediatrician).get(f"/api/v1/children/{child.pk}/").status_code == 404


def test_an_adviser_who_answered_loses_the_child_when_consent_is_withdrawn(child, practitioner):
    senco = professional_in_team(child, agency="education")
    plan = PlanFactory(child=child, status="assessing", requested_on=TODAY - dt.timedelta(days=20))
    request = advice_request(
        by=practitioner,
        plan=plan,
        kind="educational",
        requested_on=TODAY - dt.timedelta(days=5),
        adviser=senco,
    )
    advice_submit(by=practitioner, request=request, advice="Reads well.", received_on=TODAY)
    assert api(senco).get(f"/api/v1/children/{child.pk}/").status_code == 200

    consent_record(
        by=practitioner, child=child, agency="education", given=False, on=TODAY, given_by="parent"
    )

    senco._professional_cache = None
    assert api(senco).get(f"/api/v1/children/{child.pk}/").status_code == 404


def test_a_consent_dated_before_the_one_that_stands_is_refused(child, practitioner):
    ConsentFactory(child=child, agency="education", on=TODAY - dt.timedelta(days=10))

    with pytest.raises(InvalidParams) as refused:
        consent_record(
            by=practitioner,
            child=child,
            agency="education",
            given=False,
            on=TODAY - dt.timedelta(days=30),
            given_by="parent",
        )

    assert "stands: enter that date or a later one" in refused.value.fields["on"][0]
    assert selectors.children_shared_with(practitioner).filter(pk=child.pk).exists()


def test_one_review_convener_at_a_time(child, practitioner):
    professional_in_team(child, agency="education", part="review_convener")

    with pytest.raises(InvalidParams) as refused:
        team_member_add(
            by=practitioner,
            child=child,
            part="review_convener",
            starts_on=TODAY,
            name="Second Convener",
            profession="teacher",
        )

    assert "already convenes" in refused.value.fields["part"][0]


def test_a_professional_already_in_the_team_is_not_added_twice_nor_renamed(child, practitioner):
    senco = professional_in_team(child, agency="education")

    with pytest.raises(InvalidParams) as twice:
        team_member_add(by=practitioner, child=child, part="adviser", starts_on=TODAY, user=senco)
    other = ProfessionalFactory().user
    member = team_member_add(
        by=practitioner, child=child, part="adviser", starts_on=TODAY, user=other, name="Made Up"
    )

    assert "is already in" in twice.value.fields["user"][0]
    assert member.name == other.full_name


def test_a_case_note_longer_than_the_forms_limit_is_a_400(child, practitioner):
    response = api(practitioner).post(
        "/api/v1/case-notes/",
        {"child": child.pk, "kind": "visit", "on": "2026-11-20", "text": "x" * 20_001},
        format="json",
    )

    assert response.status_code == 400
    assert "text" in response.json()["fields"]
