"""The Open Referral UK v3 API: every answer checked against the profile's own JSON schemas
(copied in `openreferral_schemas/`, see its README), its formats included, and every filter
checked to return what it says."""

from __future__ import annotations

import datetime as dt
import json
import re
import uuid
from decimal import Decimal
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from jsonschema import Draft202012Validator, FormatChecker
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

from shortbreaks.models import Service
from tests.factories import (
    CareNotesFactory,
    ChildFactory,
    ContactFactory,
    CostOptionFactory,
    FamilyMemberFactory,
    LocationFactory,
    PackageFactory,
    ProviderFactory,
    ScheduleFactory,
    ServiceAtLocationFactory,
    ServiceFactory,
    ServiceNeedFactory,
)

BASE = "/api/openreferral/v3/"
SCHEMAS = Path(__file__).parent / "openreferral_schemas"
# Well formed, and no record's: fixed, so that every test worker collects the same tests.
NOWHERE = uuid.UUID("00000000-0000-4000-8000-000000000000")

# The namespace and names of the Pathway taxonomy's ids (shortbreaks/openreferral/taxonomy.py),
# written out again: another directory holds these ids, so a change to them must fail here.
NAMESPACE = uuid.UUID("6f0f3b52-9d0e-4c41-8a3e-2b1f5c7d9a64")


def term_id(taxonomy: str, code: str) -> str:
    return str(uuid.uuid5(NAMESPACE, f"{taxonomy}/{code}"))


def taxonomy_id(taxonomy: str) -> str:
    return str(uuid.uuid5(NAMESPACE, taxonomy))


# The profile's schemas --------------------------------------------------------------------------

# The profile marks dates and times with its data package's type rather than a JSON Schema
# format; both are checked.
DATAPACKAGE_FORMATS = {"date": "date", "datetime": "date-time", "time": "hsds-time"}


def with_formats(schema: Any) -> Any:
    if isinstance(schema, list):
        return [with_formats(item) for item in schema]
    if not isinstance(schema, dict):
        return schema
    checked = {key: with_formats(value) for key, value in schema.items()}
    kind = schema.get("datapackage_type")
    if kind in DATAPACKAGE_FORMATS and "format" not in schema:
        checked["format"] = DATAPACKAGE_FORMATS[kind]
    return checked


def load(name: str) -> dict[str, Any]:
    return with_formats(json.loads((SCHEMAS / name).read_text(encoding="utf-8")))


PROFILE = load("openapi.json")
ENVELOPE = [
    "total_items",
    "total_pages",
    "page_number",
    "size",
    "first_page",
    "last_page",
    "empty",
    "contents",
]
REGISTRY = Registry().with_resources(
    (name, Resource.from_contents(load(name), default_specification=DRAFT202012))
    for name in [
        "compiled/service.json",
        "compiled/service_list.json",
        "compiled/service_at_location.json",
        "compiled/service_at_location_list.json",
        "taxonomy.json",
        "taxonomy_term.json",
        "phone.json",
        "language.json",
    ]
)

FORMATS = FormatChecker()  # uuid, date, email and time are jsonschema's own
RFC3339 = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)")


@FORMATS.checks("date-time", raises=ValueError)
def is_date_time(value: object) -> bool:
    if not isinstance(value, str):
        return True
    return bool(RFC3339.fullmatch(value)) and bool(dt.datetime.fromisoformat(value))


@FORMATS.checks("uri", raises=ValueError)
def is_uri(value: object) -> bool:
    if not isinstance(value, str):
        return True
    parts = urlsplit(value)
    return parts.scheme in ("http", "https") and bool(parts.netloc)


@FORMATS.checks("hsds-time", raises=ValueError)
def is_time(value: object) -> bool:
    """HH:MM or HH:MM:SS, with an offset or none, as the profile's examples write them."""
    if not isinstance(value, str):
        return True
    return bool(re.fullmatch(r"\d\d:\d\d(:\d\d)?(Z|[+-]\d\d:\d\d)?", value)) and bool(
        dt.time.fromisoformat(value.removesuffix("Z"))
    )


