"""Parents and carers added and corrected after the referral: the API's PATCH and the pages."""

from __future__ import annotations

import html

import pytest
from rest_framework.test import APIClient

from accounts.roles import Role
from casework.models import FamilyMember
from casework.services import family_member_update
from tests.factories import CaseFactory, ChildFactory, FamilyMemberFactory, TeamFactory, staff
from workflows.errors import InvalidParams, NotPermitted
from workflows.models import TransitionLog

pytestmark = pytest.mark.django_db


def api(user):
    client = APIClient()
    client.force_authenticate(user)
    return client


@pytest.fixture
def mother(team):
    child = ChildFactory(team=team)
    CaseFactory(child=child)
    return FamilyMemberFactory(
        child=child, name="Sarah Shah", relationship="mother", phone="07700 900982"
    )


def test_staff_of_the_team_correct_a_parents_details(practitioner, mother):
    response = api(practitioner).patch(
        f"/api/v1/family-members/{mother.pk}/",
        {"phone": "01632 960001", "email": " Sarah@Example.org "},
        format="json",
    )

    assert response.status_code == 200
    assert response.json()["phone"] == "01632 960001"
    mother.refresh_from_db()
    assert (mother.phone, mother.email, mother.name) == (
        "01632 960001",
        "sarah@example.org",
        "Sarah Shah",
    )
    entry = TransitionLog.objects.get(transition="family_member_change")
    assert entry.params["fields"] == ["email", "phone"]


def test_another_teams_staff_are_told_the_parent_does_not_exist(mother):
    other = staff(Role.PRACTITIONER, TeamFactory())

    response = api(other).patch(
        f"/api/v1/family-members/{mother.pk}/", {"phone": "01632 960001"}, format="json"
    )

    assert response.status_code == 404
    mother.refresh_from_db()
    assert mother.phone == "07700 900982"


def test_a_family_login_cannot_change_a_parents_details(team, mother):
    parent = staff(Role.FAMILY, team)
    mother.user = parent
    mother.save()

    response = api(parent).patch(
        f"/api/v1/family-members/{mother.pk}/", {"name": "Someone else"}, format="json"
    )

    assert response.status_code == 403


def test_an_empty_name_is_a_400_and_nothing_changes(practitioner, mother):
    response = api(practitioner).patch(
        f"/api/v1/family-members/{mother.pk}/",
        {"name": "", "phone": "01632 960001"},
        format="json",
    )

    assert response.status_code == 400
    assert "name" in response.json()["fields"]
    mother.refresh_from_db()
    assert mother.phone == "07700 900982"
    assert not TransitionLog.objects.filter(transition="family_member_change").exists()


def test_the_service_refuses_a_blank_relationship(practitioner, mother):
    with pytest.raises(InvalidParams) as refused:
        family_member_update(by=practitioner, member=mother, relationship="  ")

    assert refused.value.fields == {
        "relationship": ["Enter the parent or carer's relationship to the child."]
    }


def test_the_service_refuses_staff_of_another_team(mother):
    with pytest.raises(NotPermitted):
        family_member_update(
            by=staff(Role.PRACTITIONER, TeamFactory()), member=mother, phone="01632 960001"
        )


def test_the_case_page_links_to_add_and_change_a_parent(client, practitioner, mother):
    client.force_login(practitioner)
    case = mother.child.cases.get()

    page = client.get(f"/cases/{case.pk}/").content.decode()

    assert f"/children/{mother.child_id}/family-members/new/" in page
    assert f"/family-members/{mother.pk}/" in page


def test_a_parent_is_added_from_the_pages(client, practitioner, mother):
    client.force_login(practitioner)
    child = mother.child

    response = client.post(
        f"/children/{child.pk}/family-members/new/",
        {"name": "Omar Shah", "relationship": "father", "has_parental_responsibility": "on"},
    )

    assert response.status_code == 302
    assert response.url == f"/cases/{child.cases.get().pk}/"
    father = child.family_members.get(name="Omar Shah")
    assert father.has_parental_responsibility


def test_a_parents_details_are_changed_from_the_pages(client, practitioner, mother):
    client.force_login(practitioner)
    form = client.get(f"/family-members/{mother.pk}/").content.decode()
    assert 'value="Sarah Shah"' in form

    response = client.post(
        f"/family-members/{mother.pk}/",
        {"name": "Sarah Shah", "relationship": "mother", "phone": "01632 960001"},
    )

    assert response.status_code == 302
    mother.refresh_from_db()
    assert mother.phone == "01632 960001"


@pytest.mark.parametrize(
    ("form", "message"),
    [
        ({"name": "", "relationship": "mother"}, "Enter the parent or carer's full name."),
        (
            {"name": "Sarah Shah", "relationship": ""},
            "Enter the parent or carer's relationship to the child.",
        ),
        (
            {"name": "Sarah Shah", "relationship": "mother", "phone": "ring me"},
            "Enter a phone number, like 01632 960 001 or 07700 900 982.",
        ),
    ],
)
def test_bad_details_on_the_page_are_field_errors_and_change_nothing(
    client, practitioner, mother, form, message
):
    client.force_login(practitioner)

    response = client.post(f"/family-members/{mother.pk}/", form)

    assert response.status_code == 400
    assert message in html.unescape(response.content.decode())
    mother.refresh_from_db()
    assert (mother.name, mother.relationship, mother.phone) == (
        "Sarah Shah",
        "mother",
        "07700 900982",
    )


def test_another_teams_parent_page_is_not_found(client, mother):
    client.force_login(staff(Role.PRACTITIONER, TeamFactory()))

    assert client.get(f"/family-members/{mother.pk}/").status_code == 404
    assert client.post(f"/children/{mother.child_id}/family-members/new/", {}).status_code == 404
    assert FamilyMember.objects.count() == 1
