"""The casework API shapes of the issue, and its bad-input answers."""

from __future__ import annotations

import datetime as dt
import json

import pytest
import time_machine
from django.core.serializers.json import DjangoJSONEncoder
from rest_framework.test import APIClient

from accounts.roles import Role
from casework.models import AccessLog, Case, CaseStatus, EHCPlan, PlanStatus
from tests.factories import CaseFactory, ChildFactory, FamilyMemberFactory, PlanFactory, staff
from workflows.models import TransitionLog

D = dt.date


@pytest.fixture(autouse=True)
def today():
    with time_machine.travel(dt.datetime(2026, 6, 1, 9, tzinfo=dt.UTC), tick=False):
        yield


def api(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


@pytest.fixture
def child(team):
    return ChildFactory(team=team, date_of_birth=D(2016, 4, 2))


def test_create_child_answers_201_with_id_in_the_practitioners_team(practitioner, team):
    response = api(practitioner).post(
        "/api/v1/children/",
        {
            "given_name": "Ruby",
            "family_name": "Shah",
            "date_of_birth": "2018-02-03",
            "primary_need": "ASD",
            "nhs_number": "943 476 5919",
            "disabilities": ["autism"],
        },
        format="json",
    )

    assert response.status_code == 201
    body = response.json()
    assert body["id"] > 0
    assert (body["team"], body["age"]) == (team.pk, 8)


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"given_name": ""}, "given_name"),
        ({"date_of_birth": "2030-01-01"}, "date_of_birth"),
        ({"date_of_birth": "1990-01-01"}, "date_of_birth"),
        ({"date_of_birth": "03/02/2018"}, "date_of_birth"),
        ({"primary_need": "XYZ"}, "primary_need"),
        ({"nhs_number": "943 476 5918"}, "nhs_number"),
        ({"disabilities": "autism"}, "disabilities"),
    ],
)
def test_create_child_with_bad_input_answers_400_naming_the_field(practitioner, change, field):
    payload = {
        "given_name": "Ruby",
        "family_name": "Shah",
        "date_of_birth": "2018-02-03",
        "primary_need": "ASD",
    } | change

    response = api(practitioner).post("/api/v1/children/", payload, format="json")

    assert response.status_code == 400
    assert field in response.json()["fields"]


def test_referral_answers_201_with_the_new_case_in_referred(practitioner, child, team):
    response = api(practitioner).post(
        "/api/v1/referrals/",
        {
            "child": child.pk,
            "received_on": "2026-05-29",
            "source": "school",
            "reason": "Exclusions",
            "consent_to_share": True,
        },
        format="json",
    )

    assert response.status_code == 201
    case = Case.objects.get(pk=response.json()["case"])
    assert (case.status, case.team, case.lead_professional) == ("referred", team, practitioner)
    deadlines = api(practitioner).get(f"/api/v1/cases/{case.pk}/deadlines/").json()
    assert {(d["kind"], d["due_on"]) for d in deadlines} == {
        ("referral_decision", "2026-06-01"),
        ("assessment_complete", "2026-07-31"),
    }


def test_a_second_open_case_for_the_same_child_answers_400(practitioner, child):
    payload = {
        "child": child.pk,
        "received_on": "2026-05-29",
        "source": "gp",
        "reason": "r",
        "consent_to_share": False,
    }
    api(practitioner).post("/api/v1/referrals/", payload, format="json")

    response = api(practitioner).post("/api/v1/referrals/", payload, format="json")

    assert response.status_code == 400
    assert "already has an open case" in response.json()["fields"]["child"][0]
    assert Case.objects.count() == 1


def test_referral_received_in_the_future_answers_400(practitioner, child):
    response = api(practitioner).post(
        "/api/v1/referrals/",
        {
            "child": child.pk,
            "received_on": "2026-06-02",
            "source": "gp",
            "reason": "r",
            "consent_to_share": True,
        },
        format="json",
    )

    assert response.status_code == 400
    assert response.json()["fields"] == {"received_on": ["The date cannot be in the future."]}
    assert not Case.objects.exists()


def test_ehc_request_answers_201_requested_with_the_statutory_deadlines(practitioner, child):
    response = api(practitioner).post(
        "/api/v1/ehc-plans/",
        {"child": child.pk, "requested_on": "2026-01-05", "requested_by": "parent"},
        format="json",
    )

    assert response.status_code == 201
    assert response.json()["status"] == "requested"
    deadlines = api(practitioner).get(f"/api/v1/deadlines/?child={child.pk}").json()["results"]
    assert {(d["kind"], d["due_on"]) for d in deadlines} == {
        ("decision_to_assess", "2026-02-16"),
        ("final_plan", "2026-05-25"),
    }
    assert {d["subject_type"] for d in deadlines} == {"ehcplan"}
    assert set(deadlines[0]) >= {
        "kind",
        "due_on",
        "status",
        "closed_on",
        "subject_type",
        "subject_id",
    }


