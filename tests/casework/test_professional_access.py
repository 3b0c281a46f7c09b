"""What a professional sees through the API (DESIGN §3, §9): their children while they are in the
team and their agency's consent stands, the child's case, plan and reviews to read, their own
advice and review deadlines, the parents' contact details; never money or anybody else's child,
which answer exactly as a missing record does."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from casework.models import EHCPlan, TeamMember
from casework.models.advice import AdviceRequest
from casework.services.team import team_member_change
from tests.factories import (
    ActiveBudgetFactory,
    CaseFactory,
    ChildFactory,
    ConsentFactory,
    PlanFactory,
    ProfessionalFactory,
    professional_in_team,
)
from workflows import clock
from workflows.checks import permission_reasons
from workflows.models import Deadline
from workflows.registry import registry

MISSING = 987_654


def api(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def deadline_on(subject, kind: str, *, team, case=None, due_on=dt.date(2027, 1, 15)) -> Deadline:
    return Deadline.objects.create(
        subject_type=ContentType.objects.get_for_model(subject),
        subject_id=subject.pk,
        case_id=case.pk if case else None,
        kind=kind,
        due_on=due_on,
        opened_on=dt.date(2026, 11, 1),
        team=team,
    )


def asked_for_advice(plan, adviser, recorded_by) -> AdviceRequest:
    """A request put straight in: who may be asked is the advice service's business."""
    return AdviceRequest.objects.create(
        plan=plan,
        kind="educational",
        adviser=adviser,
        adviser_email=adviser.email,
        requested_on=dt.date(2026, 10, 1),
        recorded_by=recorded_by,
    )


@pytest.fixture
def amelia(team):
    child = ChildFactory(team=team, given_name="Amelia")
    child.family_members.create(
        name="Sam Carter",
        relationship="mother",
        email="sam@example.org",
        phone="07700 900001",
        address="1 Open Road",
        has_parental_responsibility=True,
    )
    child.family_members.create(
        name="Jo Carter", relationship="sister", email="jo@example.org", phone="07700 900002"
    )
    return child


@pytest.fixture
def senco(amelia):
    return professional_in_team(amelia, agency="education", part="review_convener")


def test_a_professional_lists_only_the_children_whose_team_they_are_in(team, amelia, senco):
    ChildFactory(team=team)  # the same council team, but not theirs
    professional_in_team(ChildFactory(team=team))  # somebody else's, with its own SENCO

    response = api(senco).get("/api/v1/children/")

    assert response.status_code == 200
    assert [row["id"] for row in response.json()["results"]] == [amelia.pk]


def test_consent_withdrawal_takes_effect_on_the_next_request(amelia, senco, practitioner):
    client = api(senco)
    assert client.get(f"/api/v1/children/{amelia.pk}/").status_code == 200

    ConsentFactory(child=amelia, agency="education", given=False, recorded_by=practitioner)
    response = client.get(f"/api/v1/children/{amelia.pk}/")

    missing = client.get(f"/api/v1/children/{MISSING}/")
    assert response.status_code == 404
    assert response.json() == missing.json()


def test_consent_given_again_lets_them_back_in(amelia, senco, practitioner):
    ConsentFactory(child=amelia, agency="education", given=False, recorded_by=practitioner)
    assert api(senco).get(f"/api/v1/children/{amelia.pk}/").status_code == 404

    ConsentFactory(child=amelia, agency="education", given=True, recorded_by=practitioner)

    assert api(senco).get(f"/api/v1/children/{amelia.pk}/").status_code == 200


def test_withdrawing_one_agencys_consent_leaves_the_others_in(amelia, senco, practitioner):
    paediatrician = professional_in_team(amelia, agency="health")

    ConsentFactory(child=amelia, agency="health", given=False, recorded_by=practitioner)

    assert api(paediatrician).get(f"/api/v1/children/{amelia.pk}/").status_code == 404
    assert api(senco).get(f"/api/v1/children/{amelia.pk}/").status_code == 200