def page_schema(item: str) -> dict[str, Any]:
    return {
        "allOf": [PROFILE["components"]["schemas"]["Page"]],
        "required": ENVELOPE,
        "properties": {"contents": {"type": "array", "items": {"$ref": item}}},
    }


def assert_valid(instance: Any, schema: dict[str, Any] | str) -> None:
    as_schema = {"$ref": schema} if isinstance(schema, str) else schema
    validator = Draft202012Validator(as_schema, registry=REGISTRY, format_checker=FORMATS)
    errors = [f"{list(e.absolute_path)}: {e.message}" for e in validator.iter_errors(instance)]
    assert errors == []


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("id", "42"),
        ("minimum_age", "5"),
        ("assured_date", "01/02/2026"),
        ("last_modified", "2026-01-01"),
        ("url", "www.example.org"),
        ("schedules", [{"id": "6f0f3b52-9d0e-4c41-8a3e-2b1f5c7d9a64", "opens_at": "10am"}]),
        ("status", "open"),
    ],
)
def test_the_schema_check_itself_refuses_a_wrong_type_or_format(field, value):
    service = {"id": "6f0f3b52-9d0e-4c41-8a3e-2b1f5c7d9a64", "name": "Club", "status": "active"}

    with pytest.raises(AssertionError):
        assert_valid(service | {field: value}, "compiled/service.json")


# What the API may never publish ----------------------------------------------------------------

NUMBERS = {
    "minimum_age",
    "maximum_age",
    "amount",
    "latitude",
    "longitude",
    "interval",
    "total_items",
    "total_pages",
    "page_number",
    "size",
}


def walk(value: Any, key: str = "") -> list[tuple[str, Any]]:
    if isinstance(value, dict):
        return [pair for name, inner in value.items() for pair in walk(inner, name)]
    if isinstance(value, list):
        return [pair for item in value for pair in walk(item, key)]
    return [(key, value)]


def assert_only_uuids_and_numbers_where_numbers_belong(body: Any) -> None:
    for key, value in walk(body):
        if key == "id" or key.endswith("_id"):
            assert isinstance(value, str), (key, value)
            assert str(uuid.UUID(value)) == value, (key, value)
        elif isinstance(value, int | float) and not isinstance(value, bool):
            assert key in NUMBERS, (key, value)


# The directory ----------------------------------------------------------------------------------


@pytest.fixture
def directory(db):
    """Three published services and a withdrawn one, with a child booked on one of them."""
    medway = ProviderFactory(
        name="Medway Play", description="Play schemes.", website="https://play.example.org"
    )
    saturday = ServiceFactory(
        provider=medway,
        name="Saturday Club",
        description="Games, crafts and a cooked lunch.",
        url="https://play.example.org/saturday",
        email="saturday@example.org",
        eligibility="Children with a disability living in Medway.",
        how_to_apply="Ring the bookings team.",
        type="day_activity",
        access="targeted",
        min_age=5,
        max_age=18,
    )
    ContactFactory(service=saturday)
    CostOptionFactory(service=saturday, amount=Decimal("5.50"), valid_from=dt.date(2026, 4, 1))
    ScheduleFactory(service=saturday, byday="SA")
    ServiceAtLocationFactory(service=saturday, location=LocationFactory(name="Strood hub"))
    ServiceNeedFactory(service=saturday, need="autism")
    ServiceNeedFactory(service=saturday, need="learning_disability")

    holiday = ServiceFactory(
        provider=ProviderFactory(name="Chatham Youth"),
        name="Summer Fun",
        description="A holiday scheme at the leisure centre.",
        type="holiday_scheme",
        access="universal",
        min_age=8,
        max_age=14,
        temporarily_closed=True,
        alert="Closed while the hall is repaired.",
        assured_on=None,
    )
    CostOptionFactory(service=holiday, option="Free", amount=Decimal("0"))
    ScheduleFactory(service=holiday, byday="MO,TU", opens_at=None, closes_at=None)

    overnight = ServiceFactory(
        provider=medway,
        name="Weekend Stays",
        type="residential_overnight",
        access="specialist",
        min_age=11,
        max_age=25,
    )
    ServiceNeedFactory(service=overnight, need="complex_health")

    withdrawn = ServiceFactory(provider=medway, name="Old Youth Club", active=False)
    ScheduleFactory(service=withdrawn, byday="SA")
    ServiceAtLocationFactory(service=withdrawn)
    ServiceNeedFactory(service=withdrawn, need="autism")

    child = ChildFactory(given_name="Zephyrine", family_name="Quillfeather")
    FamilyMemberFactory(child=child, name="Marguerite Quillfeather", phone="07700 900123")
    CareNotesFactory(child=child, emergency_contact_name="Ottoline Quillfeather")
    PackageFactory(child=child, team=child.team, service=saturday)
    return {
        "saturday": saturday,
        "holiday": holiday,
        "overnight": overnight,
        "withdrawn": withdrawn,
    }


