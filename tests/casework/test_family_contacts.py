"""Families see the other family members' names and relationships, never their contact details;
their own contact details they do see (DESIGN §9, "family members")."""

from __future__ import annotations

from rest_framework.test import APIClient

from accounts.roles import Role
from tests.factories import CaseFactory, ChildFactory, UserFactory

ADDRESS = "12 Hidden Lane, Rochester ME1 1AA"
PHONE = "07700 900123"


def family(team):
    parent = UserFactory(role=Role.FAMILY)
    child = ChildFactory(team=team, given_name="Amelia")
    CaseFactory(child=child)
    mum = child.family_members.create(
        name="Sam Carter",
        relationship="mother",
        email="sam@example.org",
        phone="07700 900001",
        address="1 Open Road",
        user=parent,
    )
    dad = child.family_members.create(
        name="Lee Carter",
        relationship="father (no contact)",
        email="lee@example.org",
        phone=PHONE,
        address=ADDRESS,
    )
    return parent, child, mum, dad


def members(user, child):
    client = APIClient()
    client.force_authenticate(user)
    response = client.get(f"/api/v1/children/{child.pk}/family-members/")
    assert response.status_code == 200
    return {row["id"]: row for row in response.json()}


def test_a_parent_sees_another_members_name_and_relationship_but_no_contact_details(team):
    parent, child, _, dad = family(team)

    rows = members(parent, child)

    assert rows[dad.pk] == {
        "id": dad.pk,
        "child": child.pk,
        "name": "Lee Carter",
        "relationship": "father (no contact)",
        "has_parental_responsibility": False,
    }
    assert ADDRESS not in str(rows)
    assert PHONE not in str(rows)
    assert "lee@example.org" not in str(rows)


def test_a_parent_sees_their_own_contact_details(team):
    parent, child, mum, _ = family(team)

    own = members(parent, child)[mum.pk]

    assert (own["email"], own["phone"], own["address"]) == (
        "sam@example.org",
        "07700 900001",
        "1 Open Road",
    )


def test_staff_see_every_members_contact_details(team, practitioner):
    _, child, _, dad = family(team)

    assert members(practitioner, child)[dad.pk]["address"] == ADDRESS


def test_the_familys_pages_show_no_other_members_contact_details(client, team):
    parent, _, _, _ = family(team)
    client.force_login(parent)

    for path in ("/my-child/", "/feedback/"):
        page = client.get(path).content.decode()
        assert ADDRESS not in page
        assert PHONE not in page
        assert "lee@example.org" not in page
