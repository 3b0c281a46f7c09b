"""Bad input of every kind a client can send gets a clear 400 that says what to change, and
changes nothing (issue #10 item 5; schemathesis covers the same ground at random)."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.test import Client
from django.utils import timezone
from rest_framework.test import APIClient

from budgets.demo import default_scheme
from budgets.models import AllocationScheme, PersonalBudget
from casework.models import Case, Child
from tests.factories import ChildFactory, ReferredCaseFactory
from workflows.models import TransitionLog

D = dt.date
CHILD = {
    "given_name": "Ruby",
    "family_name": "Shah",
    "date_of_birth": "2018-02-03",
    "primary_need": "ASD",
}


def api(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def raw_post(user, path: str, body: bytes | str, content_type: str = "application/json"):
    return api(user).generic("POST", path, body, content_type=content_type)


def assert_clear_400(response, code: str) -> dict:
    assert response.status_code == 400
    assert response["Content-Type"] == "application/json"
    body = response.json()
    assert body["code"] == code
    assert body["detail"].endswith(".")
    return body


@pytest.fixture
def case(practitioner, team):
    """A case with its referral, as `accept_referral` needs."""
    return ReferredCaseFactory(
        child__team=team,
        practitioner=practitioner,
        received_on=D(2026, 9, 1),
        reason="Needs support at home",
    )


def test_a_body_over_the_size_limit_is_a_clear_400_and_creates_nothing(practitioner, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 10_000
    body = json.dumps(CHILD | {"given_name": "R" * 20_000})

    response = raw_post(practitioner, "/api/v1/children/", body)

    assert "at most 9 KB" in assert_clear_400(response, "too_large")["detail"]
    assert not Child.objects.exists()


def test_a_body_nested_too_deeply_is_a_clear_400(practitioner):
    response = raw_post(practitioner, "/api/v1/children/", "[" * 200_000 + "]" * 200_000)

    assert assert_clear_400(response, "parse_error")["detail"] == "The JSON is nested too deeply."


@pytest.mark.parametrize(
    "body",
    ["{not json", '{"given_name": "Ruby",}', "", '{"a": NaN}', "\xff\xfe".encode("latin-1")],
)
def test_a_body_that_is_not_json_is_a_clear_400(practitioner, body):
    response = raw_post(practitioner, "/api/v1/children/", body or "   ")

    assert_clear_400(response, "parse_error")
    assert not Child.objects.exists()


@pytest.mark.parametrize(
    ("body", "content_type"),
    [
        ("given_name=Ruby&family_name=Shah", "application/x-www-form-urlencoded"),
        ("given_name=Ruby", "text/plain"),
        ("<child><given_name>Ruby</given_name></child>", "application/xml"),
        (json.dumps(CHILD), "text/json"),
    ],
)
def test_a_body_in_another_format_is_a_clear_400_that_asks_for_json(
    practitioner, body, content_type
):
    response = raw_post(practitioner, "/api/v1/children/", body, content_type)

    detail = assert_clear_400(response, "unsupported_media_type")["detail"]
    assert "Content-Type: application/json" in detail
    assert not Child.objects.exists()


@pytest.mark.parametrize(
    "date_of_birth", ["2018-02-30", "2018-13-01", "03/02/2018", "yesterday", 20180203, [], None]
)
def test_a_malformed_date_is_a_clear_400_naming_the_field(practitioner, date_of_birth):
    response = api(practitioner).post(
        "/api/v1/children/", CHILD | {"date_of_birth": date_of_birth}, format="json"
    )

    assert list(assert_clear_400(response, "invalid")["fields"]) == ["date_of_birth"]
    assert not Child.objects.exists()


@pytest.mark.parametrize("on", ["2026-02-30", "not a date", 20260901, ["2026-09-01"], {"y": 1}])
def test_a_malformed_transition_date_is_a_clear_400_and_the_case_stays_put(practitioner, case, on):
    response = api(practitioner).post(
        f"/api/v1/cases/{case.pk}/transitions/accept_referral/", {"on": on}, format="json"
    )

    assert "on" in assert_clear_400(response, "invalid")["fields"]
    case.refresh_from_db()
    assert case.status == "referred"
    assert not TransitionLog.objects.filter(transition="accept_referral").exists()


@pytest.mark.parametrize(
    "amount",
    [12.5, 100, "12.345", "£12.00", "12,00", "1e3", "NaN", "Infinity", "", True, [], "1" * 13],
)
def test_malformed_money_is_a_clear_400_and_the_budget_is_unchanged(practitioner, team, amount):
    child = ChildFactory(team=team)
    client = api(practitioner)
    budget_id = client.post(
        "/api/v1/budgets/", {"child": child.pk, "start_on": "2026-10-01"}, format="json"
    ).json()["id"]

    response = client.patch(
        f"/api/v1/budgets/{budget_id}/", {"agreed_amount": amount}, format="json"
    )

    assert list(assert_clear_400(response, "invalid")["fields"]) == ["agreed_amount"]
    assert PersonalBudget.objects.get(pk=budget_id).agreed_amount is None


@pytest.mark.parametrize(
    ("given_name", "family_name"),
    [
        ("Siân", "Ó Súilleabháin"),
        ("Zoë-Ann", "D'Arcy"),
        ("小龍", "李"),
        ("Mariana", "Nuñez Łukasiewicz"),
        ("Amira", "العلي"),
    ],
)
def test_names_in_any_language_are_kept_exactly(practitioner, given_name, family_name):
    response = api(practitioner).post(
        "/api/v1/children/",
        CHILD | {"given_name": given_name, "family_name": family_name},
        format="json",
    )

    assert response.status_code == 201
    child = Child.objects.get(pk=response.json()["id"])
    assert (child.given_name, child.family_name) == (given_name, family_name)


@pytest.mark.parametrize(
    "escaped",
    [r"Ruby\u0000", r"Ru\u0007by", r"\u001b[31mRuby", r"Ruby\u0085", r"Ruby\ud800", r"Ru\u007fby"],
)
def test_control_characters_in_a_name_are_a_clear_400_and_create_nothing(practitioner, escaped):
    body = json.dumps(CHILD).replace('"Ruby"', f'"{escaped}"')

    response = raw_post(practitioner, "/api/v1/children/", body)

    fields = assert_clear_400(response, "invalid")["fields"]
    assert list(fields) == ["given_name"]
    assert "control character U+" in fields["given_name"][0]
    assert not Child.objects.exists()


def test_a_control_character_in_a_field_name_is_refused_without_echoing_it(practitioner):
    body = json.dumps(CHILD)[:-1] + r', "x\u0000\ud800": 1}'

    response = raw_post(practitioner, "/api/v1/children/", body)

    assert list(assert_clear_400(response, "invalid")["fields"]) == [
        "x" + "\N{REPLACEMENT CHARACTER}" * 2
    ]


def test_a_nul_in_a_transition_note_is_a_400_and_the_case_stays_put(practitioner, case):
    """Found by the state-machine tests on PostgreSQL, which refuses NUL in text (was a 500)."""
    response = api(practitioner).post(
        f"/api/v1/cases/{case.pk}/transitions/accept_referral/", {"note": "\x00"}, format="json"
    )

    assert "note" in assert_clear_400(response, "invalid")["fields"]
    assert Case.objects.get(pk=case.pk).status == "referred"


def test_tabs_and_new_lines_in_a_note_are_kept(practitioner, case):
    note = "Spoke to mum.\r\n\tShe agreed to the referral."

    response = api(practitioner).post(
        f"/api/v1/cases/{case.pk}/transitions/accept_referral/", {"note": note}, format="json"
    )

    assert response.status_code == 200
    assert TransitionLog.objects.get(transition="accept_referral").note == note


def test_a_control_character_in_an_api_query_is_a_clear_400(practitioner):
    response = api(practitioner).get("/api/v1/children/?name=%00")

    assert "control character U+0000" in assert_clear_400(response, "bad_request")["detail"]


def test_a_control_character_in_a_page_query_is_a_400_page(practitioner):
    client = Client()
    client.force_login(practitioner)

    response = client.get("/caseload/?status=%1b")

    assert response.status_code == 400
    assert "control character U+001B" in response.content.decode()
    assert "govuk-heading-l" in response.content.decode()


def test_a_form_post_over_the_size_limit_is_a_400_page(practitioner, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 10_000
    client = Client()
    client.force_login(practitioner)

    response = client.post("/referrals/new/", {"reason": "x" * 20_000})

    assert response.status_code == 400
    assert "too large" in response.content.decode()


def test_a_scheme_version_whose_floor_passes_the_kept_ceiling_is_a_400(manager):
    """Found by schemathesis: the floor alone was checked against the table's constraint."""
    scheme = default_scheme()

    response = api(manager).post(
        f"/api/v1/allocation-schemes/{scheme.pk}/versions/",
        {"floor": str(scheme.ceiling + 1)},
        format="json",
    )

    assert "ceiling" in assert_clear_400(response, "invalid")["fields"]
    assert AllocationScheme.objects.filter(name=scheme.name).count() == 1