def test_patch_edits_sections_while_the_plan_is_open_and_409_after(practitioner, child):
    plan = PlanFactory(child=child, status=PlanStatus.ASSESSING)

    ok = api(practitioner).patch(
        f"/api/v1/ehc-plans/{plan.pk}/", {"section_b": "New needs"}, format="json"
    )
    EHCPlan.objects.filter(pk=plan.pk).update(status=PlanStatus.CEASED)
    refused = api(practitioner).patch(
        f"/api/v1/ehc-plans/{plan.pk}/", {"section_b": "Too late"}, format="json"
    )

    assert ok.status_code == 200
    assert ok.json()["section_b"] == "New needs"
    assert refused.status_code == 409
    assert EHCPlan.objects.get(pk=plan.pk).section_b == "New needs"


def test_transition_through_the_api_with_an_effective_date(practitioner, manager, child):
    plan = (
        api(practitioner)
        .post(
            "/api/v1/ehc-plans/",
            {"child": child.pk, "requested_on": "2026-01-05", "requested_by": "parent"},
            format="json",
        )
        .json()
    )

    response = api(manager).post(
        f"/api/v1/ehc-plans/{plan['id']}/transitions/agree_to_assess/",
        {"on": "2026-02-20"},
        format="json",
    )

    assert response.status_code == 200
    assert response.json()["status"] == "assessing"
    deadline = api(manager).get(f"/api/v1/deadlines/?child={child.pk}&kind=decision_to_assess")
    assert deadline.json()["results"][0]["status"] == "missed"


@pytest.mark.parametrize(
    ("on", "message"),
    [
        ("2026-06-02", "The date cannot be in the future."),
        ("2025-12-31", "The date cannot be before the last change, on 5 January 2026."),
    ],
)
def test_transition_dated_in_the_future_or_before_the_last_step_answers_400(
    practitioner, manager, child, on, message
):
    plan = (
        api(practitioner)
        .post(
            "/api/v1/ehc-plans/",
            {"child": child.pk, "requested_on": "2026-01-05", "requested_by": "parent"},
            format="json",
        )
        .json()
    )

    response = api(manager).post(
        f"/api/v1/ehc-plans/{plan['id']}/transitions/agree_to_assess/", {"on": on}, format="json"
    )

    assert response.status_code == 400
    assert response.json()["fields"] == {"on": [message]}


def test_unmet_condition_answers_409_naming_the_condition(practitioner, child):
    plan = PlanFactory(child=child, status=PlanStatus.ASSESSING, section_f="")

    response = api(practitioner).post(
        f"/api/v1/ehc-plans/{plan.pk}/transitions/issue_draft/", {}, format="json"
    )

    assert response.status_code == 409
    assert "Sections B (needs), E (outcomes) and F (provision)" in response.json()["detail"]


def test_history_lists_audit_rows_oldest_first(practitioner, child):
    referral = (
        api(practitioner)
        .post(
            "/api/v1/referrals/",
            {
                "child": child.pk,
                "received_on": "2026-05-20",
                "source": "gp",
                "reason": "r",
                "consent_to_share": True,
            },
            format="json",
        )
        .json()
    )
    api(practitioner).post(
        f"/api/v1/cases/{referral['case']}/transitions/accept_referral/",
        {"on": "2026-05-21"},
        format="json",
    )

    history = api(practitioner).get(f"/api/v1/cases/{referral['case']}/history/").json()

    assert [row["transition"] for row in history] == ["create", "accept_referral"]
    assert history[1]["effective_on"] == "2026-05-21"


def test_reviews_for_a_plan_begin_it_and_filter_by_child(practitioner, child):
    plan = PlanFactory(child=child, status=PlanStatus.FINAL)

    created = api(practitioner).post(
        "/api/v1/reviews/", {"plan": plan.pk, "meeting_on": "2026-05-30"}, format="json"
    )

    assert created.status_code == 201
    assert EHCPlan.objects.get(pk=plan.pk).status == PlanStatus.UNDER_REVIEW
    listed = api(practitioner).get(f"/api/v1/reviews/?child={child.pk}").json()["results"]
    assert [r["id"] for r in listed] == [created.json()["id"]]
    assert api(practitioner).get(f"/api/v1/reviews/{created.json()['id']}/").status_code == 200


def test_review_needs_a_plan_or_a_case(practitioner):
    response = api(practitioner).post("/api/v1/reviews/", {"notes": "x"}, format="json")

    assert response.status_code == 400


