"""No input is a 500 (issue #15 item 9): a reserved name in a transition body, report periods in
the years 1 to 5 or 9999, dates outside 1900 to five years ahead, bidirectional controls in any
text and line breaks in a name are each a 400 naming the field — in the API and in forms alike."""

from __future__ import annotations

import datetime as dt
import html

import pytest
import time_machine
from rest_framework.test import APIClient

from accounts.roles import Role
from budgets.periods import parse
from casework.models import Case, CaseStatus, Child, FamilyMember
from commissioning.services import plan_load
from shortbreaks.services import MAX_PACKAGE_UNITS, package_request
from tests.factories import (
    ActiveBudgetFactory,
    ChildFactory,
    ReferredCaseFactory,
    ServiceFactory,
    UserFactory,
)
from workflows import bounds
from workflows.errors import InvalidParams
from workflows.models import TransitionLog

D = dt.date
RLO = "\u202e"  # RIGHT-TO-LEFT OVERRIDE
BIDI = ["\u202a", "\u202b", "\u202c", "\u202d", "\u202e", "\u2066", "\u2067", "\u2068", "\u2069"]
pytestmark = pytest.mark.django_db

CHILD = {
    "given_name": "Ruby",
    "family_name": "Shah",
    "date_of_birth": "2018-02-03",
    "primary_need": "ASD",
}


@pytest.fixture(autouse=True)
def today():
    with time_machine.travel(dt.datetime(2026, 12, 14, 9, tzinfo=dt.UTC), tick=False):
        yield


