"""Allocating and reassigning a case from the pages (issue #20 item 1), and the team dashboard's
caseload per worker."""

from __future__ import annotations

import datetime as dt
import html

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts.roles import Role
from casework.models import CaseStatus
from tests.factories import AssessingCaseFactory, CaseFactory, ChildFactory, UserFactory, staff
from tests.factories.workflows import DeadlineFactory
from workflows.models import Deadline, TransitionLog

TODAY = dt.datetime(2026, 6, 10, 9, tzinfo=dt.UTC)


@pytest.fixture(autouse=True)
def today():
    with time_machine.travel(TODAY, tick=False):
        yield


@pytest.fixture
def case(team, practitioner):
    return AssessingCaseFactory(
        child=ChildFactory(team=team, given_name="Ava"),
        practitioner=practitioner,
        received_on=dt.date(2026, 6, 1),
    )


def text_of(response) -> str:
    return html.unescape(response.content.decode())


def url(case) -> str:
    return f"/cases/{case.pk}/allocate/"


def test_a_manager_finds_the_allocation_link_on_the_case_page(client, manager, case):
    client.force_login(manager)

    page = text_of(client.get(f"/cases/{case.pk}/"))

    assert f'href="{url(case)}"' in page
    assert "Allocate or reassign" in page
    assert "A team manager allocates cases" not in page


def test_a_practitioner_is_told_a_manager_allocates_instead_of_a_link(client, practitioner, case):
    client.force_login(practitioner)

    page = text_of(client.get(f"/cases/{case.pk}/"))

    assert "A team manager allocates cases" in page
    assert url(case) not in page


def test_the_form_lists_the_teams_staff_with_their_caseloads(client, team, manager, case):
    sam = staff(Role.PRACTITIONER, team)
    sam.full_name = "Sam Practitioner"
    sam.save()
    AssessingCaseFactory(child=ChildFactory(team=team), practitioner=sam)
    UserFactory(role=Role.FAMILY, team=team, full_name="A Parent")
    client.force_login(manager)

    page = text_of(client.get(url(case)))

    assert "Sam Practitioner: 1 open case" in page
    assert f"{case.lead_professional.full_name}: 1 open case (the lead professional now)" in page
    assert f"{manager.full_name}: 0 open cases" in page
    assert "A Parent" not in page


def test_a_manager_reassigns_the_case_and_is_told_so_in_words(client, team, manager, case):
    sam = staff(Role.PRACTITIONER, team)
    sam.full_name = "Sam Practitioner"
    sam.save()
    client.force_login(manager)

    response = client.post(url(case), {"lead_professional": sam.pk}, follow=True)

    assert response.redirect_chain[-1][0] == f"/cases/{case.pk}/"
    assert "Case reassigned to Sam Practitioner" in text_of(response)
    case.refresh_from_db()
    assert case.lead_professional == sam
    assert set(
        Deadline.objects.filter(case_id=case.pk).running().values_list("owner", flat=True)
    ) == {sam.pk}


def test_a_case_without_a_lead_is_allocated(client, team, manager):
    case = CaseFactory(child=ChildFactory(team=team))
    sam = staff(Role.PRACTITIONER, team)
    sam.full_name = "Sam Practitioner"
    sam.save()
    client.force_login(manager)

    response = client.post(url(case), {"lead_professional": sam.pk}, follow=True)

    assert "Case allocated to Sam Practitioner" in text_of(response)


def test_an_empty_answer_is_our_own_error_in_the_summary_and_nothing_is_saved(
    client, manager, practitioner, case
):
    client.force_login(manager)

    response = client.post(url(case), {})

    page = text_of(response)
    assert response.status_code == 400
    assert "There is a problem" in page
    assert page.count("Choose who will be the lead professional.") == 2  # summary and field
    assert "This field is required" not in page
    case.refresh_from_db()
    assert case.lead_professional == practitioner
    assert not TransitionLog.objects.filter(transition="change_lead_professional").exists()


def test_someone_outside_the_team_cannot_be_chosen(
    client, other_team, manager, practitioner, case
):
    outsider = staff(Role.PRACTITIONER, other_team)
    client.force_login(manager)

    response = client.post(url(case), {"lead_professional": outsider.pk})

    assert response.status_code == 400
    assert "Choose someone in the child's team." in text_of(response)
    case.refresh_from_db()
    assert case.lead_professional == practitioner