def get(path: str, **query: Any) -> Any:
    response = Client().get(BASE + path, query)
    assert response.status_code == 200, response.content
    assert response["Content-Type"] == "application/json"
    return response.json()


def names(page: dict[str, Any]) -> list[str]:
    return [item["name"] for item in page["contents"]]


def service_names(page: dict[str, Any]) -> list[str]:
    return [item["service"]["name"] for item in page["contents"]]


# Every endpoint, against the profile's schemas ------------------------------------------------


def test_the_root_gives_the_hsds_version_the_profile_and_the_absolute_url_of_the_openapi_document(
    db,
):
    body = get("")

    assert body == {
        "version": "3.0",
        "profile": "https://github.com/OpenReferralUK/uk-profile",
        "openapi_url": "http://testserver/api/openreferral/v3/openapi.json",
    }
    root = PROFILE["paths"]["/"]["get"]["responses"]["200"]["content"]["application/json"]
    assert_valid(body, root["schema"])


def test_a_page_of_services_matches_the_profiles_service_list_schema(directory):
    page = get("services")

    assert_valid(page, page_schema("compiled/service_list.json"))
    assert names(page) == ["Saturday Club", "Summer Fun", "Weekend Stays"]
    saturday = page["contents"][0]
    assert saturday["id"] == str(directory["saturday"].uuid)
    assert saturday["organization_id"] == str(directory["saturday"].provider.uuid)
    assert saturday["minimum_age"] == 5
    assert saturday["maximum_age"] == 18
    assert saturday["assured_date"] == "2026-09-01"
    assert saturday["status"] == "active"
    assert saturday["organization"]["name"] == "Medway Play"
    assert page["contents"][1]["status"] == "temporarily closed"
    assert page["contents"][1]["alert"] == "Closed while the hall is repaired."
    assert_only_uuids_and_numbers_where_numbers_belong(page)


def test_a_service_is_fully_nested_and_matches_the_profiles_service_schema(directory):
    saturday = directory["saturday"]

    body = get(f"services/{saturday.uuid}")

    assert_valid(body, "compiled/service.json")
    for item in body["contacts"]:
        for phone in item["phones"]:
            assert_valid(phone, "phone.json")
    assert body["organization"] == {
        "id": str(saturday.provider.uuid),
        "name": "Medway Play",
        "description": "Play schemes.",
        "website": "https://play.example.org",
    }
    assert body["eligibility_description"] == "Children with a disability living in Medway."
    assert body["application_process"] == "Ring the bookings team."
    [contact] = body["contacts"]
    assert contact["name"] == "Bookings team"
    assert contact["email"] == "bookings@example.org"
    assert [phone["number"] for phone in contact["phones"]] == ["01634 000000"]
    [cost] = body["cost_options"]
    assert cost["amount"] == 5.5
    assert cost["valid_from"] == "2026-04-01"
    [schedule] = body["schedules"]
    assert schedule | {"id": None} == {
        "id": None,
        "service_id": str(saturday.uuid),
        "freq": "WEEKLY",
        "interval": 1,
        "byday": "SA",
        "opens_at": "10:00:00",
        "closes_at": "15:00:00",
        "description": "Every Saturday in term time",
    }
    [place] = body["service_at_locations"]
    location = place["location"]
    assert location["name"] == "Strood hub"
    assert location["latitude"] == 51.3932
    assert location["longitude"] == 0.4977
    assert location["addresses"][0]["postal_code"] == "ME2 4AA"
    assert location["accessibility"][0]["description"].startswith("Step-free")
    assert {attribute["taxonomy_term"]["name"] for attribute in body["attributes"]} == {
        "Day activities",
        "Targeted: no assessment needed",
        "Autism",
        "Learning disability",
    }
    assert all(attribute["link_id"] == str(saturday.uuid) for attribute in body["attributes"])
    assert body["service_areas"] == body["languages"] == body["funding"] == []
    assert_only_uuids_and_numbers_where_numbers_belong(body)