def api(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def fields_of_400(response) -> dict:
    assert response.status_code == 400, response.content
    body = response.json()
    assert body["code"] in {"invalid", "invalid_params"}
    return body["fields"]


@pytest.fixture
def case(practitioner, team):
    return ReferredCaseFactory(
        child__team=team,
        practitioner=practitioner,
        received_on=D(2026, 12, 1),
        reason="Needs support at home",
    )


def transition_url(case, name="accept_referral") -> str:
    return f"/api/v1/cases/{case.pk}/transitions/{name}/"


# A reserved name in a transition body ---------------------------------------------------


def test_a_transition_body_naming_by_is_a_400_on_that_field_and_the_case_stays_put(
    practitioner, manager, case
):
    response = api(practitioner).post(transition_url(case), {"by": manager.pk}, format="json")

    assert "by" in fields_of_400(response)
    assert Case.objects.get(pk=case.pk).status == CaseStatus.REFERRED
    assert not TransitionLog.objects.filter(transition="accept_referral").exists()


@pytest.mark.parametrize("key", ["obj", "name", "self", "fsm_transition"])
def test_a_transition_body_naming_an_engine_argument_is_a_400(practitioner, case, key):
    response = api(practitioner).post(transition_url(case), {key: 1}, format="json")

    assert fields_of_400(response)[key] == ["This step does not take this field."]
    assert Case.objects.get(pk=case.pk).status == CaseStatus.REFERRED


# Report periods ---------------------------------------------------------------------------


@pytest.mark.parametrize("period", ["0001-02", "0004-05", "0005-06", "1899-00", "9999-00"])
def test_an_uptake_report_period_outside_the_bounds_is_a_400(period):
    commissioner = UserFactory(role=Role.COMMISSIONER)
    plan = plan_load(slug="medway-2011")[0]

    for fmt in ("json", "csv", "xlsx"):
        response = api(commissioner).get(
            "/api/v1/commissioning/reports/uptake/",
            {"plan": plan.pk, "period": period, "format": fmt},
        )
        assert "period" in fields_of_400(response)


@pytest.mark.parametrize("period", ["0001-02", "9999-00"])
def test_an_uptake_report_page_for_a_period_outside_the_bounds_is_a_400_page(client, period):
    commissioner = UserFactory(role=Role.COMMISSIONER)
    plan_load(slug="medway-2011")
    client.force_login(commissioner)

    assert client.get("/commissioning/", {"period": period}).status_code == 400


@pytest.mark.parametrize("period", ["0001-02", "9999-00"])
def test_a_statement_period_outside_the_bounds_is_a_400(practitioner, team, period):
    budget = ActiveBudgetFactory(child__team=team, start_on=D(2026, 4, 1))

    for path in ("statement/", "statement.csv", "statement.pdf"):
        response = api(practitioner).get(f"/api/v1/budgets/{budget.pk}/{path}", {"period": period})
        assert "period" in fields_of_400(response)


def test_financial_years_from_1900_to_five_years_ahead_are_accepted():
    assert parse("1900-01") == D(1900, 4, 1)
    assert parse("2031-32") == D(2031, 4, 1)
    with pytest.raises(ValueError, match="from 1900-01 to 2031-32"):
        parse("2032-33")


# Dates ------------------------------------------------------------------------------------


def test_the_bounds_run_from_1900_to_five_years_after_today():
    assert D(1900, 1, 1) == bounds.EARLIEST
    assert bounds.latest() == D(2031, 12, 14)
    assert bounds.date_out_of_bounds(D(1900, 1, 1)) is None
    assert bounds.date_out_of_bounds(D(2031, 12, 14)) is None
    assert bounds.date_out_of_bounds(D(1899, 12, 31))
    assert bounds.date_out_of_bounds(D(2031, 12, 15))


@pytest.mark.parametrize("date_of_birth", ["0001-01-01", "0005-06-07", "1899-12-31"])
def test_a_date_of_birth_before_1900_is_a_400(practitioner, date_of_birth):
    response = api(practitioner).post(
        "/api/v1/children/", CHILD | {"date_of_birth": date_of_birth}, format="json"
    )

    assert fields_of_400(response)["date_of_birth"] == [
        "Enter a date between 1 January 1900 and 14 December 2031."
    ]
    assert not Child.objects.exists()


@pytest.mark.parametrize("on", ["0001-01-01", "1899-12-31"])
def test_a_transition_dated_before_1900_is_a_400_saying_the_bounds(practitioner, case, on):
    response = api(practitioner).post(transition_url(case), {"on": on}, format="json")

    assert fields_of_400(response)["on"] == [
        "Enter a date between 1 January 1900 and 14 December 2031."
    ]
    assert Case.objects.get(pk=case.pk).status == CaseStatus.REFERRED


def test_a_transition_dated_9999_is_a_400_and_a_future_date_inside_the_bounds_still_is(
    practitioner, case
):
    far = api(practitioner).post(transition_url(case), {"on": "9999-12-31"}, format="json")
    soon = api(practitioner).post(transition_url(case), {"on": "2027-01-04"}, format="json")

    assert fields_of_400(far)["on"] == [
        "Enter a date between 1 January 1900 and 14 December 2031."
    ]
    assert fields_of_400(soon)["on"] == ["The date cannot be in the future."]


def test_a_package_date_past_the_bounds_is_a_400(manager, team):
    child = ChildFactory(team=team)
    service = ServiceFactory()
    response = api(manager).post(
        "/api/v1/shortbreaks/packages/",
        {
            "child": child.pk,
            "service": service.pk,
            "units": 10,
            "start_on": "2027-01-01",
            "end_on": "9999-12-31",
        },
        format="json",
    )

    assert "end_on" in fields_of_400(response)


def test_a_package_of_more_units_than_a_package_can_hold_is_refused(manager, team):
    with pytest.raises(InvalidParams) as refused:
        package_request(
            by=manager,
            child=ChildFactory(team=team),
            service=ServiceFactory(),
            units=MAX_PACKAGE_UNITS + 1,
            start_on=D(2027, 1, 1),
            end_on=D(2027, 3, 31),
        )

    assert "units" in refused.value.fields


# Bidirectional controls and line breaks in the API -----------------------------------------


@pytest.mark.parametrize("control", BIDI)
def test_a_bidirectional_control_in_a_name_is_a_400_and_creates_nothing(practitioner, control):
    response = api(practitioner).post(
        "/api/v1/children/", CHILD | {"family_name": f"Shah{control}gpj.exe"}, format="json"
    )

    assert "bidirectional" in fields_of_400(response)["family_name"][0]
    assert not Child.objects.exists()


def test_a_bidirectional_control_in_a_transition_note_is_a_400(practitioner, case):
    response = api(practitioner).post(
        transition_url(case), {"note": f"Agreed {RLO}with the family"}, format="json"
    )

    assert "note" in fields_of_400(response)
    assert Case.objects.get(pk=case.pk).status == CaseStatus.REFERRED


def test_a_bidirectional_control_in_a_query_is_a_400(practitioner):
    response = api(practitioner).get("/api/v1/children/", {"search": f"Ruby{RLO}"})

    assert response.status_code == 400


@pytest.mark.parametrize(
    "name", ["Ruby\r\nContent-Type: text/html", "Ru\nby", "Ru\rby", "Ru\u2028by"]
)
def test_a_line_break_in_a_childs_name_is_a_400(practitioner, name):
    response = api(practitioner).post(
        "/api/v1/children/", CHILD | {"given_name": name}, format="json"
    )

    assert fields_of_400(response)["given_name"] == [
        "Enter this on one line: it cannot contain a line break."
    ]
    assert not Child.objects.exists()


def test_a_line_break_in_a_family_members_name_or_relationship_is_a_400(practitioner, team):
    child = ChildFactory(team=team)
    url = f"/api/v1/children/{child.pk}/family-members/"

    for field in ("name", "relationship"):
        body = {"name": "Amira Shah", "relationship": "Mother"} | {field: "Amira\nShah"}
        assert field in fields_of_400(api(practitioner).post(url, body, format="json"))
    assert not FamilyMember.objects.exists()


def test_an_address_keeps_its_line_breaks(practitioner, team):
    child = ChildFactory(team=team)
    response = api(practitioner).post(
        f"/api/v1/children/{child.pk}/family-members/",
        {"name": "Amira Shah", "relationship": "Mother", "address": "1 High St\nMedway"},
        format="json",
    )

    assert response.status_code == 201, response.content
    assert FamilyMember.objects.get().address == "1 High St\nMedway"


def test_names_written_right_to_left_need_no_controls_and_are_kept(practitioner):
    response = api(practitioner).post(
        "/api/v1/children/", CHILD | {"given_name": "مريم", "family_name": "כהן"}, format="json"
    )

    assert response.status_code == 201
    assert Child.objects.get().given_name == "مريم"


# Forms ------------------------------------------------------------------------------------

REFERRAL = {
    "given_name": "Ruby",
    "family_name": "Shah",
    "date_of_birth_0": "4",
    "date_of_birth_1": "3",
    "date_of_birth_2": "2017",
    "primary_need": "ASD",
    "received_on_0": "9",
    "received_on_1": "12",
    "received_on_2": "2026",
    "source": "school",
    "reason": "Not coping at school",
    "consent_to_share": "on",
}


def referral_form(client, user, **changes) -> str:
    client.force_login(user)
    response = client.post("/referrals/new/", REFERRAL | changes)
    assert response.status_code == 400
    assert not Child.objects.exists()
    return html.unescape(response.content.decode())


def test_the_referral_form_accepts_the_plain_referral(client, practitioner):
    client.force_login(practitioner)

    assert client.post("/referrals/new/", REFERRAL).status_code == 302


@pytest.mark.parametrize("field", ["given_name", "family_name", "consent_given_by"])
def test_a_line_break_in_a_name_on_a_form_is_a_field_error(client, practitioner, field):
    page = referral_form(client, practitioner, **{field: "Ruby\r\nShah"})

    assert "Enter this on one line: it cannot contain a line break." in page


def test_a_line_break_in_a_forms_text_area_is_kept(client, practitioner):
    client.force_login(practitioner)

    response = client.post("/referrals/new/", REFERRAL | {"reason": "Not coping.\r\nAt home too."})

    assert response.status_code == 302
    assert Case.objects.get().referral.reason == "Not coping.\r\nAt home too."


@pytest.mark.parametrize("field", ["given_name", "reason"])
def test_a_bidirectional_control_on_a_form_is_a_field_error(client, practitioner, field):
    page = referral_form(client, practitioner, **{field: f"Ruby{RLO}"})

    assert "Remove the bidirectional control character U+202E" in page


@pytest.mark.parametrize(
    ("field", "value"),
    [("date_of_birth", "0001-01-01"), ("date_of_birth", "1899-12-31")],
)
def test_a_date_outside_the_bounds_on_a_form_is_a_field_error(client, practitioner, field, value):
    year, month, day = value.split("-")
    boxes = {f"{field}_0": day, f"{field}_1": month, f"{field}_2": year}
    page = referral_form(client, practitioner, **boxes)

    assert "Enter a date between 1 January 1900 and 14 December 2031." in page


def test_a_step_dated_before_1900_on_its_form_is_a_field_error(client, practitioner, case):
    client.force_login(practitioner)

    response = client.post(
        f"/cases/{case.pk}/steps/accept_referral/", {"on_0": "1", "on_1": "1", "on_2": "1"}
    )

    assert response.status_code == 400
    assert "Enter a date between 1 January 1900" in html.unescape(response.content.decode())
    assert Case.objects.get(pk=case.pk).status == CaseStatus.REFERRED


# Money ------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["date_after", "date_before"])
def test_a_session_filter_date_outside_the_bounds_is_a_400(practitioner, name):
    response = api(practitioner).get("/api/v1/shortbreaks/sessions/", {name: "0001-01-01"})

    assert fields_of_400(response)[name] == [
        "Enter a date between 1 January 1900 and 14 December 2031."
    ]
