"""Commissioning pages: the report, the plan, targets, action progress and family feedback."""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from accounts.roles import Role
from commissioning.models import Action, Feedback, Measure, Target
from commissioning.services import plan_load
from tests.factories import ChildFactory, FamilyMemberFactory, UserFactory


@pytest.fixture
def plan(db):
    return plan_load(slug="medway-2011")[0]


@pytest.fixture
def commissioner(db):
    return UserFactory(role=Role.COMMISSIONER)


@pytest.fixture
def family(team):
    parent = UserFactory(role=Role.FAMILY)
    child = ChildFactory(team=team, given_name="Amelia")
    FamilyMemberFactory(child=child, name="Sarah", relationship="mother", user=parent)
    return parent, child


def test_commissioner_reads_the_report_with_illustrative_targets_and_charts(
    client, plan, commissioner
):
    client.force_login(commissioner)

    page = client.get("/commissioning/").content.decode()

    assert "Uptake report" in page
    assert "Illustrative" in page
    assert 'class="app-chart" src="data:image/svg+xml;base64,' in page
    assert "Counts from 1 to 5 are shown as <strong>c</strong>" in page
    assert "Download the report as CSV" in page


def test_staff_see_their_teams_figures_marked_not_for_publication(client, plan, manager):
    client.force_login(manager)

    page = client.get("/commissioning/?granularity=month&breakdown=team").content.decode()

    assert "These figures are not suppressed" in page
    assert "Apr 2026" in page


def test_a_bad_period_on_the_page_is_a_400_with_the_error(client, plan, commissioner):
    client.force_login(commissioner)

    response = client.get("/commissioning/?period=2026-28")

    assert response.status_code == 400
    assert "Give a financial year like 2026-27." in response.content.decode()


@pytest.mark.parametrize("role", [Role.FAMILY, Role.PROVIDER])
def test_families_and_providers_cannot_open_the_report_or_the_plan(client, plan, role):
    client.force_login(UserFactory(role=role))

    assert client.get("/commissioning/").status_code == 403
    assert client.get(f"/commissioning/plans/{plan.pk}/").status_code == 403


def test_commissioner_sets_a_target_which_is_no_longer_illustrative(client, plan, commissioner):
    client.force_login(commissioner)
    measure = Measure.objects.get(metric="direct_payments_active")
    url = f"/commissioning/measures/{measure.pk}/targets/2026-27/"

    refused = client.post(url, {"value": "lots", "direction": "at_least"})
    saved = client.post(url, {"value": "9", "direction": "at_least", "baseline": "2"})

    assert refused.status_code == 400
    assert "Enter a number, like 40 or 72.5." in refused.content.decode()
    assert saved.status_code == 302
    target = Target.objects.get(measure=measure, period="2026-27")
    assert (target.value, target.illustrative) == (9, False)


def test_commissioner_records_progress_on_an_action(client, plan, commissioner):
    client.force_login(commissioner)
    action = Action.objects.get(number=20)

    empty = client.post(f"/commissioning/actions/{action.pk}/update/", {"status": "done"})
    saved = client.post(
        f"/commissioning/actions/{action.pk}/update/",
        {"status": "done", "note": "Agreed at the joint board."},
    )

    assert empty.status_code == 400
    assert "Write what has happened." in empty.content.decode()
    assert saved.status_code == 302
    plan_page = client.get(saved.url).content.decode()
    assert "Agreed at the joint board." in plan_page


def test_managers_read_the_plan_but_cannot_change_it(client, plan, manager):
    client.force_login(manager)
    action = Action.objects.get(number=20)
    measure = Measure.objects.get(metric="direct_payments_active")

    assert client.get(f"/commissioning/plans/{plan.pk}/").status_code == 200
    assert client.get(f"/commissioning/actions/{action.pk}/update/").status_code == 403
    assert client.get(f"/commissioning/measures/{measure.pk}/targets/2026-27/").status_code == 403


def test_a_parent_gives_feedback_on_their_childs_support(client, family):
    parent, child = family
    client.force_login(parent)

    missing = client.post("/feedback/", {"child": child.pk})
    saved = client.post("/feedback/", {"child": child.pk, "rating": "4", "comment": "Helpful."})

    assert missing.status_code == 400
    assert "Choose a rating from 1 to 5." in missing.content.decode()
    assert saved.status_code == 302
    feedback = Feedback.objects.get()
    assert (feedback.child, feedback.rating, feedback.team) == (child, 4, child.team)


def test_a_parent_cannot_give_feedback_about_another_familys_child(family, team):
    parent, _ = family
    other = ChildFactory(team=team)
    client = APIClient()
    client.force_authenticate(parent)

    response = client.post(
        "/api/v1/commissioning/feedback/", {"child": other.pk, "rating": 5}, format="json"
    )
    bad = client.post("/api/v1/commissioning/feedback/", {"rating": 9}, format="json")

    assert response.status_code == 404
    assert bad.status_code == 400
    assert set(bad.json()["fields"]) == {"child", "rating"}
    assert not Feedback.objects.exists()


def test_metrics_api_lists_each_metric_with_its_definition(plan, manager):
    client = APIClient()
    client.force_authenticate(manager)

    metrics = client.get("/api/v1/commissioning/metrics/").json()

    keys = {metric["key"] for metric in metrics}
    assert "ehc_within_20_weeks_pct" in keys
    assert all(metric["definition"] for metric in metrics)