def test_a_service_with_little_recorded_leaves_out_what_it_has_not_rather_than_send_nulls(
    directory,
):
    body = get(f"services/{directory['holiday'].uuid}")

    assert_valid(body, "compiled/service.json")
    assert not {"assured_date", "url", "email"} & set(body)
    assert body["cost_options"][0]["amount"] == 0
    assert "opens_at" not in body["schedules"][0]
    assert body["contacts"] == body["service_at_locations"] == []
    assert None not in [value for _, value in walk(body)]


def test_the_places_services_are_delivered_match_the_profiles_service_at_location_schemas(
    directory,
):
    page = get("service_at_locations")

    assert_valid(page, page_schema("compiled/service_at_location_list.json"))
    assert service_names(page) == ["Saturday Club"]
    place = get(f"service_at_locations/{page['contents'][0]['id']}")
    assert_valid(place, "compiled/service_at_location.json")
    assert place["service"]["name"] == "Saturday Club"
    assert place["location"]["addresses"][0]["city"] == "Strood"
    assert_only_uuids_and_numbers_where_numbers_belong([page, place])


def test_the_pathway_taxonomies_and_terms_match_the_profiles_schemas(db):
    taxonomies = get("taxonomies")
    terms = get("taxonomy_terms", per_page=100)

    assert_valid(taxonomies, page_schema("taxonomy.json"))
    assert_valid(terms, page_schema("taxonomy_term.json"))
    assert names(taxonomies) == ["Short break type", "Access level", "Need served"]
    assert [len(item["taxonomy_terms"]) for item in taxonomies["contents"]] == [7, 3, 7]
    assert terms["total_items"] == 17
    one = get(f"taxonomies/{taxonomy_id('access_level')}")
    assert_valid(one, "taxonomy.json")
    assert [term["term"] for term in one["taxonomy_terms"]] == [
        "universal",
        "targeted",
        "specialist",
    ]
    term = get(f"taxonomy_terms/{term_id('service_type', 'holiday_scheme')}")
    assert_valid(term, "taxonomy_term.json")
    assert term["name"] == "Holiday schemes"
    assert term["taxonomy_id"] == taxonomy_id("service_type")
    assert_only_uuids_and_numbers_where_numbers_belong([taxonomies, terms, one, term])


def test_every_id_is_the_same_uuid_on_a_second_request(directory):
    paths = [
        "services",
        f"services/{directory['saturday'].uuid}",
        "service_at_locations",
        "taxonomies",
        "taxonomy_terms",
    ]

    first = [get(path) for path in paths]

    assert [get(path) for path in paths] == first
    attribute = next(
        item
        for item in first[1]["attributes"]
        if item["taxonomy_term_id"] == term_id("need_served", "autism")
    )
    assert attribute["id"] == str(
        uuid.uuid5(directory["saturday"].uuid, term_id("need_served", "autism"))
    )


def test_each_path_answers_with_or_without_its_trailing_slash(directory):
    saturday = directory["saturday"].uuid

    assert get("services") == get("services/")
    assert get(f"services/{saturday}") == get(f"services/{saturday}/")
    assert get("taxonomy_terms") == get("taxonomy_terms/")


def test_it_needs_no_sign_in_no_session_and_no_csrf_token(directory):
    client = Client(enforce_csrf_checks=True)

    response = client.get(BASE + "services", HTTP_AUTHORIZATION="Token not-a-real-token")

    assert response.status_code == 200
    assert "sessionid" not in response.cookies