def test_a_practitioner_sees_why_and_is_refused_on_sending(client, team, practitioner, case):
    other = staff(Role.PRACTITIONER, team)
    client.force_login(practitioner)

    page = client.get(url(case))
    sent = client.post(url(case), {"lead_professional": other.pk})

    assert page.status_code == 200
    assert "A team manager allocates cases." in text_of(page)
    assert 'name="lead_professional"' not in text_of(page)
    assert sent.status_code == 403
    assert "A team manager allocates cases." in text_of(sent)
    # The refusal is the only error: the answer was not read, so no field is judged.
    assert "Choose someone in the child's team." not in text_of(sent)
    case.refresh_from_db()
    assert case.lead_professional == practitioner


def test_a_closed_case_says_why_it_cannot_be_allocated(client, team, manager, practitioner):
    case = CaseFactory(
        child=ChildFactory(team=team), lead_professional=practitioner, status=CaseStatus.CLOSED
    )
    other = staff(Role.PRACTITIONER, team)
    client.force_login(manager)
    reason = "This case is closed, so it cannot be allocated. Reopen the case first."

    case_page = text_of(client.get(f"/cases/{case.pk}/"))
    page = text_of(client.get(url(case)))
    sent = client.post(url(case), {"lead_professional": other.pk})

    assert reason in case_page
    assert url(case) not in case_page
    assert reason in page
    assert 'name="lead_professional"' not in page
    assert sent.status_code == 409
    assert reason in text_of(sent)
    case.refresh_from_db()
    assert case.lead_professional == practitioner


def test_another_teams_case_is_not_found(client, other_team, case):
    client.force_login(staff(Role.TEAM_MANAGER, other_team))

    assert client.get(url(case)).status_code == 404


# The team dashboard: caseload per worker


def deadline(owner, team, *, due_in_days, **fields):
    return DeadlineFactory(
        subject=CaseFactory(child=ChildFactory(team=team), lead_professional=owner),
        kind="assessment_complete",
        owner=owner,
        team=team,
        due_on=TODAY.date() + dt.timedelta(days=due_in_days),
        **fields,
    )


def test_the_dashboard_shows_each_workers_open_cases_and_overdue_deadlines(
    client, team, other_team, manager, practitioner
):
    CaseFactory(child=ChildFactory(team=team), lead_professional=practitioner)
    CaseFactory(
        child=ChildFactory(team=team), lead_professional=practitioner, status=CaseStatus.CLOSED
    )
    deadline(practitioner, team, due_in_days=-3)
    stranger = staff(Role.PRACTITIONER, other_team)
    client.force_login(manager)

    response = client.get("/team/")

    workers = {worker.pk: worker for worker in response.context["workers"]}
    assert set(workers) == {practitioner.pk, manager.pk}
    assert (workers[practitioner.pk].open_cases, workers[practitioner.pk].overdue_deadlines) == (
        2,  # the case of the overdue deadline is open too
        1,
    )
    assert (workers[manager.pk].open_cases, workers[manager.pk].overdue_deadlines) == (0, 0)
    page = text_of(response)
    region = page.split('aria-label="Caseload per worker"')[1].split("</table>")[0]
    assert '<div class="app-table-scroll" tabindex="0" role="region"' in page
    assert practitioner.full_name in region
    assert manager.full_name in region
    assert stranger.full_name not in page
    assert '<strong class="govuk-tag govuk-tag--red">1</strong>' in region


def test_the_dashboard_counts_only_deadlines_past_due_and_still_running(
    client, team, manager, practitioner
):
    deadline(practitioner, team, due_in_days=-2)
    deadline(practitioner, team, due_in_days=-5, closed_on=TODAY.date(), status="missed")
    deadline(practitioner, team, due_in_days=-5, status="waived")
    deadline(practitioner, team, due_in_days=4)
    deadline(manager, team, due_in_days=-1)
    client.force_login(manager)

    workers = client.get("/team/").context["workers"]

    counted = {worker.pk: worker.overdue_deadlines for worker in workers}
    assert counted == {practitioner.pk: 1, manager.pk: 1}


def test_the_dashboard_needs_the_same_queries_however_many_workers(
    client, django_assert_max_num_queries, team, manager, practitioner
):
    deadline(practitioner, team, due_in_days=-1)  # the at-risk list is logged as read
    client.force_login(manager)
    client.get("/team/")
    with CaptureQueriesContext(connection) as few:
        client.get("/team/")
    for _ in range(6):
        worker = staff(Role.PRACTITIONER, team)
        AssessingCaseFactory(child=ChildFactory(team=team), practitioner=worker)
        deadline(worker, team, due_in_days=-1)

    with django_assert_max_num_queries(len(few)):
        page = text_of(client.get("/team/"))

    assert page.count('<th scope="row" class="govuk-table__header">') == 8
