"""The budgets API, the statement in JSON, CSV and PDF, access, and the budget pages."""

from __future__ import annotations

import csv
import datetime as dt
import io
from decimal import Decimal

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from pypdf import PdfReader
from rest_framework.test import APIClient

from accounts.roles import Role
from budgets import services
from budgets.demo import ANSWERS, default_scheme
from budgets.models import EntryKind, PersonalBudget
from tests.factories import (
    ActiveBudgetFactory,
    ChildFactory,
    FamilyMemberFactory,
    UserFactory,
    staff,
)

D = dt.date


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(dt.datetime(2026, 11, 24, 10, tzinfo=dt.UTC), tick=False):
        yield


def api(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


@pytest.fixture
def family(team):
    child = ChildFactory(team=team, given_name="Amelia", family_name="Collins")
    parent = UserFactory(role=Role.FAMILY)
    FamilyMemberFactory(child=child, name="Sarah", relationship="mother", user=parent)
    budget = ActiveBudgetFactory(child=child, amount="1200.00")
    practitioner = staff(Role.PRACTITIONER, team)
    services.ledger_post(
        by=practitioner,
        budget=budget,
        kind=EntryKind.PAYMENT,
        amount="85.00",
        entry_on=D(2026, 5, 9),
        description="Saturday club",
    )
    services.ledger_post(
        by=practitioner,
        budget=budget,
        kind=EntryKind.PAYMENT,
        amount="200.00",
        entry_on=D(2026, 6, 1),
        description="Direct payment",
        category="direct_payment",
    )
    services.ledger_post(
        by=practitioner,
        budget=budget,
        kind=EntryKind.COMMITMENT,
        amount="60.00",
        description="Half-term scheme",
    )
    return {"child": child, "parent": parent, "budget": budget, "practitioner": practitioner}


def test_statement_json_has_the_figures_as_decimal_strings(family):
    response = api(family["parent"]).get(
        f"/api/v1/budgets/{family['budget'].pk}/statement/?period=2026-27"
    )

    assert response.status_code == 200
    body = response.json()
    assert (body["allocated"], body["spent"], body["committed"], body["available"]) == (
        "1200.00",
        "285.00",
        "60.00",
        "855.00",
    )
    assert body["by_category"] == [
        {"category": "direct_payment", "label": "Direct payment instalments", "spent": "200.00"},
        {"category": "other", "label": "Other support", "spent": "85.00"},
    ]
    assert [entry["amount"] for entry in body["entries"]] == [
        "1200.00",
        "85.00",
        "200.00",
        "60.00",
    ]
    # £285 over 238 of 365 days → £437.08 by 31 March; £762.92 left.
    assert (body["projected_spend"], body["projected_year_end"]) == ("437.08", "762.92")


def test_statement_for_another_period_or_a_bad_period_is_a_400(family):
    client = api(family["parent"])
    url = f"/api/v1/budgets/{family['budget'].pk}/statement/"

    assert client.get(url + "?period=2025-26").json()["fields"] == {
        "period": ["This budget is for 2026-27."]
    }
    assert client.get(url + "?period=twenty").status_code == 400


def test_statement_csv_download(family):
    response = api(family["parent"]).get(f"/api/v1/budgets/{family['budget'].pk}/statement.csv")

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert "budget-statement-Amelia-Collins-2026-27.csv" in response["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert ["Available", "855.00"] in rows
    line = ["2026-05-09", "Saturday club", "Payment", "Other support", "-85.00", "1115.00", "0.00"]
    assert line in rows


def test_statement_pdf_opens_and_contains_the_figures(family):
    response = api(family["parent"]).get(f"/api/v1/budgets/{family['budget'].pk}/statement.pdf")

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    reader = PdfReader(io.BytesIO(response.content))
    text = " ".join(page.extract_text() for page in reader.pages)
    for expected in (
        "Medway Council",
        "Amelia Collins",
        "2026-27",
        "£1,200.00",
        "£285.00",
        "£855.00",
        "Saturday club",
    ):
        assert expected in text
    assert reader.pages[0].mediabox.width == pytest.approx(595.28, abs=1)  # A4


def test_statement_query_count_does_not_grow_with_entries(family):
    client = api(family["parent"])
    url = f"/api/v1/budgets/{family['budget'].pk}/statement/"
    client.get(url)
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    for day in range(1, 29):
        services.ledger_post(
            by=family["practitioner"],
            budget=family["budget"],
            kind=EntryKind.PAYMENT,
            amount="1.00",
            entry_on=D(2026, 7, day),
        )
    with CaptureQueriesContext(connection) as many:
        client.get(url)

    assert len(few) == len(many) <= 15


@pytest.mark.parametrize("suffix", ["statement/", "statement.csv", "statement.pdf"])
def test_another_familys_statement_answers_404(family, suffix):
    stranger = UserFactory(role=Role.FAMILY)
    FamilyMemberFactory(name="X", relationship="father", user=stranger)

    response = api(stranger).get(f"/api/v1/budgets/{family['budget'].pk}/{suffix}")

    assert response.status_code == 404


def test_families_do_not_get_the_raw_ledger(family):
    response = api(family["parent"]).get(f"/api/v1/budgets/{family['budget'].pk}/ledger/")

    assert response.status_code == 403


def test_ledger_lists_and_posts_entries_with_role_rules(family, team):
    url = f"/api/v1/budgets/{family['budget'].pk}/ledger/"
    practitioner, manager = family["practitioner"], staff(Role.TEAM_MANAGER, team)

    listed = api(practitioner).get(url).json()
    posted = api(manager).post(
        url, {"kind": "adjustment_up", "amount": "50.00", "reason": "Review"}, format="json"
    )
    refused = api(practitioner).post(
        url, {"kind": "adjustment_up", "amount": "50.00", "reason": "x"}, format="json"
    )

    assert listed["count"] == 4
    assert posted.status_code == 201
    assert posted.json()["amount"] == "50.00"
    assert refused.status_code == 403


@pytest.mark.parametrize(
    ("amount", "message"),
    [
        ("0.00", "more than £0"),
        ("-1", "more than £0"),
        ("1.234", "2 decimal places"),
        ("ten", "like 125.50"),
        (12.5, "as a string"),
    ],
)
def test_bad_money_answers_400_naming_the_field(family, team, amount, message):
    response = api(staff(Role.TEAM_MANAGER, team)).post(
        f"/api/v1/budgets/{family['budget'].pk}/ledger/",
        {"kind": "adjustment_down", "amount": amount, "reason": "Review"},
        format="json",
    )

    assert response.status_code == 400
    assert message in response.json()["fields"]["amount"][0]


def test_overdrawing_answers_409_budget_exceeded_with_the_available_amount(family, team):
    response = api(staff(Role.TEAM_MANAGER, team)).post(
        f"/api/v1/budgets/{family['budget'].pk}/ledger/",
        {"kind": "adjustment_down", "amount": "900.00", "reason": "Review"},
        format="json",
    )

    assert response.status_code == 409
    assert response.json()["code"] == "budget_exceeded"
    assert response.json()["available"] == "855.00"


def test_scoring_endpoint_returns_the_working_without_saving(practitioner):
    scheme = default_scheme()

    response = api(practitioner).post(
        f"/api/v1/allocation-schemes/{scheme.pk}/score/",
        {"answers": ANSWERS, "start_on": "2026-10-01"},
        format="json",
    )

    assert response.status_code == 200
    body = response.json()
    assert body["total_points"] == 36
    assert body["annual_amount"] == "5400.00"
    assert body["indicative_amount"] == "2692.60"
    assert next(line["key"] for line in body["lines"]) == "personal_care"
    assert not PersonalBudget.objects.exists()


def test_scoring_with_a_bad_answer_is_a_400(practitioner):
    response = api(practitioner).post(
        f"/api/v1/allocation-schemes/{default_scheme().pk}/score/",
        {"answers": ANSWERS | {"personal_care": 9}},
        format="json",
    )

    assert response.status_code == 400
    assert "personal_care" in response.json()["fields"]["answers"][0]


def test_budget_through_the_api_from_request_to_approval(team, practitioner, manager):
    child = ChildFactory(team=team)
    client = api(practitioner)
    created = client.post(
        "/api/v1/budgets/", {"child": child.pk, "start_on": "2026-10-01"}, format="json"
    )
    budget_id = created.json()["id"]
    scored = client.post(
        f"/api/v1/budgets/{budget_id}/score/",
        {"scheme": default_scheme().pk, "answers": ANSWERS},
        format="json",
    )
    planned = client.patch(
        f"/api/v1/budgets/{budget_id}/",
        {
            "support_plan": "Breaks",
            "agreed_amount": "2692.60",
            "notional_amount": "2692.60",
            "social_care_amount": "2692.60",
        },
        format="json",
    )
    submitted = client.post(f"/api/v1/budgets/{budget_id}/transitions/submit/", {}, format="json")
    own = client.post(f"/api/v1/budgets/{budget_id}/transitions/approve/", {}, format="json")
    approved = api(manager).post(
        f"/api/v1/budgets/{budget_id}/transitions/approve/", {}, format="json"
    )

    assert created.status_code == 201
    assert created.json()["period"] == "2026-27"
    assert scored.json()["status"] == "indicative"
    assert scored.json()["indicative_amount"] == "2692.60"
    assert planned.status_code == 200
    assert submitted.json()["status"] == "awaiting_approval"
    assert own.status_code == 403
    assert approved.json()["status"] == "active"


def test_patching_splits_that_do_not_add_up_is_a_400(team, practitioner):
    budget = services.budget_request(
        by=practitioner, child=ChildFactory(team=team), start_on=D(2026, 5, 1)
    )

    response = api(practitioner).patch(
        f"/api/v1/budgets/{budget.pk}/",
        {"agreed_amount": "100.00", "notional_amount": "90.00", "social_care_amount": "100.00"},
        format="json",
    )

    assert response.status_code == 400
    assert "direct_payment_amount" in response.json()["fields"]


def test_family_statement_page_and_panel_queue(client, family, team):
    client.force_login(family["parent"])
    page = client.get(f"/budgets/{family['budget'].pk}/statement/").content.decode()
    child_page = client.get("/my-child/").content.decode()

    assert "£855.00" in page
    assert "Left to spend" in page
    assert "Download the statement as a PDF" in page
    assert "£855.00 is left to spend of £1,200.00" in child_page

    manager = staff(Role.TEAM_MANAGER, team)
    waiting = services.budget_request(
        by=family["practitioner"], child=ChildFactory(team=team), start_on=D(2026, 9, 1)
    )
    PersonalBudget.objects.filter(pk=waiting.pk).update(status="awaiting_approval")
    client.force_login(manager)
    queue = client.get("/budgets/panel/").content.decode()
    # Forced into the queue without a support plan: listed, approving shown with why not.
    assert f"/budgets/{waiting.pk}/steps/return_for_changes/" in queue
    assert f"/budgets/{waiting.pk}/steps/approve/" not in queue
    assert f"/budgets/{family['budget'].pk}/steps/" not in queue


def test_case_page_shows_the_budget_panel(client, family):
    from casework.models import Case

    case = Case.objects.create(
        child=family["child"], team=family["child"].team, opened_on=D(2026, 1, 5)
    )
    client.force_login(family["practitioner"])

    page = client.get(f"/cases/{case.pk}/").content.decode()

    assert "Personal budget" in page
    assert f"/budgets/{family['budget'].pk}/" in page
    assert "£855.00" in page


def test_budget_page_shows_the_working(client, family):
    client.force_login(family["practitioner"])

    page = client.get(f"/budgets/{family['budget'].pk}/").content.decode()

    assert "36 points × £150.00 a point = £5,400.00 a year." in page
    assert "Indicative budget" in page


def test_score_and_plan_pages_take_a_budget_to_submission(client, team, practitioner):
    default_scheme()
    budget = services.budget_request(
        by=practitioner, child=ChildFactory(team=team), start_on=D(2026, 10, 1)
    )
    client.force_login(practitioner)
    assert "Personal care" in client.get(f"/budgets/{budget.pk}/score/").content.decode()

    scored = client.post(f"/budgets/{budget.pk}/score/", ANSWERS)
    missing = client.post(f"/budgets/{budget.pk}/plan/", {"agreed_amount": "1.234"})
    planned = client.post(
        f"/budgets/{budget.pk}/plan/",
        {
            "support_plan": "Breaks",
            "agreed_amount": "2692.60",
            "direct_payment_amount": "0",
            "notional_amount": "2692.60",
            "third_party_amount": "0",
            "social_care_amount": "2692.60",
            "education_amount": "0",
            "health_amount": "0",
            "direct_payment_frequency": "monthly",
        },
    )
    page = client.get(f"/budgets/{budget.pk}/").content.decode()

    assert scored.status_code == 302
    assert missing.status_code == 400
    assert "at most 2 decimal places" in missing.content.decode()
    assert planned.status_code == 302
    assert "Submit for approval" in page
    assert PersonalBudget.objects.get(pk=budget.pk).indicative_amount == Decimal("2692.60")


def test_entry_page_refuses_an_overdraft_with_the_available_amount(client, family):
    client.force_login(family["practitioner"])

    response = client.post(
        f"/budgets/{family['budget'].pk}/entries/new/",
        {
            "kind": "payment",
            "amount": "5000.00",
            "entry_on_0": "20",
            "entry_on_1": "11",
            "entry_on_2": "2026",
            "description": "Too much",
        },
    )

    assert response.status_code == 409
    assert "only £855.00 is available" in response.content.decode()
