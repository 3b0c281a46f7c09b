"""Pages of the team around the child: staff see and edit the team and record consent; the
family sees the team and the key worker on My child and gives or withdraws its consent."""

import datetime as dt

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts.roles import Role
from casework import selectors
from casework.models import AccessLog, Consent, TeamMember
from tests.factories import (
    ChildFactory,
    FamilyMemberFactory,
    OrganisationFactory,
    ReferredCaseFactory,
    TeamMemberFactory,
    UserFactory,
    professional_in_team,
    staff,
)

pytestmark = pytest.mark.django_db
TODAY = dt.date(2026, 11, 24)


@pytest.fixture(autouse=True)
def _today():
    with time_machine.travel(dt.datetime(2026, 11, 24, 10, tzinfo=dt.UTC), tick=False):
        yield


@pytest.fixture
def child(team):
    return ChildFactory(team=team, date_of_birth=dt.date(2016, 5, 1), given_name="Amelia")


@pytest.fixture
def family(child):
    user = UserFactory(role=Role.FAMILY)
    FamilyMemberFactory(child=child, user=user, relationship="mother")
    return user


def _date(prefix: str, day: dt.date) -> dict[str, str]:
    return {
        f"{prefix}_0": str(day.day),
        f"{prefix}_1": str(day.month),
        f"{prefix}_2": str(day.year),
    }


def test_the_case_page_links_to_the_team_around_the_child(client, practitioner, team):
    case = ReferredCaseFactory(child__team=team, practitioner=practitioner)
    client.force_login(practitioner)

    page = client.get(f"/cases/{case.pk}/").content.decode()

    assert f'href="/children/{case.child_id}/team/"' in page


def test_the_team_page_shows_current_and_past_members_and_consent(client, practitioner, child):
    school = OrganisationFactory(name="Rochester Primary School")
    TeamMemberFactory(
        child=child,
        name="Ann Lee",
        organisation=school,
        part="key_worker",
        email="ann@example.org",
    )
    TeamMemberFactory(
        child=child, name="Dr Old", starts_on=dt.date(2025, 1, 1), ends_on=dt.date(2026, 1, 1)
    )
    client.force_login(practitioner)

    response = client.get(f"/children/{child.pk}/team/")

    page = response.content.decode()
    assert response.status_code == 200
    now, before = page.index("Who is in the team now"), page.index("Who was in the team")
    assert now < page.index("Ann Lee", now) < before < page.index("Dr Old", now)
    assert "Rochester Primary School" in page
    assert "ann@example.org" in page
    assert "Not recorded: this agency" in page
    assert AccessLog.objects.filter(user=practitioner, child=child, via="page").exists()


def test_the_team_page_says_when_no_key_worker_is_named(client, practitioner, child):
    client.force_login(practitioner)

    page = client.get(f"/children/{child.pk}/team/").content.decode()

    assert "No key worker has been named yet" in page


def test_the_team_page_costs_the_same_queries_for_one_member_or_many(client, practitioner, child):
    client.force_login(practitioner)
    TeamMemberFactory(child=child, organisation=OrganisationFactory())
    client.get(f"/children/{child.pk}/team/")
    with CaptureQueriesContext(connection) as one:
        client.get(f"/children/{child.pk}/team/")
    for _ in range(4):
        TeamMemberFactory(child=child, organisation=OrganisationFactory())
    with CaptureQueriesContext(connection) as five:
        client.get(f"/children/{child.pk}/team/")

    assert len(five) == len(one)


def test_staff_add_a_contact_from_the_team_page(client, practitioner, child):
    client.force_login(practitioner)

    response = client.post(
        f"/children/{child.pk}/team/",
        {
            "name": "Sam Okafor",
            "profession": "social_worker",
            "part": "key_worker",
            "email": "sam@example.org",
            **_date("starts_on", TODAY),
        },
    )

    assert response.status_code == 302
    member = TeamMember.objects.get(child=child)
    assert (member.name, member.part, member.email) == (
        "Sam Okafor",
        "key_worker",
        "sam@example.org",
    )


def test_a_second_key_worker_on_the_page_is_an_error_in_the_summary(client, practitioner, child):
    TeamMemberFactory(child=child, part="key_worker", name="Ann Lee")
    client.force_login(practitioner)

    response = client.post(
        f"/children/{child.pk}/team/",
        {"name": "Jo", "profession": "teacher", "part": "key_worker", **_date("starts_on", TODAY)},
    )

    assert response.status_code == 400
    page = response.content.decode()
    assert "govuk-error-summary" in page
    assert "already has a key worker, Ann Lee" in page