def test_family_comments_on_the_draft(team, child):
    parent = staff(Role.FAMILY, team)
    FamilyMemberFactory(child=child, name="Mum", relationship="mother", user=parent)
    plan = PlanFactory(child=child, status=PlanStatus.DRAFT, draft_issued_on=D(2026, 5, 25))

    response = api(parent).post(
        f"/api/v1/ehc-plans/{plan.pk}/comments/",
        {"comments": "Please name Oak School."},
        format="json",
    )

    assert response.status_code == 200
    assert response.json()["family_comments_received_on"] == "2026-06-01"


def test_family_comments_after_15_days_answer_409(team, child):
    parent = staff(Role.FAMILY, team)
    FamilyMemberFactory(child=child, name="Mum", relationship="mother", user=parent)
    plan = PlanFactory(child=child, status=PlanStatus.DRAFT, draft_issued_on=D(2026, 5, 15))

    response = api(parent).post(
        f"/api/v1/ehc-plans/{plan.pk}/comments/", {"comments": "Late"}, format="json"
    )

    assert response.status_code == 409


def test_staff_reads_are_written_to_the_access_log_and_family_reads_are_not(
    practitioner, team, child
):
    parent = staff(Role.FAMILY, team)
    FamilyMemberFactory(child=child, name="Dad", relationship="father", user=parent)

    api(practitioner).get(f"/api/v1/children/{child.pk}/")
    api(parent).get(f"/api/v1/children/{child.pk}/")

    log = AccessLog.objects.get()
    assert (log.user, log.child, log.record_type, log.via) == (practitioner, child, "child", "api")


def test_manager_waives_nothing_statutory_but_records_an_exception(manager, practitioner, child):
    api(practitioner).post(
        "/api/v1/ehc-plans/",
        {"child": child.pk, "requested_on": "2026-01-05", "requested_by": "parent"},
        format="json",
    )
    final = api(manager).get(f"/api/v1/deadlines/?child={child.pk}&kind=final_plan").json()
    deadline_id = final["results"][0]["id"]

    waived = api(manager).post(
        f"/api/v1/deadlines/{deadline_id}/waive/", {"reason": "x"}, format="json"
    )
    excepted = api(manager).post(
        f"/api/v1/deadlines/{deadline_id}/exception/",
        {"exception": "exceptional_circumstances", "reason": "Child in hospital for 6 weeks"},
        format="json",
    )
    by_practitioner = api(practitioner).post(
        f"/api/v1/deadlines/{deadline_id}/exception/",
        {"exception": "away_from_area", "reason": "x"},
        format="json",
    )

    assert waived.status_code == 409
    assert excepted.status_code == 201
    assert excepted.json()["exception"] == "exceptional_circumstances"
    assert by_practitioner.status_code == 403
    assert TransitionLog.objects.filter(transition="record_exception").count() == 1


def test_case_list_filters_by_state(practitioner, team):
    CaseFactory(child=ChildFactory(team=team), status=CaseStatus.ASSESSING)
    CaseFactory(child=ChildFactory(team=team), status=CaseStatus.REFERRED)

    response = api(practitioner).get("/api/v1/cases/?status=assessing")

    assert [case["status"] for case in response.json()["results"]] == ["assessing"]


def test_case_list_rows_are_exactly_what_the_case_serializer_gives(practitioner, team):
    from casework.api.cases import CaseSerializer
    from casework.models import Case

    for status in (CaseStatus.ASSESSING, CaseStatus.CLOSED):
        CaseFactory(child=ChildFactory(team=team), status=status, lead_professional=practitioner)

    listed = api(practitioner).get("/api/v1/cases/").json()["results"]

    expected = CaseSerializer(Case.objects.order_by("pk"), many=True).data
    assert listed == json.loads(json.dumps(expected, cls=DjangoJSONEncoder))


def test_case_list_queries_do_not_grow_with_the_page(
    practitioner, team, django_assert_max_num_queries
):
    for _ in range(30):
        CaseFactory(child=ChildFactory(team=team))

    with django_assert_max_num_queries(4):
        api(practitioner).get("/api/v1/cases/", {"page_size": 100})


def test_a_reviews_plan_sent_with_another_value_on_patch_is_refused_not_ignored(db):
    from tests.factories import ReviewFactory

    review = ReviewFactory()
    practitioner = staff(Role.PRACTITIONER, review.plan.child.team)
    client = APIClient()
    client.force_authenticate(practitioner)

    refused = client.patch(f"/api/v1/reviews/{review.pk}/", {"plan": False}, format="json")
    echoed = client.patch(
        f"/api/v1/reviews/{review.pk}/", {"plan": review.plan_id, "notes": "Seen"}, format="json"
    )

    assert refused.status_code == 400
    assert "plan" in refused.json()["fields"]
    assert echoed.status_code == 200
    assert echoed.json()["notes"] == "Seen"