def test_a_scheme_version_with_two_domains_of_one_key_is_a_400(manager):
    scheme = default_scheme()
    domain = {"key": "care", "label": "Care", "max_score": 3, "points_per_score": 2}

    response = api(manager).post(
        f"/api/v1/allocation-schemes/{scheme.pk}/versions/",
        {"domains": [domain, domain]},
        format="json",
    )

    assert "domains" in assert_clear_400(response, "invalid")["fields"]
    assert AllocationScheme.objects.filter(name=scheme.name).count() == 1


@pytest.mark.parametrize("name", [2939219418, 1.5, True, ["Ann"], {"first": "Ann"}])
def test_a_name_sent_as_anything_but_text_is_a_400(practitioner, team, name):
    """Found by schemathesis: a number was stored as the family member's name."""
    child = ChildFactory(team=team)

    response = api(practitioner).post(
        f"/api/v1/children/{child.pk}/family-members/",
        {"name": name, "relationship": "Mother"},
        format="json",
    )

    assert list(assert_clear_400(response, "invalid")["fields"]) == ["name"]
    assert not child.family_members.exists()


def test_a_page_size_that_is_not_a_whole_number_is_a_400_and_a_large_one_is_capped(practitioner):
    client = api(practitioner)

    for asked in ("abc", "0", "-5", "1.5"):
        response = client.get(f"/api/v1/children/?page_size={asked}")
        assert list(assert_clear_400(response, "invalid")["fields"]) == ["page_size"]
    ChildFactory.create_batch(3, team=practitioner.memberships.get().team)
    capped = client.get("/api/v1/children/?page_size=1000&page=")
    assert capped.status_code == 200
    assert len(capped.json()["results"]) == 3