def test_staff_end_a_membership_from_its_page(client, practitioner, child):
    professional = professional_in_team(child, agency="education")
    member = TeamMember.objects.get(user=professional)
    client.force_login(practitioner)

    assert client.get(f"/team-members/{member.pk}/").status_code == 200
    response = client.post(
        f"/team-members/{member.pk}/", {"part": member.part, **_date("ends_on", TODAY)}
    )

    assert response.status_code == 302
    assert not selectors.children_of_professional(professional).filter(pk=child.pk).exists()


def test_an_ended_membership_says_why_it_cannot_be_changed(client, practitioner, child):
    member = TeamMemberFactory(
        child=child, starts_on=dt.date(2025, 1, 1), ends_on=dt.date(2026, 1, 1)
    )
    client.force_login(practitioner)

    page = client.get(f"/team-members/{member.pk}/").content.decode()

    assert "This membership has ended" in page
    assert "<form" not in page.split("govuk-main-wrapper")[-1]


def test_staff_record_consent_withdrawn(client, practitioner, child):
    client.force_login(practitioner)

    response = client.post(
        f"/children/{child.pk}/consents/",
        {"agency": "health", "given": "no", "by": "parent", **_date("on", TODAY)},
    )

    assert response.status_code == 302
    consent = Consent.objects.get(child=child)
    assert (consent.agency, consent.given, consent.by) == ("health", False, "parent")


def test_consent_for_a_young_person_under_16_is_an_error(client, practitioner, child):
    client.force_login(practitioner)

    response = client.post(
        f"/children/{child.pk}/consents/",
        {"agency": "health", "given": "yes", "by": "young_person", **_date("on", TODAY)},
    )

    assert response.status_code == 400
    assert "was not yet 16" in response.content.decode()


def test_a_future_consent_date_is_an_error_on_the_date(client, practitioner, child):
    client.force_login(practitioner)

    response = client.post(
        f"/children/{child.pk}/consents/",
        {"agency": "health", "given": "yes", "by": "parent", **_date("on", TODAY.replace(day=30))},
    )

    assert response.status_code == 400
    assert "cannot be in the future" in response.content.decode()


def test_another_teams_child_is_a_404(client, other_team, child):
    client.force_login(staff(Role.PRACTITIONER, other_team))

    assert client.get(f"/children/{child.pk}/team/").status_code == 404
    assert client.get(f"/children/{child.pk}/consents/").status_code == 404


def test_my_child_shows_the_team_and_the_key_workers_contact_details(client, family, child):
    TeamMemberFactory(
        child=child,
        name="Ann Lee",
        organisation=OrganisationFactory(name="Rochester Primary School"),
        part="key_worker",
        email="ann@example.org",
        phone="01634 111222",
    )
    TeamMemberFactory(child=child, name="Dr Priya Shah", part="adviser")
    TeamMemberFactory(child=child, name="Gone", starts_on=dt.date(2025, 1, 1), ends_on=TODAY)
    client.force_login(family)

    page = client.get("/my-child/").content.decode()

    assert "Your key worker is Ann Lee, Rochester Primary School" in page
    assert "ann@example.org" in page
    assert "01634 111222" in page
    assert "Dr Priya Shah" in page
    assert "Adviser" in page
    assert "Gone" not in page


def test_my_child_says_no_key_worker_yet_and_whom_to_contact(client, family, child, practitioner):
    ReferredCaseFactory(child=child, practitioner=practitioner)
    client.force_login(family)

    page = client.get("/my-child/").content.decode()

    assert "No key worker has been named yet" in page
    assert practitioner.email in page


def test_the_family_withdraws_consent_and_it_takes_effect_at_once(client, family, child):
    paediatrician = professional_in_team(child, agency="health")
    client.force_login(family)

    page = client.get(f"/my-child/{child.pk}/consents/").content.decode()
    response = client.post(f"/my-child/{child.pk}/consents/", {"agency": "health", "given": "no"})

    assert "regulation 6 of the SEND Regulations 2014" in page
    assert response.status_code == 302
    assert Consent.objects.filter(child=child).latest("pk").by == "parent"
    assert not selectors.children_of_professional(paediatrician).filter(pk=child.pk).exists()


def test_another_familys_consent_page_is_a_404(client, child, other_team):
    other = UserFactory(role=Role.FAMILY)
    FamilyMemberFactory(child=ChildFactory(team=other_team), user=other)
    client.force_login(other)

    assert client.get(f"/my-child/{child.pk}/consents/").status_code == 404
