"""The pages of disputes: the case page lists them with the order's steps and the family's appeal
date; a manager records one with the GOV.UK date input; the family's page shows the appeal date
and the mediation."""

from __future__ import annotations

import datetime as dt
import html

import pytest
import time_machine

import workflows
from accounts.roles import Role
from casework.models import Dispute, EHCPlan
from casework.services.disputes import dispute_record
from tests.factories import (
    CaseFactory,
    ChildFactory,
    FamilyMemberFactory,
    RequestedPlanFactory,
    staff,
)

D = dt.date


@pytest.fixture(autouse=True)
def today():
    with time_machine.travel(dt.datetime(2027, 9, 1, 9, tzinfo=dt.UTC), tick=False):
        yield


@pytest.fixture
def plan(team, manager):
    child = ChildFactory(team=team, given_name="Ava")
    case = CaseFactory(child=child, status="active")
    requested = RequestedPlanFactory(child=child, requested_on=D(2027, 3, 1))
    EHCPlan.objects.filter(pk=requested.pk).update(case=case)
    return workflows.transition(
        EHCPlan.objects.get(pk=requested.pk),
        "refuse_to_assess",
        by=manager,
        on=D(2027, 4, 12),
        reason="Needs met at school",
    )


def page(client, user, path) -> str:
    client.force_login(user)
    return html.unescape(client.get(path).content.decode())


def form_url(plan) -> str:
    return f"/plans/{plan.pk}/disputes/new/"


def test_the_case_page_shows_the_appeal_date_disputes_and_each_order_step(client, manager, plan):
    dispute_record(by=manager, plan=plan, kind="appeal_registered", on=D(2027, 5, 3))
    dispute_record(by=manager, plan=plan, kind="concession", on=D(2027, 6, 1), order="assess")

    shown = page(client, manager, f"/cases/{plan.case_id}/")

    assert "can appeal to the SEND Tribunal until <strong>Saturday 12 June 2027" in shown
    assert "Appeal registered with the Tribunal" in shown
    assert "Tell the family the assessment will go ahead" in shown
    assert "by Tuesday 15 June 2027" in shown
    assert "Send the final plan after the assessment" in shown
    assert form_url(plan) in shown


def test_a_practitioner_is_told_why_they_cannot_record_a_dispute(client, team, plan):
    practitioner = staff(Role.PRACTITIONER, team)

    shown = page(client, practitioner, f"/cases/{plan.case_id}/")

    assert "Only a team manager can record mediation and appeals." in shown
    assert form_url(plan) not in shown


def test_the_form_uses_the_govuk_date_input_and_radios(client, manager, plan):
    shown = page(client, manager, form_url(plan))

    assert 'class="govuk-date-input"' in shown
    assert [f'name="on_{box}"' in shown for box in range(3)] == [True, True, True]
    assert shown.count('type="radio"') == 6 + 6


def test_a_manager_records_a_request_for_mediation_from_the_page(client, manager, plan):
    client.force_login(manager)

    response = client.post(
        form_url(plan), {"kind": "mediation_requested", "on_0": "3", "on_1": "5", "on_2": "2027"}
    )

    assert response.status_code == 302
    assert Dispute.objects.get(plan=plan).on == D(2027, 5, 3)
    assert "Mediation must be arranged by Wednesday 2 June 2027" in page(
        client, manager, f"/cases/{plan.case_id}/"
    )


def test_a_future_date_is_shown_in_the_error_summary_and_on_the_field(client, manager, plan):
    client.force_login(manager)

    response = client.post(
        form_url(plan), {"kind": "appeal_registered", "on_0": "2", "on_1": "9", "on_2": "2027"}
    )

    shown = html.unescape(response.content.decode())
    assert response.status_code == 400
    assert "There is a problem" in shown
    assert shown.count("The date must be today or in the past.") == 2
    assert not Dispute.objects.exists()


def test_a_step_out_of_order_is_shown_with_its_reason(client, manager, plan):
    client.force_login(manager)

    response = client.post(
        form_url(plan),
        {"kind": "tribunal_decision", "on_0": "1", "on_1": "6", "on_2": "2027", "order": "assess"},
    )

    assert response.status_code == 409
    assert "No appeal is waiting for a decision" in html.unescape(response.content.decode())


def test_not_a_real_date_is_a_field_error(client, manager, plan):
    client.force_login(manager)

    response = client.post(
        form_url(plan), {"kind": "appeal_registered", "on_0": "31", "on_1": "2", "on_2": "2027"}
    )

    assert response.status_code == 400
    assert "Enter a real date." in response.content.decode()


def test_the_familys_page_shows_the_appeal_date_and_the_mediation(client, team, manager, plan):
    parent = staff(Role.FAMILY, team)
    FamilyMemberFactory(child=plan.child, name="Mum", relationship="mother", user=parent)
    dispute_record(by=manager, plan=plan, kind="mediation_requested", on=D(2027, 8, 20))

    shown = page(client, parent, "/my-child/")

    assert "If you disagree, you can appeal to the SEND Tribunal until <strong>12 June" in shown
    assert "You must first consider mediation" in shown
    assert "We must arrange it by 19 September 2027." in shown