def test_ending_the_membership_ends_access(amelia, senco, practitioner):
    member = TeamMember.objects.get(child=amelia, user=senco)
    assert api(senco).get(f"/api/v1/children/{amelia.pk}/").status_code == 200

    team_member_change(by=practitioner, member=member, ends_on=clock.today())

    client = api(senco)
    response = client.get(f"/api/v1/children/{amelia.pk}/")
    assert response.status_code == 404
    assert response.json() == client.get(f"/api/v1/children/{MISSING}/").json()
    assert client.get("/api/v1/children/").json()["results"] == []


def test_an_adviser_with_a_statutory_advice_request_sees_the_child_despite_withdrawn_consent(
    amelia, practitioner
):
    """Reg 6(1) SEND Regulations 2014: the council must seek the advice, so the family's
    withdrawal of consent for health does not hide the child from the adviser it asked."""
    paediatrician = professional_in_team(amelia, agency="health", part="adviser")
    asked_for_advice(PlanFactory(child=amelia), paediatrician, practitioner)

    ConsentFactory(child=amelia, agency="health", given=False, recorded_by=practitioner)

    client = api(paediatrician)
    assert client.get(f"/api/v1/children/{amelia.pk}/").status_code == 200
    assert [row["id"] for row in client.get("/api/v1/children/").json()["results"]] == [amelia.pk]


def test_a_professional_never_sees_a_budget(amelia, senco):
    budget = ActiveBudgetFactory(child=amelia, start_on=dt.date(2026, 4, 1))
    client = api(senco)

    for path in (
        "/api/v1/budgets/{}/",
        "/api/v1/budgets/{}/statement/",
        "/api/v1/budgets/{}/ledger/",
        "/api/v1/budgets/{}/statement.csv",
    ):
        response = client.get(path.format(budget.pk))
        missing = client.get(path.format(MISSING))
        assert response.status_code == 404, path
        assert response.content == missing.content, path
    assert client.get("/api/v1/budgets/").json()["results"] == []


def test_the_rest_of_the_childs_record_is_not_a_professionals(amelia, senco):
    case = CaseFactory(child=amelia)
    plan = PlanFactory(child=amelia, case=case)
    client = api(senco)

    for path in (
        "/api/v1/referrals/",
        "/api/v1/assessments/",
        "/api/v1/shortbreaks/packages/",
        "/api/v1/shortbreaks/sessions/",
        "/api/v1/transfers/",
        "/api/v1/reassessments/",
        "/api/v1/deadline-exceptions/",
    ):
        assert client.get(path).json()["results"] == [], path
    for path in (
        "/api/v1/ehc-plans/{}/representations/",
        "/api/v1/ehc-plans/{}/disputes/",
        "/api/v1/ehc-plans/{}/transfers/",
        "/api/v1/ehc-plans/{}/reassessments/",
    ):
        response = client.get(path.format(plan.pk))
        missing = client.get(path.format(MISSING))
        assert (response.status_code, response.json()) == (404, missing.json()), path


def test_a_professional_sees_the_parents_contact_details_and_nobody_elses(amelia, senco):
    response = api(senco).get(f"/api/v1/children/{amelia.pk}/family-members/")

    assert response.status_code == 200
    assert [
        {key: row[key] for key in ("name", "relationship", "email", "phone", "address")}
        for row in response.json()
    ] == [
        {
            "name": "Sam Carter",
            "relationship": "mother",
            "email": "sam@example.org",
            "phone": "07700 900001",
            "address": "1 Open Road",
        }
    ]


def test_a_professional_may_not_add_a_family_member(amelia, senco):
    response = api(senco).post(
        f"/api/v1/children/{amelia.pk}/family-members/",
        {"name": "Someone", "relationship": "uncle"},
        format="json",
    )

    assert response.status_code == 403


