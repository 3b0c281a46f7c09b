"""A team manager sees who on the staff has looked at a child's records (DESIGN §9)."""

from __future__ import annotations

from rest_framework.test import APIClient

from accounts.roles import Role
from casework.models import AccessLog
from tests.factories import CaseFactory, ChildFactory, UserFactory, staff


def test_a_manager_sees_each_staff_read_with_who_what_and_how(client, team, practitioner, manager):
    case = CaseFactory(child=ChildFactory(team=team, given_name="Ella"))
    client.force_login(practitioner)
    client.get(f"/cases/{case.pk}/")
    api = APIClient()
    api.force_authenticate(practitioner)
    api.get(f"/api/v1/cases/{case.pk}/")

    client.force_login(manager)
    case_page = client.get(f"/cases/{case.pk}/").content.decode()
    log = client.get(f"/cases/{case.pk}/access-log/")

    assert "Who has looked at Ella's records" in case_page
    page = log.content.decode()
    assert log.status_code == 200
    assert page.count(practitioner.email) == 2
    assert "Page" in page
    assert "API" in page
    assert AccessLog.objects.filter(child=case.child, user=practitioner).count() == 2


def test_practitioners_and_families_cannot_see_the_access_log(client, team, practitioner):
    case = CaseFactory(child=ChildFactory(team=team))

    for user in (practitioner, UserFactory(role=Role.FAMILY)):
        client.force_login(user)
        assert client.get(f"/cases/{case.pk}/access-log/").status_code == 403


def test_a_manager_of_another_team_gets_not_found(client, team, other_team):
    case = CaseFactory(child=ChildFactory(team=team))
    client.force_login(staff(Role.TEAM_MANAGER, other_team))

    assert client.get(f"/cases/{case.pk}/access-log/").status_code == 404


def test_the_case_page_offers_the_log_to_managers_only(client, team, practitioner):
    case = CaseFactory(child=ChildFactory(team=team))
    client.force_login(practitioner)

    assert "access-log" not in client.get(f"/cases/{case.pk}/").content.decode()
