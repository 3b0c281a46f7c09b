"""Organisations, professionals and inviting one into a child's team (issue #18 item 1): the API,
the service behind it and the staff's page."""

from __future__ import annotations

import datetime as dt
from unittest import mock

import pytest
import time_machine
from django.db import IntegrityError, connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from accounts.models import Invitation, Professional, User
from accounts.roles import Role
from casework import selectors
from casework.models import TeamMember
from casework.services.professionals import professional_invite
from casework.services.team import team_member_add, team_member_change
from tests.factories import (
    CaseFactory,
    ChildFactory,
    ConsentFactory,
    OrganisationFactory,
    ProfessionalFactory,
    UserFactory,
    staff,
)
from workflows.errors import NotPermitted
from workflows.models import Notification

pytestmark = pytest.mark.django_db
TODAY = dt.date(2026, 11, 24)
NEW = "Jo.Bennett@Rochester-Primary.example.org "


@pytest.fixture(autouse=True)
def _today():
    with time_machine.travel(dt.datetime(2026, 11, 24, 10, tzinfo=dt.UTC), tick=False):
        yield


@pytest.fixture
def school():
    return OrganisationFactory(name="Rochester Primary School", agency="education")


@pytest.fixture
def child(team):
    return ChildFactory(team=team, given_name="Amelia", family_name="Collins")


