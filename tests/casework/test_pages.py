"""Casework pages: what each shows, the forms' unhappy paths, and constant query counts."""

from __future__ import annotations

import datetime as dt
import html

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext

import workflows
from accounts.roles import Role
from casework import services
from casework.models import Case, CaseStatus, Child, PlanStatus, Referral
from tests.factories import (
    CaseFactory,
    ChildFactory,
    FamilyMemberFactory,
    PlanFactory,
    ReferredCaseFactory,
    staff,
)
from workflows.models import Deadline

D = dt.date


@pytest.fixture(autouse=True)
def today():
    with time_machine.travel(dt.datetime(2026, 6, 10, 9, tzinfo=dt.UTC), tick=False):
        yield


def referred_case(practitioner, team, *, received_on=None, consent=True, name="Ava"):
    return ReferredCaseFactory(
        child__team=team,
        child__given_name=name,
        practitioner=practitioner,
        received_on=received_on or D(2026, 6, 1),
        consent_to_share=consent,
    )


def test_caseload_lists_overdue_first_then_soonest(client, practitioner, team):
    soon = referred_case(practitioner, team, received_on=D(2026, 6, 9), name="Soon")
    overdue = referred_case(practitioner, team, received_on=D(2026, 6, 1), name="Overdue")
    later = referred_case(practitioner, team, received_on=D(2026, 6, 10), name="Later")
    client.force_login(practitioner)

    page = client.get("/caseload/").content.decode()

    positions = [page.index(f"/cases/{case.pk}/") for case in (overdue, soon, later)]
    assert positions == sorted(positions)
    assert "8 days overdue" in page  # due 2 June, the working day after the referral


def test_caseload_filters_by_state(client, practitioner, team):
    referred_case(practitioner, team, name="Referred")
    assessing = referred_case(practitioner, team, name="Assessing")
    workflows.transition(assessing, "accept_referral", by=practitioner)
    client.force_login(practitioner)

    page = client.get("/caseload/?status=assessing").content.decode()

    assert f"/cases/{assessing.pk}/" in page
    assert "Referred" not in page.split("<tbody")[1]


def test_caseload_is_paginated(client, practitioner, team):
    for index in range(27):
        referred_case(practitioner, team, name=f"Child{index}")
    client.force_login(practitioner)

    first, second = client.get("/caseload/"), client.get("/caseload/?page=2")

    assert first.content.decode().count("/cases/") == 25
    assert second.content.decode().count("/cases/") == 2
    assert "Page 2 of 2" in second.content.decode()


def test_case_page_offers_the_steps_of_this_state_and_says_why_not(
    client, practitioner, manager, team
):
    case = referred_case(practitioner, team)
    client.force_login(practitioner)
    as_practitioner = client.get(f"/cases/{case.pk}/").content.decode()
    client.force_login(manager)
    as_manager = client.get(f"/cases/{case.pk}/").content.decode()

    assert "Accept the referral" in as_practitioner
    assert "Close the case</a>" not in as_practitioner  # a manager's step: text with its reason
    assert "<strong>Close the case</strong>: Only a team manager can do this" in as_practitioner
    assert "Complete the assessment</a>" not in as_practitioner  # not from this state
    assert "<strong>Complete the assessment</strong>" not in as_practitioner
    assert "Close the case" in as_manager


def test_case_page_shows_deadlines_with_days_left_and_overdue_in_red(client, practitioner, team):
    case = referred_case(practitioner, team, received_on=D(2026, 6, 1))
    client.force_login(practitioner)

    page = client.get(f"/cases/{case.pk}/").content.decode()

    assert 'govuk-tag--red">8 days overdue' in page
    assert "Decide on the referral" in page


def test_step_form_applies_the_transition_and_confirms(client, practitioner, team):
    case = referred_case(practitioner, team)
    client.force_login(practitioner)

    response = client.post(
        f"/cases/{case.pk}/steps/accept_referral/",
        {"on_0": "2", "on_1": "6", "on_2": "2026", "note": "Agreed"},
        follow=True,
    )

    assert response.redirect_chain[-1][0] == f"/cases/{case.pk}/"
    assert "Referral accepted: the assessment has started" in response.content.decode()
    assert Case.objects.get(pk=case.pk).status == CaseStatus.ASSESSING


def test_step_form_with_a_future_date_shows_the_error_and_changes_nothing(
    client, practitioner, team
):
    case = referred_case(practitioner, team)
    client.force_login(practitioner)

    response = client.post(
        f"/cases/{case.pk}/steps/accept_referral/", {"on_0": "11", "on_1": "6", "on_2": "2026"}
    )

    assert response.status_code == 400
    page = response.content.decode()
    assert "There is a problem" in page
    assert "The date must be today or in the past." in page
    assert Case.objects.get(pk=case.pk).status == CaseStatus.REFERRED


def test_step_form_asks_for_the_reason_when_the_step_needs_one(client, practitioner, team):
    case = referred_case(practitioner, team)
    client.force_login(practitioner)

    response = client.post(
        f"/cases/{case.pk}/steps/signpost/", {"on_0": "2", "on_1": "6", "on_2": "2026"}
    )

    assert response.status_code == 400
    assert "Enter the reason." in response.content.decode()


def test_step_page_for_a_step_not_possible_now_says_why(client, practitioner, team):
    case = referred_case(practitioner, team, consent=False)
    client.force_login(practitioner)

    response = client.get(f"/cases/{case.pk}/steps/accept_referral/")

    assert response.status_code == 409
    assert "no recorded consent to share" in response.content.decode()
    assert "You cannot do this now." in response.content.decode()


