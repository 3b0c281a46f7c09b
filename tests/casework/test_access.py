"""The access rules of DESIGN §9 for every casework endpoint and page, role by role.

Another team's or another family's record answers exactly like a missing one: 404.
"""

from __future__ import annotations

import datetime as dt

import pytest
from rest_framework.test import APIClient

from accounts.roles import Role
from casework.models import CaseStatus, PlanStatus
from tests.factories import (
    AssessmentFactory,
    CaseFactory,
    ChildFactory,
    FamilyMemberFactory,
    PlanFactory,
    ReferralFactory,
    ReviewFactory,
    TeamFactory,
    UserFactory,
    staff,
)
from workflows.models import Deadline
from workflows.services import record_created

ACTORS = [
    "practitioner",
    "manager",
    "other_team_practitioner",
    "family",
    "other_family",
    "provider",
    "commissioner",
    "anonymous",
]


@pytest.fixture
def world(db):
    """One child in a team with a case, plan, review, referral and assessment, and the actors."""
    team, other_team = TeamFactory(), TeamFactory()
    child = ChildFactory(team=team)
    other_child = ChildFactory(team=other_team)
    people = {
        "practitioner": staff(Role.PRACTITIONER, team),
        "manager": staff(Role.TEAM_MANAGER, team),
        "other_team_practitioner": staff(Role.PRACTITIONER, other_team),
        "family": UserFactory(role=Role.FAMILY),
        "other_family": UserFactory(role=Role.FAMILY),
        "provider": UserFactory(role=Role.PROVIDER),
        "commissioner": UserFactory(role=Role.COMMISSIONER),
        "anonymous": None,
    }
    FamilyMemberFactory(child=child, name="Mum", relationship="mother", user=people["family"])
    FamilyMemberFactory(
        child=other_child, name="Dad", relationship="father", user=people["other_family"]
    )
    case = CaseFactory(child=child, status=CaseStatus.REFERRED)
    referral = ReferralFactory(
        case=case,
        received_on=dt.date(2026, 1, 5),
        source="gp",
        reason="r",
        recorded_by=people["practitioner"],
    )
    record_created(case, by=people["practitioner"], on=dt.date(2026, 1, 5))
    plan = PlanFactory(child=child, status=PlanStatus.FINAL)
    review = ReviewFactory(plan=plan)
    assessment = AssessmentFactory(case=case, started_on=dt.date(2026, 1, 6))
    deadline = Deadline.objects.filter(case_id=case.pk).first()
    urls = {
        "child": f"/api/v1/children/{child.pk}/",
        "family_members": f"/api/v1/children/{child.pk}/family-members/",
        "case": f"/api/v1/cases/{case.pk}/",
        "case_history": f"/api/v1/cases/{case.pk}/history/",
        "case_deadlines": f"/api/v1/cases/{case.pk}/deadlines/",
        "case_transitions": f"/api/v1/cases/{case.pk}/transitions/",
        "plan": f"/api/v1/ehc-plans/{plan.pk}/",
        "plan_transitions": f"/api/v1/ehc-plans/{plan.pk}/transitions/",
        "review": f"/api/v1/reviews/{review.pk}/",
        "deadline": f"/api/v1/deadlines/{deadline.pk}/",
        "referral": f"/api/v1/referrals/{referral.pk}/",
        "assessment": f"/api/v1/assessments/{assessment.pk}/",
    }
    return {"people": people, "urls": urls, "case": case, "child": child, "plan": plan}


def client_as(user) -> APIClient:
    client = APIClient()
    if user is not None:
        client.force_authenticate(user)
    return client


STAFF_ONLY = {"case_history", "referral", "assessment"}


def expected_read(actor: str, resource: str) -> int:
    if actor == "anonymous":
        return 401
    if actor in {"practitioner", "manager"}:
        return 200
    if actor == "family":
        if resource == "case_history":
            return 403
        return 404 if resource in STAFF_ONLY else 200
    return 404


RESOURCES = [
    "child",
    "family_members",
    "case",
    "case_history",
    "case_deadlines",
    "case_transitions",
    "plan",
    "plan_transitions",
    "review",
    "deadline",
    "referral",
    "assessment",
]


@pytest.mark.parametrize("resource", RESOURCES)
@pytest.mark.parametrize("actor", ACTORS)
def test_read_access_by_role_and_ownership(world, actor, resource):
    response = client_as(world["people"][actor]).get(world["urls"][resource])

    assert response.status_code == expected_read(actor, resource), response.content