def test_a_professional_reads_the_case_plan_and_reviews_of_their_child(team, amelia, senco):
    case = CaseFactory(child=amelia)
    plan = PlanFactory(child=amelia, case=case, status="final")
    other_case = CaseFactory(child=ChildFactory(team=team))
    client = api(senco)

    assert [row["id"] for row in client.get("/api/v1/cases/").json()["results"]] == [case.pk]
    assert client.get(f"/api/v1/cases/{case.pk}/").json()["child"] == amelia.pk
    assert client.get(f"/api/v1/cases/{other_case.pk}/").status_code == 404
    assert [row["id"] for row in client.get("/api/v1/ehc-plans/").json()["results"]] == [plan.pk]
    assert client.get(f"/api/v1/ehc-plans/{plan.pk}/").json()["section_b"] == plan.section_b
    review = plan.reviews.create(due_on=dt.date(2027, 9, 1))
    assert [row["id"] for row in client.get("/api/v1/reviews/").json()["results"]] == [review.pk]
    assert client.get(f"/api/v1/reviews/{review.pk}/").status_code == 200


def test_a_professional_may_read_but_not_change_the_plan_or_the_review(amelia, senco):
    plan = PlanFactory(child=amelia, status="final")
    review = plan.reviews.create(due_on=dt.date(2027, 9, 1))
    client = api(senco)

    assert client.patch(f"/api/v1/ehc-plans/{plan.pk}/", {"section_b": "x"}).status_code == 403
    assert client.patch(f"/api/v1/reviews/{review.pk}/", {"notes": "x"}).status_code == 403
    assert client.post("/api/v1/reviews/", {"plan": plan.pk}).status_code == 403


def test_the_case_history_stays_with_the_councils_staff(amelia, senco):
    case = CaseFactory(child=amelia)

    response = api(senco).get(f"/api/v1/cases/{case.pk}/history/")

    assert response.status_code == 403


def test_every_step_is_listed_as_not_theirs_with_its_reasons(amelia, senco):
    case = CaseFactory(child=amelia)
    plan = PlanFactory(child=amelia, case=case)
    client = api(senco)

    for path in (
        f"/api/v1/cases/{case.pk}/transitions/",
        f"/api/v1/ehc-plans/{plan.pk}/transitions/",
    ):
        response = client.get(path)
        assert response.status_code == 200, path
        assert response.json(), path
        assert all(not step["allowed"] and step["reasons"] for step in response.json()), path


# The review convener holds the review meeting (reg 20): tests/casework/test_review_convener.py.
CONVENERS_STEPS = {"start_review"}


def test_no_step_of_a_case_or_plan_lets_a_professional_act(amelia, senco):
    """Every transition of the child-level machines a professional can read refuses them with a
    reason, whatever state the record is in; none is open to them by a missing permission, but
    the meeting of a review they convene."""
    case = CaseFactory(child=amelia)
    plan = PlanFactory(child=amelia, case=case)

    for record in (case, plan):
        for fsm_transition in registry.machine_for(type(record)).transitions():
            if fsm_transition.name in CONVENERS_STEPS:
                continue
            assert permission_reasons(fsm_transition, record, senco), fsm_transition.name


def test_a_professional_who_does_not_convene_may_not_hold_the_review_meeting(amelia):
    adviser = professional_in_team(amelia, agency="health", part="adviser")
    ConsentFactory(child=amelia, agency="health")
    plan = PlanFactory(child=amelia)
    (start_review,) = (
        step for step in registry.machine_for(EHCPlan).transitions() if step.name == "start_review"
    )

    assert permission_reasons(start_review, plan, adviser)


def test_a_professional_may_not_take_a_step(amelia, senco):
    plan = PlanFactory(child=amelia, status="requested")

    response = api(senco).post(
        f"/api/v1/ehc-plans/{plan.pk}/transitions/agree_to_assess/", {}, format="json"
    )

    assert response.status_code == 403
    assert response.json()["code"] == "not_permitted"


