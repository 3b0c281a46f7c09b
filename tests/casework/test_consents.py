"""Consent per agency (DESIGN §3): recorded by staff or by the family, a young person from 16 for
themself, append-only; a withdrawal ends that agency's professionals' access on the next request,
except an adviser's under a statutory request for advice (reg 6)."""

import datetime as dt

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from accounts.roles import Role
from casework import selectors
from casework.models import Consent
from casework.models.advice import AdviceRequest
from casework.services.team import consent_record
from tests.factories import (
    ChildFactory,
    ConsentFactory,
    FamilyMemberFactory,
    PlanFactory,
    UserFactory,
    professional_in_team,
    staff,
)
from workflows.errors import InvalidParams, NotPermitted
from workflows.models import TransitionLog

pytestmark = pytest.mark.django_db
TODAY = dt.date(2026, 11, 24)
SIXTEENTH_BIRTHDAY = dt.date(2026, 10, 1)


@pytest.fixture(autouse=True)
def _today():
    with time_machine.travel(dt.datetime(2026, 11, 24, 10, tzinfo=dt.UTC), tick=False):
        yield


@pytest.fixture
def child(team):
    return ChildFactory(team=team, date_of_birth=dt.date(2016, 5, 1), given_name="Amelia")


@pytest.fixture
def young_person(team):
    return ChildFactory(team=team, date_of_birth=dt.date(2010, 10, 1), given_name="Kai")


def _family(child, relationship="mother"):
    user = UserFactory(role=Role.FAMILY)
    FamilyMemberFactory(child=child, user=user, relationship=relationship)
    return user


