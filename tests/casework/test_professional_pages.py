"""A professional's pages (DESIGN §11): *My children*, and a child's page limited to what their
agency may see; a professional signing in starts on *My children*."""

from __future__ import annotations

import datetime as dt
import html

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.test.utils import CaptureQueriesContext

from casework.models.advice import AdviceRequest
from tests.factories import (
    ActiveBudgetFactory,
    AdviceRequestFactory,
    ChildFactory,
    ConsentFactory,
    PlanFactory,
    ProfessionalFactory,
    TeamMemberFactory,
    professional_in_team,
)
from workflows.models import Deadline


@pytest.fixture
def amelia(team):
    child = ChildFactory(
        team=team,
        given_name="Amelia",
        family_name="Carter",
        date_of_birth=dt.date(2016, 5, 1),
        primary_need="ASD",
    )
    child.family_members.create(
        name="Sam Carter",
        relationship="mother",
        email="sam@example.org",
        phone="07700 900001",
        has_parental_responsibility=True,
    )
    child.family_members.create(name="Jo Carter", relationship="sister", phone="07700 900999")
    TeamMemberFactory(
        child=child,
        name="Kim Okafor",
        part="key_worker",
        profession="social_worker",
        email="kim@example.org",
        phone="01634 000111",
    )
    return child


@pytest.fixture
def senco(amelia):
    return professional_in_team(amelia, agency="education", part="review_convener")


def page(client, user, path):
    client.force_login(user)
    response = client.get(path)
    return response, html.unescape(response.content.decode())


def test_a_professional_starts_on_my_children(client, senco):
    client.force_login(senco)

    response = client.get("/")

    assert response.status_code == 302
    assert response["Location"] == "/professional/"


def test_my_children_shows_each_child_with_their_part_the_key_worker_and_the_plan(
    client, team, amelia, senco
):
    plan = PlanFactory(child=amelia, status="final")
    Deadline.objects.create(
        subject_type=ContentType.objects.get_for_model(plan),
        subject_id=plan.pk,
        kind="annual_review",
        due_on=dt.date(2027, 3, 1),
        opened_on=dt.date(2026, 3, 1),
        team=team,
    )
    ChildFactory(team=team, given_name="Oscar")  # not theirs

    response, text = page(client, senco, "/professional/")

    assert response.status_code == 200
    assert "Amelia Carter" in text
    assert "Review convener" in text
    assert "Kim Okafor" in text
    assert "Final" in text or plan.get_status_display() in text
    assert "1 March 2027" in text
    assert "Oscar" not in text


def test_my_children_shows_the_advice_due_from_an_adviser_who_convenes_no_review(
    client, team, amelia
):
    adviser = ProfessionalFactory().user
    plan = PlanFactory(child=amelia, status="assessing")
    request = AdviceRequestFactory(plan=plan, adviser=adviser)
    Deadline.objects.create(
        subject_type=ContentType.objects.get_for_model(AdviceRequest),
        subject_id=request.pk,
        kind="advice",
        due_on=dt.date(2027, 1, 14),
        opened_on=dt.date(2026, 12, 1),
        team=team,
    )

    response, text = page(client, adviser, "/professional/")

    assert response.status_code == 200
    assert "Amelia Carter" in text
    assert "14 January 2027" in text


def test_my_children_says_so_when_there_are_none(client, db):
    response, text = page(client, ProfessionalFactory().user, "/professional/")

    assert response.status_code == 200
    assert "You are not in any child's team around the child" in text


def test_my_children_costs_the_same_whatever_its_length(client, team, practitioner):
    senco = ProfessionalFactory().user

    def grow(count):
        for _ in range(count):
            child = ChildFactory(team=team)
            TeamMemberFactory(child=child, user=senco, part="review_convener")
            TeamMemberFactory(child=child, part="key_worker")
            ConsentFactory(child=child, agency="education")
            PlanFactory(child=child, status="final")

    grow(2)
    client.force_login(senco)
    client.get("/professional/")
    with CaptureQueriesContext(connection) as few:
        client.get("/professional/")
    grow(6)
    with CaptureQueriesContext(connection) as many:
        response = client.get("/professional/")

    assert response.content.decode().count('class="govuk-summary-card__title"') == 8
    assert len(many.captured_queries) == len(few.captured_queries)


def test_the_childs_page_shows_what_their_agency_may_see(client, amelia, senco, practitioner):
    plan = PlanFactory(child=amelia, status="final", section_b="Needs help with communication.")
    plan.reviews.create(due_on=dt.date(2027, 9, 1), meeting_on=dt.date(2026, 9, 3))
    request = AdviceRequest.objects.create(
        plan=plan,
        kind="educational",
        adviser=senco,
        adviser_email=senco.email,
        requested_on=dt.date(2026, 10, 1),
        recorded_by=practitioner,
    )
    ActiveBudgetFactory(child=amelia, amount="1234.56", start_on=dt.date(2026, 4, 1))

    response, text = page(client, senco, f"/professional/children/{amelia.pk}/")

    assert response.status_code == 200
    assert "1 May 2016" in text
    assert amelia.get_primary_need_display() in text
    assert "Kim Okafor" in text
    assert "kim@example.org" in text
    assert "01634 000111" in text
    assert "Sam Carter" in text
    assert "sam@example.org" in text
    assert "Jo Carter" not in text
    assert "07700 900999" not in text
    assert "Needs help with communication." in text
    assert "Review due 1 September 2027" in text
    assert "3 September 2026" in text
    assert "Educational advice, asked for 1 October 2026" in text
    assert f"due by {request.due_on:%-d %B %Y}" in text
    assert "Case notes and chronology" in text
    assert "1,234.56" not in text
    assert "budget" not in text.lower()


@pytest.mark.parametrize("whose", ["another child", "consent withdrawn", "missing"])
def test_a_child_not_theirs_is_a_404_like_a_missing_page(client, team, amelia, senco, whose):
    other = ChildFactory(team=team)
    if whose == "consent withdrawn":
        ConsentFactory(child=amelia, agency="education", given=False)
    pk = {"another child": other.pk, "consent withdrawn": amelia.pk, "missing": 987_654}[whose]

    response, _ = page(client, senco, f"/professional/children/{pk}/")

    assert response.status_code == 404


def test_the_professional_pages_are_for_professionals(client, practitioner, amelia):
    for path in ("/professional/", f"/professional/children/{amelia.pk}/"):
        response, _ = page(client, practitioner, path)
        assert response.status_code == 403, path
