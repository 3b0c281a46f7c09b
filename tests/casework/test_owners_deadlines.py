"""Who answers for each deadline (DESIGN §5 Owners): the case's lead professional; for an EHC
process without a case, the plan's case officer; failing both, the team's managers."""

from __future__ import annotations

import datetime as dt
from io import StringIO

import pytest
import time_machine
from django.core.management import call_command
from rest_framework.test import APIClient

from accounts.roles import Role
from casework.models import EHCPlan
from casework.services.owners import case_change_lead_professional, plan_change_case_officer
from tests.factories import (
    AssessingCaseFactory,
    AssessingPlanFactory,
    ChildFactory,
    DraftPlanFactory,
    FinalPlanFactory,
    RequestedPlanFactory,
    staff,
)
from tests.factories.workflows import DeadlineFactory
from workflows.deadlines import REASSIGN
from workflows.errors import NotPermitted
from workflows.models import Deadline, Reminder, TransitionLog
from workflows.reminders import reminders_sweep
from workflows.services import deadlines_mark_missed

TODAY = dt.datetime(2026, 6, 1, 9, tzinfo=dt.UTC)


@pytest.fixture(autouse=True)
def today():
    with time_machine.travel(TODAY, tick=False):
        yield


def api(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def test_a_plan_requested_without_a_case_is_owned_by_the_officer_who_recorded_it(team):
    officer = staff(Role.PRACTITIONER, team)
    plan = RequestedPlanFactory(child=ChildFactory(team=team), practitioner=officer)

    owners = set(Deadline.objects.for_subject(plan).values_list("kind", "owner_id"))

    assert plan.case is None
    assert plan.case_officer == officer
    assert owners == {("decision_to_assess", officer.pk), ("final_plan", officer.pk)}


def test_a_plan_of_a_child_with_a_case_is_owned_by_the_cases_lead_professional(team):
    child = ChildFactory(team=team)
    lead = staff(Role.PRACTITIONER, team)
    case = AssessingCaseFactory(child=child, practitioner=lead)
    officer = staff(Role.PRACTITIONER, team)

    plan = RequestedPlanFactory(child=child, practitioner=officer)

    assert plan.case == case
    assert plan.case_officer == officer
    assert set(Deadline.objects.for_subject(plan).values_list("owner_id", flat=True)) == {lead.pk}


def test_every_deadline_in_the_api_carries_its_owner(practitioner, team):
    child = ChildFactory(team=team)
    response = api(practitioner).post(
        "/api/v1/ehc-plans/",
        {"child": child.pk, "requested_on": "2026-05-01", "requested_by": "parent"},
        format="json",
    )
    deadlines = api(practitioner).get(f"/api/v1/deadlines/?child={child.pk}").json()["results"]
    plan = api(practitioner).get(f"/api/v1/ehc-plans/{response.json()['id']}/").json()

    assert plan["case_officer"] == practitioner.pk
    assert {row["kind"]: row["owner"] for row in deadlines} == {
        "decision_to_assess": practitioner.pk,
        "final_plan": practitioner.pk,
    }


def test_a_manager_changes_the_case_officer_and_the_running_deadlines_move(team, manager):
    plan = RequestedPlanFactory(child=ChildFactory(team=team))
    newcomer = staff(Role.PRACTITIONER, team)

    response = api(manager).patch(
        f"/api/v1/ehc-plans/{plan.pk}/", {"case_officer": newcomer.pk}, format="json"
    )

    assert response.status_code == 200
    assert response.json()["case_officer"] == newcomer.pk
    owners = Deadline.objects.for_subject(plan).running().values_list("owner_id", flat=True)
    assert set(owners) == {newcomer.pk}
    moved = TransitionLog.objects.filter(transition=REASSIGN, actor=manager)
    assert moved.count() == 2
    assert TransitionLog.objects.filter(transition="change_case_officer").count() == 1


def test_a_practitioner_cannot_change_the_case_officer(team, practitioner):
    plan = RequestedPlanFactory(child=ChildFactory(team=team))
    officer = plan.case_officer

    response = api(practitioner).patch(
        f"/api/v1/ehc-plans/{plan.pk}/", {"case_officer": practitioner.pk}, format="json"
    )

    assert response.status_code == 403
    assert EHCPlan.objects.get(pk=plan.pk).case_officer == officer
    with pytest.raises(NotPermitted):
        plan_change_case_officer(by=practitioner, plan=plan, case_officer=practitioner)


def test_the_case_officer_must_be_staff_of_the_childs_team(team, other_team, manager):
    plan = RequestedPlanFactory(child=ChildFactory(team=team))
    stranger = staff(Role.PRACTITIONER, other_team)

    response = api(manager).patch(
        f"/api/v1/ehc-plans/{plan.pk}/", {"case_officer": stranger.pk}, format="json"
    )

    assert response.status_code == 400
    assert "case_officer" in response.json()["fields"]


def test_a_closed_deadline_keeps_the_owner_it_had(team, manager):
    plan = AssessingPlanFactory(child=ChildFactory(team=team))
    officer = plan.case_officer
    newcomer = staff(Role.PRACTITIONER, team)

    plan_change_case_officer(by=manager, plan=plan, case_officer=newcomer)

    closed = Deadline.objects.for_subject(plan).get(kind="decision_to_assess")
    running = Deadline.objects.for_subject(plan).running()
    assert closed.owner_id == officer.pk
    assert set(running.values_list("owner_id", flat=True)) == {newcomer.pk}


def test_changing_the_lead_professional_moves_the_case_and_plan_deadlines(team, manager):
    child = ChildFactory(team=team)
    case = AssessingCaseFactory(child=child)
    plan = RequestedPlanFactory(child=child)
    newcomer = staff(Role.PRACTITIONER, team)

    case_change_lead_professional(by=manager, case=case, lead_professional=newcomer)

    running = Deadline.objects.filter(case_id=case.pk).running()
    assert running.filter(subject_id=plan.pk).exists()
    assert set(running.values_list("owner_id", flat=True)) == {newcomer.pk}


def test_a_deadline_without_an_owner_is_reminded_to_the_teams_managers(team, manager):
    staff(Role.TEAM_MANAGER, team)
    plan = RequestedPlanFactory(child=ChildFactory(team=team))
    managers = set(
        team.memberships.filter(user__groups__name=Role.TEAM_MANAGER).values_list(
            "user_id", flat=True
        )
    )
    DeadlineFactory(
        subject=plan,
        kind="review_report",
        owner=None,
        team=team,
        due_on=TODAY.date() + dt.timedelta(days=3),
    )

    reminders_sweep()

    ownerless = Reminder.objects.filter(deadline__kind="review_report")
    assert len(managers) >= 2
    assert set(ownerless.values_list("recipient_id", "offset_days")) == {
        (user_id, 3) for user_id in managers
    }


def test_a_deadline_with_an_owner_is_reminded_to_the_owner_alone(team, manager):
    plan = RequestedPlanFactory(child=ChildFactory(team=team))
    DeadlineFactory(
        subject=plan,
        kind="review_report",
        owner=plan.case_officer,
        team=team,
        due_on=TODAY.date() + dt.timedelta(days=3),
    )

    reminders_sweep()

    assert list(
        Reminder.objects.filter(deadline__kind="review_report").values_list(
            "recipient_id", flat=True
        )
    ) == [plan.case_officer_id]


def _statutory_running_without_owner():
    return Deadline.objects.running().statutory().filter(owner__isnull=True)


def test_no_open_statutory_deadline_is_without_an_owner_at_any_step(team):
    without_case = [
        RequestedPlanFactory(child=ChildFactory(team=team)),
        DraftPlanFactory(child=ChildFactory(team=team)),
        FinalPlanFactory(child=ChildFactory(team=team)),
    ]
    with_case = ChildFactory(team=team)
    AssessingCaseFactory(child=with_case)
    FinalPlanFactory(child=with_case)
    deadlines_mark_missed()

    assert {plan.case for plan in without_case} == {None}
    assert Deadline.objects.running().statutory().count() >= 6
    assert not _statutory_running_without_owner().exists()


def test_no_open_statutory_deadline_in_the_demo_data_is_without_an_owner(db):
    call_command("load_demo", stdout=StringIO())

    assert Deadline.objects.running().statutory().exists()
    assert list(_statutory_running_without_owner().values_list("kind", "subject_id")) == []