@pytest.mark.parametrize("actor", ["other_team_practitioner", "other_family", "provider"])
def test_another_teams_or_familys_record_answers_exactly_like_a_missing_one(world, actor):
    client = client_as(world["people"][actor])

    theirs = client.get(world["urls"]["child"])
    missing = client.get("/api/v1/children/999999/")

    assert theirs.status_code == missing.status_code == 404
    assert theirs.json() == missing.json()


@pytest.mark.parametrize("actor", ACTORS)
def test_lists_show_only_what_the_actor_may_see(world, actor):
    client = client_as(world["people"][actor])
    sees_the_child = actor in {"practitioner", "manager", "family"}
    # The other team and the other family each see their own child, who has no case or plan.
    sees_a_child = sees_the_child or actor in {"other_team_practitioner", "other_family"}
    expected = {
        "/api/v1/children/": int(sees_a_child),
        "/api/v1/cases/": int(sees_the_child),
        "/api/v1/ehc-plans/": int(sees_the_child),
    }

    for url, count in expected.items():
        response = client.get(url)
        if actor == "anonymous":
            assert response.status_code == 401
        else:
            assert response.json()["count"] == count, url
            ids = [row["id"] for row in response.json()["results"]]
            if url == "/api/v1/children/" and sees_a_child:
                assert (world["child"].pk in ids) == sees_the_child


@pytest.mark.parametrize(
    ("actor", "status"),
    [
        ("practitioner", 201),
        ("manager", 201),
        ("other_team_practitioner", 201),
        ("family", 403),
        ("provider", 403),
        ("commissioner", 403),
        ("anonymous", 401),
    ],
)
def test_who_may_create_a_child(world, actor, status):
    response = client_as(world["people"][actor]).post(
        "/api/v1/children/",
        {
            "given_name": "A",
            "family_name": "B",
            "date_of_birth": "2015-01-01",
            "primary_need": "ASD",
        },
        format="json",
    )

    assert response.status_code == status


@pytest.mark.parametrize(
    ("actor", "status"),
    [
        ("practitioner", 200),
        ("manager", 200),
        ("other_team_practitioner", 404),
        ("family", 403),
        ("other_family", 404),
        ("provider", 404),
        ("commissioner", 404),
        ("anonymous", 401),
    ],
)
def test_who_may_move_a_case_on(world, actor, status):
    response = client_as(world["people"][actor]).post(
        f"/api/v1/cases/{world['case'].pk}/transitions/accept_referral/", {}, format="json"
    )

    assert response.status_code == status


@pytest.mark.parametrize(
    ("actor", "status"),
    [
        ("practitioner", 200),
        ("other_team_practitioner", 404),
        # Families and providers may never edit a plan: told so before any record is looked up.
        ("family", 403),
        ("other_family", 403),
        ("provider", 403),
    ],
)
def test_who_may_edit_a_plan(world, actor, status):
    response = client_as(world["people"][actor]).patch(
        world["urls"]["plan"], {"section_k": "Advice"}, format="json"
    )

    assert response.status_code == status


PAGES = {
    "caseload": (
        "/caseload/",
        {"practitioner": 200, "manager": 200, "other_team_practitioner": 200},
    ),
    "team": ("/team/", {"manager": 200}),
    "my_child": ("/my-child/", {"family": 200, "other_family": 200}),
    "case_page": (
        "/cases/{case}/",
        {"practitioner": 200, "manager": 200, "other_team_practitioner": 404},
    ),
    "case_step": (
        "/cases/{case}/steps/accept_referral/",
        {"practitioner": 200, "manager": 200, "other_team_practitioner": 404},
    ),
    "referral_form": (
        "/referrals/new/",
        {"practitioner": 200, "manager": 200, "other_team_practitioner": 200},
    ),
    "plan_sections": (
        "/plans/{plan}/sections/",
        {"practitioner": 200, "manager": 200, "other_team_practitioner": 404},
    ),
}


@pytest.mark.parametrize("page", PAGES)
@pytest.mark.parametrize("actor", ACTORS)
def test_page_access_by_role_and_ownership(world, client, actor, page):
    path, allowed = PAGES[page]
    url = path.format(case=world["case"].pk, plan=world["plan"].pk)
    user = world["people"][actor]
    if user is not None:
        client.force_login(user)

    response = client.get(url)

    if actor == "anonymous":
        assert response.status_code == 302
        assert response.url.startswith("/sign-in/")
    else:
        assert response.status_code == allowed.get(actor, 403)


def test_my_child_shows_only_the_familys_own_child(world, client):
    client.force_login(world["people"]["other_family"])

    page = client.get("/my-child/").content.decode()

    assert world["child"].given_name not in page
