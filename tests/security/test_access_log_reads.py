"""Every staff read of child-level records is logged, lists and downloads too (DESIGN §9): one row
per record a response shows, naming its child, written in one INSERT per response."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from accounts.roles import Role
from casework.models import AccessLog
from shortbreaks.models import Package, Provider, Service, Session
from tests.factories import (
    ActiveBudgetFactory,
    CaseFactory,
    ChildFactory,
    PlanFactory,
    UserFactory,
)
from workflows.models import Deadline


def api(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def log_inserts(queries) -> list[str]:
    return [q["sql"] for q in queries if q["sql"].startswith('INSERT INTO "casework_accesslog"')]


def reads(user):
    return sorted(AccessLog.objects.filter(user=user).values_list("child_id", "record_type"))


def test_a_list_of_fifty_cases_logs_each_child_shown_in_one_insert(
    team, practitioner, django_assert_num_queries
):
    cases = [CaseFactory(child=ChildFactory(team=team)) for _ in range(60)]
    client = api(practitioner)
    client.get("/api/v1/cases/", {"page_size": 10})  # the user's roles are cached after this
    AccessLog.objects.all().delete()

    with django_assert_num_queries(3) as captured:  # the count, the page, the log
        response = client.get("/api/v1/cases/")

    assert response.status_code == 200
    assert len(log_inserts(captured.captured_queries)) == 1
    child_of = {case.pk: case.child_id for case in cases}
    shown = sorted((child_of[row["id"]], "case") for row in response.json()["results"])
    assert reads(practitioner) == shown
    assert AccessLog.objects.filter(via="api", record_type="case").count() == 50


def test_a_filtered_list_logs_only_the_children_it_shows(team, practitioner):
    wanted = ChildFactory(team=team, family_name="Okonkwo")
    ChildFactory(team=team, family_name="Smith")

    response = api(practitioner).get("/api/v1/children/", {"name": "okonkwo"})

    assert [row["id"] for row in response.json()["results"]] == [wanted.pk]
    assert reads(practitioner) == [(wanted.pk, "child")]


@pytest.mark.parametrize(
    ("path", "record_type"),
    [
        ("/api/v1/children/{child}/family-members/", "child"),
        ("/api/v1/cases/{case}/history/", "case"),
        ("/api/v1/cases/{case}/deadlines/", "case"),
        ("/api/v1/budgets/{budget}/ledger/", "personalbudget"),
        ("/api/v1/budgets/{budget}/statement/", "personalbudget"),
        ("/api/v1/budgets/{budget}/statement.csv", "personalbudget"),
    ],
)
def test_a_nested_resource_or_download_logs_the_record_it_belongs_to(
    team, practitioner, path, record_type
):
    child = ChildFactory(team=team)
    case = CaseFactory(child=child)
    budget = ActiveBudgetFactory(child=child, start_on=dt.date(2026, 4, 1))
    AccessLog.objects.all().delete()

    response = api(practitioner).get(path.format(child=child.pk, case=case.pk, budget=budget.pk))

    assert response.status_code == 200
    assert reads(practitioner) == [(child.pk, record_type)]


def test_lists_of_every_child_level_resource_log_each_record(team, practitioner, manager):
    child = ChildFactory(team=team)
    case = CaseFactory(child=child)
    plan = PlanFactory(child=child)
    for subject in (case, plan):
        Deadline.objects.create(
            subject_type=ContentType.objects.get_for_model(subject),
            subject_id=subject.pk,
            case_id=case.pk if subject is case else None,
            kind="referral_decision",
            due_on=dt.date(2026, 6, 1),
            opened_on=dt.date(2026, 5, 1),
            team=team,
        )
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
        budget=budget,
    )
    Session.objects.create(
        package=package, date=dt.date(2026, 5, 1), units=1, status="booked", booked_by=manager
    )
    client = api(practitioner)

    for resource, record_type in (
        ("ehc-plans", "ehcplan"),
        ("deadlines", "deadline"),
        ("budgets", "personalbudget"),
        ("shortbreaks/packages", "package"),
        ("shortbreaks/sessions", "session"),
    ):
        AccessLog.objects.all().delete()
        response = client.get(f"/api/v1/{resource}/")
        assert response.status_code == 200
        assert response.json()["results"], resource
        logged = set(reads(practitioner))
        assert logged == {(child.pk, record_type)}, resource
        assert AccessLog.objects.count() == len(response.json()["results"]), resource


def test_the_caseload_page_logs_each_case_it_lists(client, team, practitioner):
    cases = [
        CaseFactory(child=ChildFactory(team=team), lead_professional=practitioner)
        for _ in range(3)
    ]
    CaseFactory(child=ChildFactory(team=team))  # not theirs: not on the page
    client.force_login(practitioner)

    assert client.get("/caseload/").status_code == 200

    assert reads(practitioner) == sorted((case.child_id, "case") for case in cases)
    assert set(AccessLog.objects.values_list("via", flat=True)) == {"page"}


def test_the_budget_panel_logs_each_budget_waiting(client, team, manager):
    from budgets.models import PersonalBudget

    child = ChildFactory(team=team)
    budget = ActiveBudgetFactory(child=child, start_on=dt.date(2026, 4, 1))
    PersonalBudget.objects.filter(pk=budget.pk).update(status="awaiting_approval")
    AccessLog.objects.all().delete()
    client.force_login(manager)

    assert client.get("/budgets/panel/").status_code == 200

    assert reads(manager) == [(child.pk, "personalbudget")]


def test_a_family_or_a_provider_reading_a_list_is_not_logged(team):
    parent = UserFactory(role=Role.FAMILY)
    child = ChildFactory(team=team)
    child.family_members.create(name="Mum", relationship="mother", user=parent)
    CaseFactory(child=child)

    for path in ("/api/v1/children/", "/api/v1/cases/", "/api/v1/shortbreaks/sessions/"):
        assert api(parent).get(path).status_code == 200
    provider = api(UserFactory(role=Role.PROVIDER))
    assert provider.get("/api/v1/shortbreaks/sessions/").status_code == 200

    assert not AccessLog.objects.exists()


def test_the_sen2_export_logs_each_child_in_the_return(team, manager, tmp_path, monkeypatch):
    monkeypatch.setattr("casework.access_log.ACCESS_LOG_BATCH", 2)  # so that it takes two INSERTs
    plans = [
        PlanFactory(child=ChildFactory(team=team), requested_on=dt.date(2025, 3, 1))
        for _ in range(3)
    ]

    call_command("export_sen2", year=2026, out=tmp_path, user=manager.email, stdout=None)

    assert reads(manager) == sorted((plan.child_id, "child") for plan in plans)
    assert set(AccessLog.objects.values_list("via", flat=True)) == {"export"}


def test_the_caseload_api_writes_one_insert_whatever_the_page_size(team, practitioner):
    for _ in range(30):
        CaseFactory(child=ChildFactory(team=team))
    client = api(practitioner)

    counts = []
    for size in (10, 30):
        with CaptureQueriesContext(connection) as captured:
            client.get("/api/v1/cases/", {"page_size": size})
        counts.append(len(log_inserts(captured.captured_queries)))

    assert counts == [1, 1]
    assert AccessLog.objects.count() == 40
