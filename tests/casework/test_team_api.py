"""The team around the child through the API: `children/{id}/team/` and `team-members/{id}/`."""

import datetime as dt

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from accounts.roles import Role
from casework import selectors
from casework.models import AccessLog, TeamMember
from tests.factories import (
    ChildFactory,
    ConsentFactory,
    FamilyMemberFactory,
    OrganisationFactory,
    ProfessionalFactory,
    TeamMemberFactory,
    UserFactory,
    professional_in_team,
    staff,
)

pytestmark = pytest.mark.django_db
TODAY = dt.date(2026, 11, 24)
MEMBER_KEYS = {"id", "name", "organisation", "profession", "part", "key_worker", "from", "to"}


@pytest.fixture(autouse=True)
def _today():
    with time_machine.travel(dt.datetime(2026, 11, 24, 10, tzinfo=dt.UTC), tick=False):
        yield


@pytest.fixture
def child(team):
    return ChildFactory(team=team, date_of_birth=dt.date(2016, 5, 1))


def _client(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def _team_url(child) -> str:
    return f"/api/v1/children/{child.pk}/team/"


def test_a_member_is_exactly_the_issues_shape(child, practitioner):
    school = OrganisationFactory(name="Rochester Primary School")
    member = TeamMemberFactory(
        child=child,
        name="Ann Lee",
        organisation=school,
        profession="senco",
        part="key_worker",
        starts_on=dt.date(2026, 9, 1),
    )
    contact = TeamMemberFactory(
        child=child,
        name="Dr Priya Shah",
        part="adviser",
        starts_on=dt.date(2026, 1, 5),
        ends_on=dt.date(2026, 6, 30),
    )

    response = _client(practitioner).get(_team_url(child))

    assert response.status_code == 200
    assert response.json() == [
        {
            "id": contact.pk,
            "name": "Dr Priya Shah",
            "organisation": None,
            "profession": "paediatrician",
            "part": "adviser",
            "key_worker": False,
            "from": "2026-01-05",
            "to": "2026-06-30",
        },
        {
            "id": member.pk,
            "name": "Ann Lee",
            "organisation": "Rochester Primary School",
            "profession": "senco",
            "part": "key_worker",
            "key_worker": True,
            "from": "2026-09-01",
            "to": None,
        },
    ]


def test_the_team_list_costs_the_same_queries_for_one_member_or_many(child, practitioner):
    client = _client(practitioner)
    TeamMemberFactory(child=child, organisation=OrganisationFactory())
    client.get(_team_url(child))  # warm the permission and content-type caches
    with CaptureQueriesContext(connection) as one:
        client.get(_team_url(child))
    for _ in range(5):
        TeamMemberFactory(child=child, organisation=OrganisationFactory())
    with CaptureQueriesContext(connection) as six:
        response = client.get(_team_url(child))

    assert len(response.json()) == 6
    assert len(six) == len(one)


def test_staff_add_a_named_contact_with_their_contact_details(child, practitioner):
    response = _client(practitioner).post(
        _team_url(child),
        {
            "name": "Sam Okafor",
            "profession": "social_worker",
            "part": "key_worker",
            "email": "sam@example.org",
            "phone": "01634 000000",
            "from": "2026-11-01",
        },
        format="json",
    )

    assert response.status_code == 201
    assert set(response.json()) == MEMBER_KEYS
    member = TeamMember.objects.get(pk=response.json()["id"])
    assert (member.email, member.phone, member.starts_on, member.added_by) == (
        "sam@example.org",
        "01634 000000",
        dt.date(2026, 11, 1),
        practitioner,
    )


def test_staff_add_a_professional_user_whose_profile_fills_the_rest(child, practitioner):
    profile = ProfessionalFactory(profession="educational_psychologist")

    response = _client(practitioner).post(
        _team_url(child), {"user": profile.user.pk, "part": "adviser"}, format="json"
    )

    assert response.status_code == 201
    body = response.json()
    assert (body["name"], body["organisation"], body["profession"], body["from"]) == (
        profile.user.full_name,
        profile.organisation.name,
        "educational_psychologist",
        "2026-11-24",
    )
    assert TeamMember.objects.get(pk=body["id"]).user == profile.user


def test_a_user_who_is_not_a_professional_cannot_be_added_as_one(child, practitioner):
    response = _client(practitioner).post(
        _team_url(child), {"user": practitioner.pk, "part": "adviser"}, format="json"
    )

    assert response.status_code == 400
    assert list(response.json()["fields"]) == ["user"]


def test_a_second_key_worker_is_a_400_naming_key_worker(child, practitioner):
    TeamMemberFactory(child=child, part="key_worker", name="Ann Lee")

    response = _client(practitioner).post(
        _team_url(child),
        {"name": "Jo Patel", "profession": "teacher", "part": "key_worker"},
        format="json",
    )

    assert response.status_code == 400
    assert list(response.json()["fields"]) == ["key_worker"]
    assert "Ann Lee" in response.json()["fields"]["key_worker"][0]


def test_a_future_start_is_a_400_on_from(child, practitioner):
    response = _client(practitioner).post(
        _team_url(child),
        {"name": "Jo Patel", "profession": "teacher", "part": "adviser", "from": "2026-12-01"},
        format="json",
    )

    assert response.status_code == 400
    assert list(response.json()["fields"]) == ["from"]


def test_a_name_with_a_control_character_is_refused(child, practitioner):
    response = _client(practitioner).post(
        _team_url(child),
        {"name": "Jo\u202ePatel", "profession": "teacher", "part": "adviser"},
        format="json",
    )

    assert response.status_code == 400
    assert list(response.json()["fields"]) == ["name"]


def test_another_teams_child_is_a_404_identical_to_a_missing_one(child, other_team):
    outsider = staff(Role.PRACTITIONER, other_team)
    client = _client(outsider)

    for method in ("get", "post"):
        theirs = getattr(client, method)(_team_url(child), {}, format="json")
        missing = getattr(client, method)("/api/v1/children/987654/team/", {}, format="json")
        assert theirs.status_code == missing.status_code == 404
        assert theirs.json() == missing.json()


def test_a_professional_who_sees_the_child_reads_the_team_and_is_logged(child):
    professional = professional_in_team(child, agency="education")

    response = _client(professional).get(_team_url(child))

    assert response.status_code == 200
    assert AccessLog.objects.filter(user=professional, child=child).count() == 1


def test_a_professional_may_not_add_to_the_team(child):
    professional = professional_in_team(child, agency="education")

    response = _client(professional).post(
        _team_url(child), {"name": "Jo", "profession": "teacher", "part": "adviser"}
    )

    assert response.status_code == 403


def test_a_professional_whose_agencys_consent_is_withdrawn_gets_a_404(child, practitioner):
    professional = professional_in_team(child, agency="health")
    ConsentFactory(child=child, agency="health", given=False)

    response = _client(professional).get(_team_url(child))

    assert response.status_code == 404


def test_the_family_reads_its_childs_team(child):
    family = UserFactory(role=Role.FAMILY)
    FamilyMemberFactory(child=child, user=family)
    TeamMemberFactory(child=child)

    response = _client(family).get(_team_url(child))

    assert response.status_code == 200
    assert len(response.json()) == 1
    assert not AccessLog.objects.filter(user=family).exists()


def test_staff_end_a_membership_and_the_professional_loses_the_child_at_once(child, practitioner):
    professional = professional_in_team(child, agency="education")
    member = TeamMember.objects.get(user=professional)
    assert selectors.children_of_professional(professional).filter(pk=child.pk).exists()

    response = _client(practitioner).patch(
        f"/api/v1/team-members/{member.pk}/", {"to": "2026-11-24"}, format="json"
    )

    assert response.status_code == 200
    assert response.json()["to"] == "2026-11-24"
    assert not selectors.children_of_professional(professional).filter(pk=child.pk).exists()
    assert _client(professional).get(_team_url(child)).status_code == 404


def test_staff_change_a_members_part(child, practitioner):
    member = TeamMemberFactory(child=child, part="adviser")

    response = _client(practitioner).patch(
        f"/api/v1/team-members/{member.pk}/", {"part": "key_worker"}, format="json"
    )

    assert response.status_code == 200
    assert (response.json()["part"], response.json()["key_worker"]) == ("key_worker", True)


def test_making_a_second_key_worker_by_a_change_is_a_400_naming_key_worker(child, practitioner):
    TeamMemberFactory(child=child, part="key_worker")
    member = TeamMemberFactory(child=child, part="adviser")

    response = _client(practitioner).patch(
        f"/api/v1/team-members/{member.pk}/", {"part": "key_worker"}, format="json"
    )

    assert response.status_code == 400
    assert list(response.json()["fields"]) == ["key_worker"]


def test_a_change_with_nothing_to_change_is_a_400(child, practitioner):
    member = TeamMemberFactory(child=child)

    response = _client(practitioner).patch(f"/api/v1/team-members/{member.pk}/", {}, format="json")

    assert response.status_code == 400


def test_another_teams_member_is_a_404_identical_to_a_missing_one(child, other_team):
    member = TeamMemberFactory(child=child)
    client = _client(staff(Role.PRACTITIONER, other_team))

    theirs = client.patch(f"/api/v1/team-members/{member.pk}/", {"part": "adviser"})
    missing = client.patch("/api/v1/team-members/987654/", {"part": "adviser"})

    assert theirs.status_code == missing.status_code == 404
    assert theirs.json() == missing.json()


def test_a_start_before_the_child_was_born_is_a_400_on_from(child, practitioner):
    response = _client(practitioner).post(
        _team_url(child),
        {"name": "Jo Patel", "profession": "teacher", "part": "adviser", "from": "2016-04-30"},
        format="json",
    )

    assert response.status_code == 400
    assert list(response.json()["fields"]) == ["from"]