def api(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def body(school, child, **changes):
    return {
        "email": NEW,
        "name": "Jo Bennett",
        "organisation": school.pk,
        "profession": "senco",
        "child": child.pk,
        "part": "review_convener",
    } | changes


def invite(by, school, child, **changes):
    return api(by).post(
        "/api/v1/professionals/invitations/", body(school, child, **changes), format="json"
    )


def nothing_was_kept():
    return not (
        User.objects.filter(email="jo.bennett@rochester-primary.example.org").exists()
        or Invitation.objects.exists()
        or TeamMember.objects.exists()
        or Notification.objects.exists()
    )


# Organisations


def test_staff_and_professionals_read_the_organisations(practitioner, school):
    OrganisationFactory(name="Medway NHS Foundation Trust", agency="health")
    professional = ProfessionalFactory(organisation=school).user

    for reader in (practitioner, professional):
        response = api(reader).get("/api/v1/organisations/")
        assert response.status_code == 200
        assert response.json()["count"] == 2
        assert response.json()["results"][0] == {
            "id": response.json()["results"][0]["id"],
            "name": "Medway NHS Foundation Trust",
            "agency": "health",
        }


@pytest.mark.parametrize("role", [Role.FAMILY, Role.PROVIDER, Role.COMMISSIONER])
def test_other_roles_are_refused_the_organisations(role):
    response = api(UserFactory(role=role)).get("/api/v1/organisations/")

    assert response.status_code == 403
    assert response.json()["code"] == "not_permitted"


# Professionals


def test_the_professionals_list_is_for_staff_only(practitioner, school):
    ProfessionalFactory(organisation=school)
    professional = ProfessionalFactory(organisation=school).user

    assert api(practitioner).get("/api/v1/professionals/").json()["count"] == 2
    for other in (professional, UserFactory(role=Role.FAMILY), UserFactory(role=Role.PROVIDER)):
        response = api(other).get("/api/v1/professionals/")
        assert response.status_code == 403
        assert response.json()["detail"] == "The list of professionals is for council staff."


def test_professionals_are_found_by_any_spelling_of_their_address(practitioner, school):
    jo = ProfessionalFactory(
        organisation=school, user__email="jo@rochester.example.org", user__full_name="Jo Bennett"
    )
    ProfessionalFactory(organisation=school)

    response = api(practitioner).get(
        "/api/v1/professionals/", {"email": " JO@Rochester.example.org"}
    )

    assert response.json()["results"] == [
        {
            "id": jo.user_id,
            "name": "Jo Bennett",
            "email": "jo@rochester.example.org",
            "organisation": school.pk,
            "profession": "senco",
        }
    ]
    partly = api(practitioner).get("/api/v1/professionals/", {"email": "jo@rochester"})
    assert partly.json()["count"] == 0  # exact, not a search


def test_professionals_are_filtered_by_organisation(practitioner, school):
    ProfessionalFactory(organisation=school)
    trust = OrganisationFactory(name="Medway NHS Foundation Trust", agency="health")
    paediatrician = ProfessionalFactory(organisation=trust, profession="paediatrician")

    response = api(practitioner).get("/api/v1/professionals/", {"organisation": trust.pk})
    refused = api(practitioner).get("/api/v1/professionals/", {"organisation": "trust"})

    assert [row["id"] for row in response.json()["results"]] == [paediatrician.user_id]
    assert refused.status_code == 400
    assert "organisation" in refused.json()["fields"]


def test_the_professionals_list_asks_no_query_per_row(practitioner, school):
    client = api(practitioner)
    client.get("/api/v1/professionals/")  # the practitioner's roles, read once per user
    ProfessionalFactory(organisation=school)
    with CaptureQueriesContext(connection) as one:
        client.get("/api/v1/professionals/")
    ProfessionalFactory.create_batch(6, organisation=school)
    with CaptureQueriesContext(connection) as seven:
        response = client.get("/api/v1/professionals/")

    assert response.json()["count"] == 7
    assert len(seven) == len(one) == 2  # the count and the page


# Inviting


def test_a_new_address_gets_an_account_a_place_in_the_team_and_an_invitation(
    practitioner, school, child, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = invite(practitioner, school, child)

    assert response.status_code == 201, response.content
    user = User.objects.get(email="jo.bennett@rochester-primary.example.org")
    member = TeamMember.objects.get()
    assert response.json() == {
        "team_member": {
            "id": member.pk,
            "name": "Jo Bennett",
            "organisation": school.pk,
            "profession": "senco",
            "part": "review_convener",
            "key_worker": False,
            "from": "2026-11-24",
            "to": None,
        },
        "professional": {
            "id": user.pk,
            "name": "Jo Bennett",
            "email": "jo.bennett@rochester-primary.example.org",
            "organisation": school.pk,
            "profession": "senco",
        },
        "invitation_sent": True,
    }
    assert user.has_role(Role.PROFESSIONAL)
    assert not user.has_usable_password()
    assert (member.child, member.user, member.added_by) == (child, user, practitioner)
    notification = Notification.objects.get(recipient=user)
    assert notification.kind == "invitation"
    assert notification.link.startswith("/invitation/")
    assert Invitation.objects.get().invited_by == practitioner


@pytest.mark.parametrize(
    "existing",
    [
        lambda team: staff(Role.PRACTITIONER, team),
        lambda team: UserFactory(role=Role.FAMILY),
        lambda team: UserFactory(role=Role.PROVIDER),
        lambda team: UserFactory(role=Role.COMMISSIONER),
        lambda team: UserFactory(is_staff=True, is_superuser=True),
    ],
    ids=["staff", "family", "provider", "commissioner", "admin"],
)
def test_an_address_with_another_role_is_a_400_on_email(
    practitioner, school, child, team, existing
):
    other = existing(team)
    Notification.objects.all().delete()

    response = invite(practitioner, school, child, email=other.email.upper())

    assert response.status_code == 400
    assert list(response.json()["fields"]) == ["email"]
    assert "not a professional's" in response.json()["fields"]["email"][0]
    assert not Professional.objects.exists()
    assert not TeamMember.objects.exists()
    assert not Invitation.objects.exists()


def test_a_professional_in_pathway_is_added_to_another_childs_team_without_a_new_link(
    practitioner, school, child, team, django_capture_on_commit_callbacks
):
    invite(practitioner, school, child)
    jo = User.objects.get(email="jo.bennett@rochester-primary.example.org")
    jo.set_password("jo-chose-this-password")
    jo.save()
    Invitation.objects.update(used_at=dt.datetime(2026, 11, 24, 10, tzinfo=dt.UTC))
    brother = ChildFactory(team=team, given_name="Alfie")

    with django_capture_on_commit_callbacks(execute=True):
        response = invite(practitioner, school, brother, name="J. Bennett", part="adviser")

    assert response.status_code == 201, response.content
    assert response.json()["invitation_sent"] is False
    assert response.json()["professional"]["id"] == jo.pk
    assert Invitation.objects.count() == 1  # no new link
    assert TeamMember.objects.filter(user=jo).count() == 2
    notice = Notification.objects.get(recipient=jo, kind="team_member_added")
    assert "/invitation/" not in notice.link
    assert "Alfie" not in notice.body  # the e-mail leaves the council: no child is named
    jo.refresh_from_db()
    assert jo.check_password("jo-chose-this-password")


def test_inviting_again_someone_who_never_chose_a_password_sends_a_new_link(
    practitioner, school, child
):
    invite(practitioner, school, child)

    again = invite(practitioner, school, child)

    assert again.status_code == 201
    assert again.json()["invitation_sent"] is True
    assert again.json()["team_member"]["id"] == TeamMember.objects.get().pk  # still one
    assert Invitation.objects.count() == 2


def test_someone_already_in_the_childs_team_is_a_400(practitioner, school, child):
    profile = ProfessionalFactory(organisation=school)
    team_member_add(
        by=practitioner, child=child, part="adviser", starts_on=TODAY, user=profile.user
    )

    response = invite(practitioner, school, child, email=profile.user.email)

    assert response.status_code == 400
    assert "already in Amelia Collins's team" in response.json()["fields"]["email"][0]


def test_a_professional_of_another_organisation_is_a_400_on_organisation(
    practitioner, school, child
):
    academy = OrganisationFactory(name="Chatham Academy")
    profile = ProfessionalFactory(organisation=academy)

    response = invite(practitioner, school, child, email=profile.user.email)

    assert response.status_code == 400
    message = response.json()["fields"]["organisation"][0]
    assert "at Chatham Academy" in message
    assert "belongs to one organisation" in message
    assert not TeamMember.objects.exists()


def test_a_closed_professional_account_is_a_400_on_email(practitioner, school, child):
    profile = ProfessionalFactory(organisation=school, user__is_active=False)

    response = invite(practitioner, school, child, email=profile.user.email)

    assert response.status_code == 400
    assert "has been closed" in response.json()["fields"]["email"][0]


def test_another_teams_child_does_not_exist_for_the_invitation(practitioner, school, other_team):
    oscar = ChildFactory(team=other_team)

    response = invite(practitioner, school, oscar)

    assert response.status_code == 400
    assert "does not exist" in response.json()["fields"]["child"][0]
    assert nothing_was_kept()


def test_the_service_refuses_staff_of_another_team(school, child, other_team):
    with pytest.raises(NotPermitted):
        professional_invite(
            by=staff(Role.PRACTITIONER, other_team),
            email=NEW,
            name="Jo Bennett",
            organisation=school,
            profession="senco",
            child=child,
            part="adviser",
        )


@pytest.mark.parametrize("role", [Role.FAMILY, Role.PROVIDER, Role.COMMISSIONER])
def test_only_staff_may_invite(role, school, child):
    response = invite(UserFactory(role=role), school, child)

    assert response.status_code == 403
    assert nothing_was_kept()


def test_a_professional_may_not_invite(school, child):
    response = invite(ProfessionalFactory(organisation=school).user, school, child)

    assert response.status_code == 403


def test_each_missing_or_bad_field_is_named(practitioner):
    response = api(practitioner).post(
        "/api/v1/professionals/invitations/",
        {"email": "not an address", "name": "Jo\nBennett", "profession": "wizard", "part": 3},
        format="json",
    )

    assert response.status_code == 400
    assert set(response.json()["fields"]) == {
        "email",
        "name",
        "organisation",
        "profession",
        "child",
        "part",
    }


def test_a_failure_after_the_account_was_made_leaves_nothing_behind(practitioner, school, child):
    team_member_add(
        by=practitioner,
        child=child,
        part="key_worker",
        starts_on=TODAY,
        name="Sam Okafor",
        profession="social_worker",
    )

    response = invite(practitioner, school, child, part="key_worker")

    assert response.status_code == 400
    assert list(response.json()["fields"]) == ["key_worker"]
    assert not User.objects.filter(email="jo.bennett@rochester-primary.example.org").exists()
    assert not Professional.objects.exists()
    assert not Invitation.objects.exists()
    assert not Notification.objects.exists()
    assert TeamMember.objects.count() == 1


def test_ending_the_membership_ends_the_invited_professionals_access(practitioner, school, child):
    ConsentFactory(child=child, agency="education")
    invite(practitioner, school, child)
    jo = User.objects.get(email="jo.bennett@rochester-primary.example.org")
    assert list(selectors.children_of_professional(jo)) == [child]

    team_member_change(by=practitioner, member=TeamMember.objects.get(user=jo), ends_on=TODAY)

    jo = User.objects.get(pk=jo.pk)
    assert list(selectors.children_of_professional(jo)) == []


# The staff's page


def page_client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def form(school, **changes):
    return {
        "organisation": school.pk,
        "name": "Jo Bennett",
        "email": NEW,
        "profession": "senco",
        "part": "review_convener",
    } | changes


def test_the_invite_page_is_reached_from_the_case_page(practitioner, child):
    case = CaseFactory(child=child)

    page = page_client(practitioner).get(f"/cases/{case.pk}/").content.decode()

    assert f'href="/children/{child.pk}/team/invite/"' in page


def test_the_invite_page_offers_the_organisations_and_parts(practitioner, school, child):
    page = page_client(practitioner).get(f"/children/{child.pk}/team/invite/")

    text = page.content.decode()
    assert page.status_code == 200
    assert "Invite a professional to the team" in text
    assert "Amelia Collins" in text
    assert "Rochester Primary School" in text
    assert "Review convener" in text
    assert "ask the system administrator to add it" in text


def test_inviting_from_the_page_goes_back_to_the_case_and_names_who_was_invited(
    practitioner, school, child
):
    case = CaseFactory(child=child)
    client = page_client(practitioner)

    response = client.post(f"/children/{child.pk}/team/invite/", form(school), follow=True)

    assert response.redirect_chain[-1][0] == f"/cases/{case.pk}/"
    text = response.content.decode()
    assert "Jo Bennett has been invited to Amelia Collins&#x27;s team." in text
    assert TeamMember.objects.get().user.email == "jo.bennett@rochester-primary.example.org"


def test_the_page_shows_the_services_refusal_on_its_field(practitioner, school, child):
    team_member_add(
        by=practitioner,
        child=child,
        part="key_worker",
        starts_on=TODAY,
        name="Sam Okafor",
        profession="social_worker",
    )
    family = UserFactory(role=Role.FAMILY)
    client = page_client(practitioner)

    two_key_workers = client.post(
        f"/children/{child.pk}/team/invite/", form(school, part="key_worker")
    )
    family_address = client.post(
        f"/children/{child.pk}/team/invite/", form(school, email=family.email)
    )
    empty = client.post(f"/children/{child.pk}/team/invite/", {})

    assert two_key_workers.status_code == 400
    assert 'href="#id_part"' in two_key_workers.content.decode()
    assert "already has a key worker, Sam Okafor" in two_key_workers.content.decode()
    assert family_address.status_code == 400
    assert "not a professional&#x27;s" in family_address.content.decode()
    assert empty.status_code == 400
    assert "Choose the organisation they work for." in empty.content.decode()


def test_another_teams_child_is_a_404_on_the_page(practitioner, school, other_team):
    oscar = ChildFactory(team=other_team)
    client = page_client(practitioner)

    assert client.get(f"/children/{oscar.pk}/team/invite/").status_code == 404
    assert client.post(f"/children/{oscar.pk}/team/invite/", form(school)).status_code == 404
    assert not TeamMember.objects.exists()


def test_the_same_new_address_invited_by_someone_else_meanwhile_is_a_409(
    practitioner, school, child
):
    with mock.patch(
        "accounts.services.professional_create", side_effect=IntegrityError("email taken")
    ):
        response = invite(practitioner, school, child)

    assert response.status_code == 409
    assert "Someone else has just invited this address" in response.json()["detail"]
    assert not TeamMember.objects.exists()


def test_the_officer_is_told_when_the_invited_professional_cannot_see_the_child_yet(
    practitioner, school, child
):
    CaseFactory(child=child)

    response = page_client(practitioner).post(
        f"/children/{child.pk}/team/invite/", form(school), follow=True
    )

    assert (
        "They will see Amelia&#x27;s record once the family gives consent for education."
        in response.content.decode()
    )