def test_a_professionals_deadlines_are_their_own_advice_and_the_reviews_they_convene(
    team, amelia, senco, practitioner
):
    case = CaseFactory(child=amelia)
    plan = PlanFactory(child=amelia, case=case, status="final")
    theirs = asked_for_advice(plan, senco, practitioner)
    someone_elses = asked_for_advice(plan, ProfessionalFactory().user, practitioner)
    advice = deadline_on(theirs, "advice", team=team)
    deadline_on(someone_elses, "advice", team=team)
    review = deadline_on(plan, "annual_review", team=team)
    deadline_on(case, "assessment_complete", team=team, case=case)
    deadline_on(plan, "final_plan", team=team)
    client = api(senco)

    listed = [row["id"] for row in client.get("/api/v1/deadlines/").json()["results"]]

    assert sorted(listed) == sorted([advice.pk, review.pk])
    assert client.get(f"/api/v1/deadlines/{review.pk}/").status_code == 200
    filtered = client.get("/api/v1/deadlines/", {"child": amelia.pk}).json()["results"]
    assert sorted(row["id"] for row in filtered) == sorted([advice.pk, review.pk])


def test_an_adviser_who_does_not_convene_the_review_sees_only_their_advice_deadline(
    team, amelia, practitioner
):
    adviser = professional_in_team(amelia, agency="education", part="adviser")
    plan = PlanFactory(child=amelia, status="final")
    advice = deadline_on(asked_for_advice(plan, adviser, practitioner), "advice", team=team)
    review = deadline_on(plan, "annual_review", team=team)

    listed = [row["id"] for row in api(adviser).get("/api/v1/deadlines/").json()["results"]]

    assert listed == [advice.pk]
    assert api(adviser).get(f"/api/v1/deadlines/{review.pk}/").status_code == 404


def test_the_case_deadlines_a_professional_sees_are_their_own(team, amelia, senco, practitioner):
    case = CaseFactory(child=amelia)
    plan = PlanFactory(child=amelia, case=case, status="final")
    advice = deadline_on(
        asked_for_advice(plan, senco, practitioner), "advice", team=team, case=case
    )
    deadline_on(case, "assessment_complete", team=team, case=case)

    response = api(senco).get(f"/api/v1/cases/{case.pk}/deadlines/")

    assert [row["id"] for row in response.json()] == [advice.pk]


def test_a_withdrawn_convener_loses_the_review_deadlines_with_the_child(
    team, amelia, senco, practitioner
):
    plan = PlanFactory(child=amelia, status="final")
    deadline_on(plan, "annual_review", team=team)

    ConsentFactory(child=amelia, agency="education", given=False, recorded_by=practitioner)

    assert api(senco).get("/api/v1/deadlines/").json()["results"] == []


@pytest.mark.parametrize("resource", ["children", "cases", "ehc-plans", "reviews", "deadlines"])
def test_a_professionals_list_costs_the_same_whatever_its_length(
    team, practitioner, resource, django_assert_max_num_queries
):
    senco = ProfessionalFactory().user
    client = api(senco)

    def grow(count):
        for _ in range(count):
            child = ChildFactory(team=team)
            TeamMember.objects.create(
                child=child,
                user=senco,
                name=senco.full_name,
                organisation=senco.professional.organisation,
                profession="senco",
                part="review_convener",
                starts_on=clock.today(),
                added_by=practitioner,
            )
            ConsentFactory(child=child, agency="education", recorded_by=practitioner)
            case = CaseFactory(child=child)
            plan = PlanFactory(child=child, case=case, status="final")
            plan.reviews.create(due_on=dt.date(2027, 9, 1))
            deadline_on(plan, "annual_review", team=team)

    grow(2)
    client.get(f"/api/v1/{resource}/")  # the user's roles and profile are cached after this
    with CaptureQueriesContext(connection) as few:
        assert len(client.get(f"/api/v1/{resource}/").json()["results"]) == 2
    grow(8)
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert len(client.get(f"/api/v1/{resource}/").json()["results"]) == 10