def _client(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def _url(child) -> str:
    return f"/api/v1/children/{child.pk}/consents/"


def _post(user, child, **body):
    return _client(user).post(_url(child), body, format="json")


def test_staff_record_consent_and_the_list_shows_each_agencys_standing_and_the_history(
    child, practitioner
):
    given = _post(practitioner, child, agency="health", given=True, on="2026-09-01", by="parent")
    withdrawn = _post(
        practitioner, child, agency="health", given=False, on="2026-11-20", by="parent"
    )
    _post(practitioner, child, agency="education", given=True, on="2026-10-01", by="parent")

    response = _client(practitioner).get(_url(child))

    assert given.status_code == withdrawn.status_code == 201
    assert withdrawn.json() == {
        "id": withdrawn.json()["id"],
        "agency": "health",
        "given": False,
        "on": "2026-11-20",
        "by": "parent",
    }
    body = response.json()
    assert body["current"]["health"] == withdrawn.json()
    assert body["current"]["education"]["given"] is True
    assert body["current"]["social_care"] is None
    assert [(item["agency"], item["on"]) for item in body["history"]] == [
        ("health", "2026-09-01"),
        ("education", "2026-10-01"),
        ("health", "2026-11-20"),
    ]


def test_a_record_is_added_and_audited_never_changed(child, practitioner):
    first = consent_record(
        by=practitioner, child=child, agency="education", given=True, on=TODAY, given_by="parent"
    )
    consent_record(
        by=practitioner, child=child, agency="education", given=False, on=TODAY, given_by="parent"
    )

    first.refresh_from_db()
    assert first.given is True
    assert Consent.objects.filter(child=child).count() == 2
    assert list(
        TransitionLog.objects.filter(transition__startswith="consent_").values_list(
            "transition", flat=True
        )
    ) == ["consent_give", "consent_withdraw"]


def test_the_consent_list_costs_the_same_queries_however_long_the_history(child, practitioner):
    client = _client(practitioner)
    ConsentFactory(child=child)
    client.get(_url(child))
    with CaptureQueriesContext(connection) as one:
        client.get(_url(child))
    for agency in ("health", "social_care", "education", "health"):
        ConsentFactory(child=child, agency=agency)
    with CaptureQueriesContext(connection) as five:
        response = client.get(_url(child))

    assert len(response.json()["history"]) == 5
    assert len(five) == len(one)


def test_a_parent_records_consent_as_a_parent(child):
    parent = _family(child)

    response = _post(parent, child, agency="education", given=True, on="2026-11-24")

    assert response.status_code == 201
    assert response.json()["by"] == "parent"
    assert Consent.objects.get().recorded_by == parent


def test_a_parent_cannot_record_it_as_the_young_person(young_person):
    parent = _family(young_person)

    response = _post(
        parent, young_person, agency="education", given=True, on="2026-11-24", by="young_person"
    )

    assert response.status_code == 400
    assert list(response.json()["fields"]) == ["by"]


def test_a_young_person_of_16_records_their_own_consent(young_person):
    themself = _family(young_person, relationship="self")

    response = _post(themself, young_person, agency="health", given=False, on="2026-11-24")

    assert response.status_code == 201
    assert response.json()["by"] == "young_person"


def test_staff_record_the_young_persons_consent_from_their_16th_birthday(
    young_person, practitioner
):
    on_the_day = _post(
        practitioner,
        young_person,
        agency="health",
        given=True,
        on=SIXTEENTH_BIRTHDAY.isoformat(),
        by="young_person",
    )
    the_day_before = _post(
        practitioner,
        young_person,
        agency="health",
        given=True,
        on=(SIXTEENTH_BIRTHDAY - dt.timedelta(days=1)).isoformat(),
        by="young_person",
    )

    assert on_the_day.status_code == 201
    assert the_day_before.status_code == 400
    assert list(the_day_before.json()["fields"]) == ["by"]


def test_a_child_under_16_with_their_own_login_cannot_record_consent(child):
    themself = _family(child, relationship="self")

    with pytest.raises(InvalidParams) as refused:
        consent_record(by=themself, child=child, agency="health", given=True, on=TODAY)

    assert list(refused.value.fields) == ["by"]


@pytest.mark.parametrize("on", ["2026-11-25", "2016-04-30"], ids=["future", "before birth"])
def test_a_date_in_the_future_or_before_birth_is_a_400_on_on(child, practitioner, on):
    response = _post(practitioner, child, agency="health", given=True, on=on, by="parent")

    assert response.status_code == 400
    assert list(response.json()["fields"]) == ["on"]


def test_staff_must_say_who_gave_it(child, practitioner):
    response = _post(practitioner, child, agency="health", given=True, on="2026-11-24")

    assert response.status_code == 400
    assert list(response.json()["fields"]) == ["by"]


def test_an_unknown_agency_is_a_400(child, practitioner):
    response = _post(practitioner, child, agency="voluntary", given=True, on="2026-11-24")

    assert response.status_code == 400
    assert list(response.json()["fields"]) == ["agency"]


def test_another_teams_child_is_a_404_identical_to_a_missing_one(child, other_team):
    client = _client(staff(Role.PRACTITIONER, other_team))

    for method in ("get", "post"):
        theirs = getattr(client, method)(_url(child), {}, format="json")
        missing = getattr(client, method)("/api/v1/children/987654/consents/", {}, format="json")
        assert theirs.status_code == missing.status_code == 404
        assert theirs.json() == missing.json()


def test_another_familys_child_is_a_404(child, other_team):
    other_family = _family(ChildFactory(team=other_team))

    response = _post(other_family, child, agency="health", given=True, on="2026-11-24")

    assert response.status_code == 404


def test_the_service_refuses_someone_outside_the_childs_team_and_family(child, other_team):
    with pytest.raises(NotPermitted):
        consent_record(
            by=staff(Role.PRACTITIONER, other_team),
            child=child,
            agency="health",
            given=True,
            on=TODAY,
            given_by="parent",
        )


def test_a_professional_reads_consent_but_may_not_record_it(child):
    professional = professional_in_team(child, agency="education")

    assert _client(professional).get(_url(child)).status_code == 200
    assert (
        _post(professional, child, agency="education", given=False, on="2026-11-24").status_code
        == 403
    )


def test_withdrawal_takes_effect_on_the_professionals_next_request(child):
    paediatrician = professional_in_team(child, agency="health")
    senco = professional_in_team(child, agency="education")
    parent = _family(child)
    assert _client(paediatrician).get(f"/api/v1/children/{child.pk}/team/").status_code == 200

    withdrawn = _post(parent, child, agency="health", given=False, on="2026-11-24")

    assert withdrawn.status_code == 201
    assert not selectors.children_of_professional(paediatrician).filter(pk=child.pk).exists()
    assert _client(paediatrician).get(f"/api/v1/children/{child.pk}/team/").status_code == 404
    assert _client(paediatrician).get(_url(child)).status_code == 404
    # another agency's consent still stands
    assert _client(senco).get(_url(child)).status_code == 200


def test_consent_given_again_restores_access(child):
    paediatrician = professional_in_team(child, agency="health")
    parent = _family(child)
    _post(parent, child, agency="health", given=False, on="2026-11-24")

    _post(parent, child, agency="health", given=True, on="2026-11-24")

    assert selectors.children_of_professional(paediatrician).filter(pk=child.pk).exists()


def test_an_adviser_asked_under_reg_6_keeps_the_child_after_withdrawal(child, practitioner):
    paediatrician = professional_in_team(child, agency="health")
    plan = PlanFactory(child=child)
    AdviceRequest.objects.create(
        plan=plan,
        kind="medical",
        adviser=paediatrician,
        requested_on=dt.date(2026, 11, 1),
        recorded_by=practitioner,
    )

    _post(_family(child), child, agency="health", given=False, on="2026-11-24")

    assert selectors.children_of_professional(paediatrician).filter(pk=child.pk).exists()