# The page envelope ----------------------------------------------------------------------------


def test_the_envelope_counts_pages_and_says_which_is_first_last_and_empty(directory):
    first = get("services", per_page=2)
    second = get("services", per_page=2, page=2)
    beyond = get("services", per_page=2, page=3)

    envelope = {key: first[key] for key in ENVELOPE[:-1]}
    assert envelope == {
        "total_items": 3,
        "total_pages": 2,
        "page_number": 1,
        "size": 2,
        "first_page": True,
        "last_page": False,
        "empty": False,
    }
    assert (second["size"], second["first_page"], second["last_page"]) == (1, False, True)
    assert names(first) + names(second) == ["Saturday Club", "Summer Fun", "Weekend Stays"]
    assert (beyond["size"], beyond["empty"], beyond["contents"]) == (0, True, [])
    assert_valid(beyond, page_schema("compiled/service_list.json"))


def test_a_directory_with_no_services_is_one_empty_first_and_last_page(db):
    page = get("services")

    assert page == {
        "total_items": 0,
        "total_pages": 0,
        "page_number": 1,
        "size": 0,
        "first_page": True,
        "last_page": True,
        "empty": True,
        "contents": [],
    }


def test_a_page_of_more_than_100_is_capped_at_100(db):
    provider = ProviderFactory()
    Service.objects.bulk_create(
        ServiceFactory.build(provider=provider, name=f"Club {number:03}") for number in range(105)
    )

    page = get("services", per_page=500)

    assert (page["size"], page["total_pages"], page["total_items"]) == (100, 2, 105)


# Filters --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({"search": "saturday"}, ["Saturday Club"]),
        ({"search": "LEISURE centre"}, ["Summer Fun"]),  # words of the description, any case
        ({"search": "medway play"}, ["Saturday Club", "Weekend Stays"]),  # the provider's name
        ({"search": "saturday stays"}, []),  # every word must be found
        ({"taxonomy_term_id": term_id("need_served", "autism")}, ["Saturday Club"]),
        ({"taxonomy_term_id": term_id("service_type", "holiday_scheme")}, ["Summer Fun"]),
        ({"taxonomy_term_id": term_id("access_level", "specialist")}, ["Weekend Stays"]),
        ({"taxonomy_id": taxonomy_id("need_served")}, ["Saturday Club", "Weekend Stays"]),
        (
            {"taxonomy_id": taxonomy_id("service_type")},
            ["Saturday Club", "Summer Fun", "Weekend Stays"],
        ),
        # The profile: a minimum age of at least the value, a maximum age at or below it.
        ({"minimum_age": 8}, ["Summer Fun", "Weekend Stays"]),
        ({"maximum_age": 18}, ["Saturday Club", "Summer Fun"]),
        ({"minimum_age": 6, "maximum_age": 18}, ["Summer Fun"]),
        ({"minimum_age": "7.5"}, ["Summer Fun", "Weekend Stays"]),
        ({"day": "SA"}, ["Saturday Club"]),
        ({"day": "tu"}, ["Summer Fun"]),
        ({"day": "WE"}, []),
        # Saturdays 10:00 to 15:00; the holiday scheme gives no times.
        ({"start_time": "09:00"}, ["Saturday Club"]),
        ({"start_time": "10:00:01"}, []),
        ({"end_time": "15:00"}, ["Saturday Club"]),
        ({"end_time": "14:59"}, []),
        ({"start_time": "09:30", "end_time": "16:00", "day": "SA"}, ["Saturday Club"]),
        ({"search": ""}, ["Saturday Club", "Summer Fun", "Weekend Stays"]),  # empty means any
    ],
)
def test_each_filter_returns_the_services_it_says(directory, query, expected):
    assert names(get("services", **query)) == expected
    assert sorted(service_names(get("service_at_locations", **query))) == sorted(
        name for name in expected if name == "Saturday Club"
    )


