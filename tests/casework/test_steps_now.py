"""Every step that matters now is on the page, with its reason when it cannot be taken; the
manager's decisions queue; success banners in words; destructive steps as warning buttons."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine

from accounts.roles import Role
from tests.factories import ReferredCaseFactory, staff
from tests.factories.budgets import SubmittedBudgetFactory

D = dt.date


@pytest.fixture(autouse=True)
def today():
    with time_machine.travel(dt.datetime(2026, 6, 10, 9, tzinfo=dt.UTC), tick=False):
        yield


def test_step_a_practitioner_may_not_take_is_shown_with_its_reason(client, practitioner, team):
    case = ReferredCaseFactory(child__team=team, practitioner=practitioner, consent_to_share=True)
    client.force_login(practitioner)

    page = client.get(f"/cases/{case.pk}/").content.decode()

    assert "Accept the referral" in page
    assert "<strong>Close the case</strong>: Only a team manager can do this" in page


def test_close_case_is_a_warning_button(client, practitioner, manager, team):
    case = ReferredCaseFactory(child__team=team, practitioner=practitioner, consent_to_share=True)
    client.force_login(manager)

    page = client.get(f"/cases/{case.pk}/").content.decode()
    form = client.get(f"/cases/{case.pk}/steps/close/").content.decode()

    assert 'govuk-button govuk-button--warning" data-module="govuk-button">Close the case' in page
    assert "govuk-button--warning" in form
    assert "can be reopened within 12 months" in form


def test_success_banner_says_what_happened(client, manager, team):
    budget = SubmittedBudgetFactory(child__team=team, start_on=D(2026, 4, 1))
    other = staff(Role.TEAM_MANAGER, team)
    client.force_login(other)

    response = client.post(
        f"/budgets/{budget.pk}/steps/approve/", {"on": "2026-06-10"}, follow=True
    )

    page = response.content.decode()
    assert "Budget approved — £1,200.00 a year from 1 April 2026" in page
    assert "Done:" not in page


def test_own_submission_is_not_offered_for_approval(client, team):
    budget = SubmittedBudgetFactory(child__team=team)
    manager = staff(Role.TEAM_MANAGER, team)
    budget.submitted_by = manager  # a manager who submitted it, as a practitioner would
    budget.save(update_fields=["submitted_by"])
    client.force_login(manager)

    page = client.get("/budgets/panel/").content.decode()

    assert f"/budgets/{budget.pk}/steps/approve/" not in page
    assert "Approve: Another manager must approve it: you submitted it." in page


def test_decisions_queue_lists_budget_waiting_for_approval_before_it_is_due(
    client, team, django_assert_max_num_queries
):
    budgets = [SubmittedBudgetFactory(child__team=team) for _ in range(3)]
    manager = staff(Role.TEAM_MANAGER, team)
    client.force_login(manager)

    with django_assert_max_num_queries(30):
        page = client.get("/team/decisions/").content.decode()
    SubmittedBudgetFactory.create_batch(3, child__team=team)
    with django_assert_max_num_queries(30):
        again = client.get("/team/decisions/").content.decode()

    for budget in budgets:
        assert f"/budgets/{budget.pk}/steps/approve/" in page
    assert again.count("/steps/approve/") == 6


def test_decisions_queue_is_for_managers_only(client, practitioner):
    client.force_login(practitioner)

    assert client.get("/team/decisions/").status_code == 403


def test_decisions_queue_says_whether_each_case_has_support_arranged_in_the_same_queries(
    client, team, django_assert_max_num_queries
):
    from tests.factories import CaseFactory
    from tests.factories.budgets import ActiveBudgetFactory
    from tests.factories.shortbreaks import ActivePackageFactory

    def planning_cases(count):
        cases = CaseFactory.create_batch(count, child__team=team, status="planning")
        budgeted = cases[0]
        ActiveBudgetFactory(child=budgeted.child)
        packaged = cases[1]
        ActivePackageFactory(child=packaged.child)
        return cases

    reason = (
        "Start support: There is no approved personal budget or active short-break package yet."
    )
    few = planning_cases(2)
    manager = staff(Role.TEAM_MANAGER, team)
    client.force_login(manager)
    with django_assert_max_num_queries(30) as counted:
        page = client.get("/team/decisions/").content.decode()
    queries_for_two = len(counted.captured_queries)
    many = planning_cases(10)
    with django_assert_max_num_queries(queries_for_two):
        again = client.get("/team/decisions/").content.decode()

    for arranged in (few[0], few[1], many[0], many[1]):
        assert f"/cases/{arranged.pk}/steps/start_support/" in again
    assert f"/cases/{few[0].pk}/steps/start_support/" in page
    assert again.count(reason) == 8


def test_the_case_page_reads_whether_support_is_arranged_with_the_case(client, team):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from tests.factories import CaseFactory
    from tests.factories.budgets import ActiveBudgetFactory

    case = CaseFactory(child__team=team, status="planning")
    ActiveBudgetFactory(child=case.child)
    client.force_login(staff(Role.TEAM_MANAGER, team))

    with CaptureQueriesContext(connection) as read:
        page = client.get(f"/cases/{case.pk}/").content.decode()

    assert f"/cases/{case.pk}/steps/start_support/" in page
    assert not [
        query
        for query in read.captured_queries
        if query["sql"].startswith('SELECT 1 AS "a" FROM "budgets_personalbudget"')
    ]