def test_step_page_for_another_role_answers_403_with_the_reason(client, practitioner, team):
    case = referred_case(practitioner, team)
    client.force_login(practitioner)

    response = client.post(f"/cases/{case.pk}/steps/close/", {"reason": "x"})

    assert response.status_code == 403
    assert "Only a team manager can do this." in response.content.decode()


def test_referral_form_records_the_child_and_opens_a_case(client, practitioner):
    client.force_login(practitioner)

    response = client.post(
        "/referrals/new/",
        {
            "given_name": "Ruby",
            "family_name": "Shah",
            "date_of_birth_0": "4",
            "date_of_birth_1": "3",
            "date_of_birth_2": "2017",
            "primary_need": "ASD",
            "received_on_0": "9",
            "received_on_1": "6",
            "received_on_2": "2026",
            "source": "school",
            "reason": "Not coping at school",
            "consent_to_share": "on",
            "consent_given_by": "Mother",
        },
    )

    case = Case.objects.get(child__given_name="Ruby")
    assert response.status_code == 302
    assert response.url == f"/cases/{case.pk}/"
    assert case.referral.consent_to_share is True


def test_referral_form_errors_save_nothing(client, practitioner):
    client.force_login(practitioner)

    response = client.post(
        "/referrals/new/",
        {
            "given_name": "Ruby",
            "family_name": "Shah",
            "date_of_birth_0": "4",
            "date_of_birth_1": "3",
            "date_of_birth_2": "2017",
            "primary_need": "ASD",
            "received_on_0": "11",
            "received_on_1": "6",
            "received_on_2": "2026",
            "source": "school",
            "reason": "r",
        },
    )

    assert response.status_code == 400
    assert "The date must be today or in the past." in response.content.decode()
    assert not Child.objects.exists()
    assert not Referral.objects.exists()


def test_referral_form_names_each_missing_field(client, practitioner):
    client.force_login(practitioner)

    page = html.unescape(client.post("/referrals/new/", {}).content.decode())

    for message in (
        "Enter the child's first name.",
        "Choose the primary need.",
        "Choose who made the referral.",
        "Enter the reason for the referral.",
    ):
        assert message in page


def test_family_page_says_where_we_are_and_what_happens_next(client, practitioner, team):
    parent = staff(Role.FAMILY, team)
    case = referred_case(practitioner, team, name="Ella")
    FamilyMemberFactory(child=case.child, name="Mum", relationship="mother", user=parent)
    client.force_login(parent)

    page = client.get("/my-child/").content.decode()

    assert "We have received a referral for Ella." in page
    assert "We decide what happens with the referral" in page
    assert "by Tuesday 2 June 2026" in page


def test_family_comments_on_the_draft_from_the_page(client, team, practitioner):
    parent = staff(Role.FAMILY, team)
    child = ChildFactory(team=team)
    FamilyMemberFactory(child=child, name="Mum", relationship="mother", user=parent)
    plan = PlanFactory(child=child, status=PlanStatus.ASSESSING)
    workflows.transition(plan, "issue_draft", by=practitioner, on=D(2026, 6, 5))
    client.force_login(parent)
    assert "What do you think of the draft plan?" in client.get("/my-child/").content.decode()

    response = client.post(f"/plans/{plan.pk}/comments/", {"text": "Add swimming."}, follow=True)

    assert "We have received what you told us." in response.content.decode()
    # A comment is not the end of the family's 15 days: only "nothing more to add" is.
    assert Deadline.objects.get(kind="family_comments").status == "open"


def count_queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def test_caseload_query_count_does_not_grow_with_the_number_of_cases(client, practitioner, team):
    client.force_login(practitioner)
    for index in range(2):
        referred_case(practitioner, team, name=f"First{index}")
    few = count_queries(client, "/caseload/")
    for index in range(15):
        referred_case(practitioner, team, name=f"More{index}")

    many = count_queries(client, "/caseload/")

    assert few == many


def test_case_page_query_count_does_not_grow_with_history(client, practitioner, manager, team):
    client.force_login(practitioner)
    case = referred_case(practitioner, team)
    plan = services.plan_request(
        by=practitioner, child=case.child, requested_on=D(2026, 6, 2), requested_by="parent"
    )
    few = count_queries(client, f"/cases/{case.pk}/")
    for index in range(5):
        FamilyMemberFactory(child=case.child, name=f"Relative {index}", relationship="aunt")
        workflows.services.audit(
            case, "note", by=practitioner, note=f"Visit {index}", case_id=case.pk
        )
        workflows.services.audit(plan, "note", by=manager, note=f"Call {index}", case_id=case.pk)

    many = count_queries(client, f"/cases/{case.pk}/")

    assert few == many


def test_case_api_list_query_count_is_the_same_for_10_and_100_rows(practitioner, team):
    from rest_framework.test import APIClient

    client = APIClient()
    client.force_authenticate(practitioner)
    for _ in range(100):
        CaseFactory(child=ChildFactory(team=team))
    client.get("/api/v1/cases/?page_size=1")  # the user's roles are cached after this
    with CaptureQueriesContext(connection) as ten:
        client.get("/api/v1/cases/?page_size=10")
    with CaptureQueriesContext(connection) as hundred:
        client.get("/api/v1/cases/?page_size=100")

    assert len(ten) == len(hundred)


@pytest.mark.parametrize("url", ["/api/v1/children/", "/api/v1/ehc-plans/", "/api/v1/deadlines/"])
def test_list_endpoints_need_a_fixed_number_of_queries(
    django_assert_max_num_queries, practitioner, team, url
):
    from rest_framework.test import APIClient

    client = APIClient()
    client.force_authenticate(practitioner)
    for _ in range(30):
        child = ChildFactory(team=team)
        PlanFactory(child=child)
    with django_assert_max_num_queries(8):
        assert client.get(url).status_code == 200