def test_modified_after_returns_services_changed_at_or_after_that_moment(directory):
    moment = dt.datetime(2026, 6, 1, 9, 0, tzinfo=dt.UTC)
    Service.objects.update(updated_at=moment - dt.timedelta(days=1))
    Service.objects.filter(pk=directory["holiday"].pk).update(updated_at=moment)

    on_the_moment = get("services", modified_after="2026-06-01T09:00:00Z")
    an_hour_later = get("services", modified_after="2026-06-01T10:00:00+01:00")
    naive_is_utc = get("services", modified_after="2026-06-01T09:00:01")

    assert names(on_the_moment) == names(an_hour_later) == ["Summer Fun"]
    assert on_the_moment["contents"][0]["last_modified"] == "2026-06-01T09:00:00.000Z"
    assert names(naive_is_utc) == []


# Bad input ------------------------------------------------------------------------------------


def bad(path: str, **query: Any) -> dict[str, Any]:
    response = Client().get(BASE + path, query)
    assert response.status_code == 400, response.content
    return response.json()


@pytest.mark.parametrize(
    "path", ["", "services", "services/00000000-0000-0000-0000-000000000000", "taxonomies"]
)
def test_an_unknown_parameter_is_a_400_naming_it(db, path):
    body = bad(path, postcode="ME4 4TR")  # the profile's, but Pathway geocodes no postcodes

    assert body["code"] == "invalid"
    assert list(body["fields"]) == ["postcode"]
    assert "postcode" in body["detail"]


def test_asking_for_another_format_is_a_400_naming_the_parameter(db):
    assert list(bad("services", format="ndjson")["fields"]) == ["format"]


@pytest.mark.parametrize(
    ("parameter", "value"),
    [
        ("page", "0"),
        ("page", "two"),
        ("page", "1" * 30),
        ("per_page", "-5"),
        ("per_page", "1.5"),
        ("minimum_age", "ten"),
        ("minimum_age", "NaN"),
        ("maximum_age", "-1"),
        ("day", "Funday"),
        ("start_time", "9am"),
        ("end_time", "25:00"),
        ("taxonomy_term_id", "autism"),
        ("taxonomy_term_id", str(NOWHERE)),  # well formed, but no term of Pathway's
        ("taxonomy_id", "1"),
        ("modified_after", "yesterday"),
        ("modified_after", "2026-13-01T00:00:00Z"),
    ],
)
def test_a_value_that_cannot_be_read_is_a_400_naming_its_parameter(directory, parameter, value):
    body = bad("services", **{parameter: value})

    assert list(body["fields"]) == [parameter]
    assert body["fields"][parameter][0]


def test_a_parameter_given_twice_is_a_400_naming_it(db):
    response = Client().get(BASE + "services?day=MO&day=TU")

    assert response.status_code == 400
    assert list(response.json()["fields"]) == ["day"]


@pytest.mark.parametrize(
    "path",
    [
        "services/42",
        "services/not-a-uuid",
        f"services/{NOWHERE}",
        f"service_at_locations/{NOWHERE}",
        "service_at_locations/7",
        f"taxonomies/{NOWHERE}",
        f"taxonomy_terms/{term_id('service_type', 'no_such_type')}",
    ],
)
def test_an_unknown_or_ill_formed_id_is_a_404(db, path):
    response = Client().get(BASE + path)

    assert response.status_code == 404
    assert response.json()["code"] == "not_found"


# Only what is published -----------------------------------------------------------------------


def test_a_withdrawn_service_and_where_it_ran_are_never_published(directory):
    withdrawn = directory["withdrawn"]
    place = withdrawn.at_locations.get()

    listed = [get("services", per_page=100), get("service_at_locations", per_page=100)]

    assert str(withdrawn.uuid) not in json.dumps(listed)
    assert "Old Youth Club" not in json.dumps(listed)
    assert Client().get(BASE + f"services/{withdrawn.uuid}").status_code == 404
    assert Client().get(BASE + f"service_at_locations/{place.uuid}").status_code == 404
    assert names(get("services", taxonomy_term_id=term_id("need_served", "autism"))) == [
        "Saturday Club"
    ]