@pytest.mark.parametrize(
    ("query", "field"),
    [("active=maybe", "active"), ("provider=1.5", "provider"), ("case_id=1e300", "case_id")],
)
def test_a_filter_that_cannot_be_read_is_a_400_not_the_whole_list(practitioner, query, field):
    path = "/api/v1/deadlines/" if field == "case_id" else "/api/v1/shortbreaks/services/"

    response = api(practitioner).get(f"{path}?{query}")

    assert list(assert_clear_400(response, "invalid")["fields"]) == [field]


def test_an_empty_filter_means_any(practitioner, team):
    ChildFactory.create_batch(2, team=team)

    response = api(practitioner).get("/api/v1/children/?primary_need=&name=")

    assert response.status_code == 200
    assert response.json()["count"] == 2


@pytest.mark.parametrize(
    "query",
    [
        "shortbreaks/sessions/?child=1042661525001863823360",
        "shortbreaks/sessions/?service=%C2%B2",
        "shortbreaks/services/?age=%C2%B2",
        "shortbreaks/services/?age=99999999999999999999999",
        "deadlines/?child=5.0",
        "deadlines/?case_id=99999999999999999999999",
        "commissioning/reports/uptake/?plan=%C2%B2&period=2026-27",
        "commissioning/reports/uptake/?plan=99999999999999999999999&period=2026-27",
    ],
)
def test_an_id_or_number_no_database_could_hold_is_a_400(manager, query):
    """Found by schemathesis: a 22-digit id reached SQLite's driver (a 500), and "²" passed
    `str.isdigit()` and then failed `int()`."""
    response = api(manager).get(f"/api/v1/{query}")

    assert assert_clear_400(response, "invalid")["fields"]


def test_a_null_note_and_date_mean_no_note_and_today_as_the_schema_says(practitioner, case):
    response = api(practitioner).post(
        f"/api/v1/cases/{case.pk}/transitions/accept_referral/",
        {"note": None, "on": None},
        format="json",
    )

    assert response.status_code == 200
    log = TransitionLog.objects.get(transition="accept_referral")
    assert (log.note, log.effective_on) == ("", timezone.localdate())
