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


def test_staff_reads_of_budgets_statements_and_packages_are_logged_too(client, team, practitioner):
    import datetime as dt
    from decimal import Decimal

    from shortbreaks.models import Package, Provider, Service
    from tests.factories import ActiveBudgetFactory

    child = ChildFactory(team=team)
    budget = ActiveBudgetFactory(child=child, start_on=dt.date(2026, 4, 1))
    service = Service.objects.create(
        provider=Provider.objects.create(name="Club provider", kind="voluntary"),
        name="Club",
        type="day_activity",
        access="targeted",
        unit="session",
        unit_cost=Decimal("10.00"),
        capacity=5,
    )
    package = Package.objects.create(
        child=child,
        team=team,
        service=service,
        units=10,
        unit_cost=Decimal("10.00"),
        start_on=dt.date(2026, 4, 1),
        end_on=dt.date(2027, 3, 31),
    )
    client.force_login(practitioner)
    api = APIClient()
    api.force_authenticate(practitioner)

    for response in (
        client.get(f"/budgets/{budget.pk}/"),
        client.get(f"/budgets/{budget.pk}/statement/"),
        client.get(f"/packages/{package.pk}/"),
        api.get(f"/api/v1/budgets/{budget.pk}/"),
        api.get(f"/api/v1/budgets/{budget.pk}/statement/"),
        api.get(f"/api/v1/shortbreaks/packages/{package.pk}/"),
    ):
        assert response.status_code == 200

    reads = AccessLog.objects.filter(child=child, user=practitioner)
    assert sorted(reads.values_list("record_type", "via")) == [
        ("package", "api"),
        ("package", "page"),
        ("personalbudget", "api"),
        ("personalbudget", "api"),
        ("personalbudget", "page"),
        ("personalbudget", "page"),
    ]


def test_a_family_reading_its_own_statement_is_not_logged(client, team):
    import datetime as dt

    from tests.factories import ActiveBudgetFactory

    parent = UserFactory(role=Role.FAMILY)
    child = ChildFactory(team=team)
    child.family_members.create(name="Mum", relationship="mother", user=parent)
    budget = ActiveBudgetFactory(child=child, start_on=dt.date(2026, 4, 1))
    client.force_login(parent)

    assert client.get(f"/budgets/{budget.pk}/statement/").status_code == 200
    assert not AccessLog.objects.filter(user=parent).exists()