def test_no_child_or_family_detail_nor_a_providers_own_contact_details_appear_anywhere(
    directory,
):
    saturday = directory["saturday"]
    place = saturday.at_locations.get()
    paths = [
        "",
        "services",
        f"services/{saturday.uuid}",
        "service_at_locations",
        f"service_at_locations/{place.uuid}",
        "taxonomies",
        "taxonomy_terms",
        "openapi.json",
    ]

    published = "".join(Client().get(BASE + path).content.decode() for path in paths)

    for private in ("Zephyrine", "Quillfeather", "07700 900123", "Needs help with eating"):
        assert private not in published
    # The provider's own e-mail, phone and address are how the council reaches it.
    medway = saturday.provider
    for internal in (medway.email, medway.phone, medway.address):
        assert internal not in published


# Query counts ---------------------------------------------------------------------------------


def queries_for(path: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        get(path)
    return len(captured)


def another_full_service(provider) -> Service:
    service = ServiceFactory(provider=provider, name="Another Club")
    ContactFactory(service=service)
    CostOptionFactory(service=service)
    ScheduleFactory(service=service)
    ServiceAtLocationFactory(service=service)
    ServiceNeedFactory(service=service)
    return service


def test_a_page_of_services_takes_the_same_queries_however_many_there_are(directory):
    few = queries_for("services")
    for _ in range(5):
        another_full_service(directory["saturday"].provider)

    assert queries_for("services") == queries_for("service_at_locations") == few <= 2


def test_a_nested_service_takes_the_same_queries_however_much_it_holds(directory):
    saturday = directory["saturday"]
    few = queries_for(f"services/{saturday.uuid}")
    for _ in range(4):
        ContactFactory(service=saturday)
        CostOptionFactory(service=saturday)
        ScheduleFactory(service=saturday, byday="SU")
        ServiceAtLocationFactory(service=saturday)
    ServiceNeedFactory(service=saturday, need="sensory")

    assert queries_for(f"services/{saturday.uuid}") == few <= 6


# The OpenAPI document -------------------------------------------------------------------------


def test_its_openapi_document_lists_what_it_serves_and_every_parameter_it_reads(directory):
    document = get("openapi.json")

    assert document["openapi"].startswith("3.0")
    assert document["servers"] == [{"url": "http://testserver/api/openreferral/v3"}]
    assert set(document["paths"]) == {
        "/",
        "/services",
        "/services/{service_id}",
        "/service_at_locations",
        "/service_at_locations/{service_at_location_id}",
        "/taxonomies",
        "/taxonomies/{taxonomy_id}",
        "/taxonomy_terms",
        "/taxonomy_terms/{taxonomy_term_id}",
    }
    examples = {
        "search": "club",
        "page": "1",
        "per_page": "10",
        "taxonomy_term_id": term_id("need_served", "autism"),
        "taxonomy_id": taxonomy_id("need_served"),
        "minimum_age": "5",
        "maximum_age": "18",
        "day": "SA",
        "start_time": "09:00",
        "end_time": "17:00",
        "modified_after": "2026-01-01T00:00:00Z",
    }
    for path, item in document["paths"].items():
        for reference in item["get"].get("parameters", []):
            name = reference["$ref"].rsplit("/", 1)[1]
            assert name in document["components"]["parameters"]
            get(path.lstrip("/"), **{name: examples[name]})


def test_the_pathway_api_schema_leaves_the_open_referral_api_to_its_own_document(db):
    response = Client().get("/api/schema/", {"format": "json"})

    assert response.status_code == 200
    assert not [path for path in json.loads(response.content)["paths"] if "openreferral" in path]


@pytest.mark.django_db
def test_search_finds_what_the_directory_page_finds_for_the_same_words(client):
    quiet = ServiceFactory(name="Quiet club", description="Calm games.")
    ServiceNeedFactory(service=quiet, need="autism")
    ServiceFactory(name="Art club", accessibility="Wheelchair accessible.")
    ServiceFactory(name="Tuesday club", description="Cooking.")

    for words, found in (("autism", ["Quiet club"]), ("wheelchair", ["Art club"])):
        page = client.get("/short-breaks/", {"q": words}).content.decode()
        assert names(get("services", search=words)) == found
        assert all(name in page for name in found)
        assert "Tuesday club" not in page
