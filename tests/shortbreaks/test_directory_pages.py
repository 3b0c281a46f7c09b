"""The public directory of short breaks: search, filters, pages of results, each service's page,
the CSV download, and the demo's directory."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import uuid
from decimal import Decimal

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts.roles import Role
from tests.factories import (
    ContactFactory,
    CostOptionFactory,
    LocationFactory,
    ProviderFactory,
    ScheduleFactory,
    ServiceAtLocationFactory,
    ServiceFactory,
    ServiceNeedFactory,
    UserFactory,
    staff,
)

pytestmark = pytest.mark.django_db


def names(client, query: str = "") -> list[str]:
    """The services a results page lists, in order."""
    page = client.get(f"/short-breaks/?{query}")
    assert page.status_code == 200
    return re.findall(r'govuk-summary-card__title"><a[^>]*>([^<]+)</a>', page.content.decode())


def text(client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200
    return " ".join(response.content.decode().split())


# Search --------------------------------------------------------------------------------------


def test_search_finds_a_service_by_its_name_its_description_or_its_providers_name(client):
    ServiceFactory(name="Inclusive swimming", description="Quiet sessions in the pool.")
    ServiceFactory(name="Saturday Club", description="Games and trampolining.")
    ServiceFactory(
        name="Sitting at home",
        description="A sitter for the evening.",
        provider=ProviderFactory(name="Kent Family Link"),
    )

    assert names(client, "q=swimming") == ["Inclusive swimming"]
    assert names(client, "q=trampolining") == ["Saturday Club"]
    assert names(client, "q=Kent+Family") == ["Sitting at home"]


def test_every_search_word_must_match_and_none_matching_says_so(client):
    ServiceFactory(name="Inclusive swimming", description="Quiet sessions in the pool.")
    ServiceFactory(name="Inclusive football", description="Matches on Saturdays.")

    assert names(client, "q=inclusive+pool") == ["Inclusive swimming"]
    page = text(client, "/short-breaks/?q=inclusive+cricket")
    assert "0 services" in page
    assert "No short breaks match" in page


def test_on_postgresql_the_search_is_full_text_in_english(client):
    if connection.vendor != "postgresql":
        pytest.skip("full-text search needs PostgreSQL; `make test` runs this suite there too")
    ServiceFactory(name="Inclusive swimming", description="Quiet sessions in the pool.")
    ServiceFactory(name="Saturday Club", description="Games, cooking and trips.")

    with CaptureQueriesContext(connection) as queries:
        found = names(client, "q=swim")
    # Read before the next request, which empties the connection's log of queries.
    sql = " ".join(query["sql"].lower() for query in queries.captured_queries)

    assert "plainto_tsquery" in sql
    # English stemming: "swim" finds "swimming", which a substring match would too, but "cooks"
    # finds "cooking" only through the stemmer.
    assert found == ["Inclusive swimming"]
    assert names(client, "q=cooks") == ["Saturday Club"]


# Filters -------------------------------------------------------------------------------------


@pytest.fixture
def offer():
    """Four services that differ in every filter."""
    club = ServiceFactory(
        name="Saturday Club", type="day_activity", access="targeted", min_age=5, max_age=18
    )
    ServiceNeedFactory(service=club, need="autism")
    CostOptionFactory(service=club, amount=Decimal("5.00"))
    ScheduleFactory(service=club, byday="SA")

    swim = ServiceFactory(
        name="Inclusive swimming",
        type="leisure_inclusion",
        access="universal",
        min_age=0,
        max_age=25,
    )
    ServiceNeedFactory(service=swim, need="physical_disability")
    CostOptionFactory(service=swim, amount=Decimal("0.00"))
    ScheduleFactory(service=swim, byday="SU")

    youth = ServiceFactory(
        name="Youth club", type="day_activity", access="universal", min_age=16, max_age=25
    )
    ServiceNeedFactory(service=youth, need="autism")
    ServiceNeedFactory(service=youth, need="learning_disability")
    ScheduleFactory(service=youth, byday="MO,FR")

    stays = ServiceFactory(
        name="Residential stays",
        type="residential_overnight",
        access="specialist",
        min_age=8,
        max_age=18,
    )
    CostOptionFactory(service=stays, amount=Decimal("0.00"))
    CostOptionFactory(service=stays, option="Extra night", amount=Decimal("20.00"))
    ScheduleFactory(service=stays, byday="FR,SA")
    return club, swim, youth, stays


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("type=day_activity", {"Saturday Club", "Youth club"}),
        (
            "type=day_activity&type=leisure_inclusion",
            {"Saturday Club", "Youth club", "Inclusive swimming"},
        ),
        ("age=20", {"Inclusive swimming", "Youth club"}),
        ("age=5", {"Saturday Club", "Inclusive swimming"}),
        ("need=autism", {"Saturday Club", "Youth club"}),
        (
            "need=physical_disability&need=learning_disability",
            {"Inclusive swimming", "Youth club"},
        ),
        ("access=universal", {"Inclusive swimming", "Youth club"}),
        ("access=targeted&access=specialist", {"Saturday Club", "Residential stays"}),
        ("cost=free", {"Inclusive swimming", "Youth club"}),
        ("cost=charged", {"Saturday Club", "Residential stays"}),
        ("day=SA", {"Saturday Club", "Residential stays"}),
        ("day=MO&day=SU", {"Youth club", "Inclusive swimming"}),
        ("day=TU", set()),
    ],
)
def test_each_filter_returns_what_it_says(client, offer, query, expected):
    assert set(names(client, query)) == expected


def test_filters_combine_so_that_a_service_must_meet_them_all(client, offer):
    assert names(client, "type=day_activity&need=autism&cost=free") == ["Youth club"]
    assert names(client, "access=universal&day=SU&age=3") == ["Inclusive swimming"]
    assert names(client, "q=club&day=SA") == ["Saturday Club"]
    assert names(client, "cost=charged&age=20") == []


def test_the_results_say_how_many_and_show_the_chosen_filters_ticked(client, offer):
    page = text(client, "/short-breaks/?type=day_activity&cost=free&day=MO")

    assert 'id="results">1 service</h2>' in page
    assert 'value="day_activity" checked' in page
    assert 'id="cost-free" name="cost" type="radio" value="free" checked' in page
    assert 'value="MO" checked' in page
    assert " open>" in page  # the filter panel stays open while filters are in use


def test_inactive_services_are_never_shown_and_temporarily_closed_ones_say_so(client):
    withdrawn = ServiceFactory(name="Withdrawn club", active=False)
    ServiceFactory(
        name="Trampolining",
        temporarily_closed=True,
        alert="Closed while the hall floor is replaced.",
    )

    page = text(client, "/short-breaks/")
    assert "Withdrawn club" not in text(client, "/short-breaks/?q=withdrawn")
    assert "Withdrawn club" not in page
    assert "Temporarily closed" in page
    assert "Closed while the hall floor is replaced." in page
    assert client.get(f"/short-breaks/{withdrawn.uuid}/").status_code == 404
    rows = list(csv.reader(io.StringIO(client.get("/short-breaks.csv").content.decode())))
    assert [row[1] for row in rows[1:]] == ["Trampolining"]


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("age=30", "Age “30” is not an age from 0 to 25."),
        ("age=ten", "Age “ten” is not an age from 0 to 25."),
        ("type=boat_trips", "“boat_trips” is not a type of short break."),
        ("need=everything", "“everything” is not a need the directory lists."),
        ("access=vip", "“vip” is not a way of getting a service."),
        ("cost=cheap", "“cheap” is not free or charged."),
        ("cost=free&cost=charged", "Cost: choose free or charged, not both."),
        ("day=XX", "“XX” is not a day of the week."),
        ("colour=red", "“colour” is not something the directory can search by."),
        ("q=" + "a" * 201, "The search words are longer than 200 characters."),
    ],
)
def test_a_filter_the_directory_cannot_use_is_ignored_with_a_message(
    client, offer, query, message
):
    response = client.get(f"/short-breaks/?{query}&type=day_activity")
    page = response.content.decode()

    assert response.status_code == 200
    assert message in page
    assert "Part of your search could not be used" in page
    # The rest of the search still applies.
    if "type=boat" not in query:
        assert set(names(client, f"{query}&type=day_activity")) <= {"Saturday Club", "Youth club"}


def test_a_search_with_nothing_to_ignore_shows_no_message(client, offer):
    page = text(client, "/short-breaks/?q=club&type=day_activity&age=&cost=&page=1")
    assert "Part of your search could not be used" not in page


# Pages of results ----------------------------------------------------------------------------


def test_results_come_twenty_to_a_page_and_the_pages_keep_the_filters(client):
    provider = ProviderFactory()
    for number in range(23):
        ServiceFactory(provider=provider, name=f"Club {number:02d}", type="day_activity")
    ServiceFactory(provider=provider, name="Swimming", type="leisure_inclusion")

    first = client.get("/short-breaks/?type=day_activity&q=club").content.decode()
    second = names(client, "type=day_activity&q=club&page=2")

    assert "23 services" in first
    assert len(names(client, "type=day_activity&q=club")) == 20
    assert 'href="?q=club&amp;type=day_activity&amp;page=2"' in first
    assert second == ["Club 20", "Club 21", "Club 22"]
    page_two = client.get("/short-breaks/?type=day_activity&q=club&page=2").content.decode()
    assert 'href="?q=club&amp;type=day_activity&amp;page=1"' in page_two
    assert "Page 2 of 2" in page_two
    # The download gives every match, not one page of them.
    rows = list(
        csv.reader(io.StringIO(client.get("/short-breaks.csv?type=day_activity").content.decode()))
    )
    assert len(rows) == 24
    assert "/short-breaks.csv?q=club&amp;type=day_activity" in first


def test_an_ignored_value_is_not_carried_into_the_page_links(client):
    for number in range(21):
        ServiceFactory(name=f"Club {number:02d}")

    page = client.get("/short-breaks/?age=99&type=day_activity").content.decode()

    assert 'href="?type=day_activity&amp;page=2"' in page
    assert "age=99" not in page


def test_a_page_number_past_the_end_shows_the_last_page(client):
    ServiceFactory(name="Only club")
    assert names(client, "page=7") == ["Only club"]
    assert names(client, "page=abc") == ["Only club"]


def _directory_of(count: int, prefix: str) -> None:
    place = LocationFactory()
    for number in range(count):
        service = ServiceFactory(
            name=f"Club {prefix}{number:02d}",
            provider=ProviderFactory(name=f"Provider {prefix}{number:02d}"),
        )
        CostOptionFactory(service=service)
        ScheduleFactory(service=service)
        ServiceAtLocationFactory(service=service, location=place)
        ServiceNeedFactory(service=service)
        ContactFactory(service=service)


@pytest.mark.parametrize("query", ["", "q=club&need=autism&day=SA&cost=charged&age=7"])
def test_the_results_page_reads_the_same_number_of_queries_for_5_or_25_services(
    client, django_assert_max_num_queries, query
):
    _directory_of(5, "a")
    with CaptureQueriesContext(connection) as few:
        client.get(f"/short-breaks/?{query}")
    budget = len(few)
    _directory_of(25, "b")

    with django_assert_max_num_queries(budget):
        response = client.get(f"/short-breaks/?{query}")
    assert len(names(client, query)) == 20
    assert response.status_code == 200


# Each service's page -------------------------------------------------------------------------


@pytest.fixture
def described():
    provider = ProviderFactory(
        name="Medway Leisure Trust", website="https://medway-leisure.example.org/"
    )
    service = ServiceFactory(
        provider=provider,
        name="Inclusive swimming",
        type="leisure_inclusion",
        description="Quiet sessions with extra lifeguards.",
        eligibility="Anyone with a disability and their family.",
        how_to_apply="No referral needed: ring to book.",
        accessibility="Pool hoist and warm water.",
        min_age=0,
        max_age=25,
        assured_on=dt.date(2026, 9, 14),
    )
    ServiceNeedFactory(service=service, need="sensory")
    CostOptionFactory(
        service=service,
        option="Per swim",
        amount=Decimal("3.50"),
        amount_description="A carer swims free",
    )
    CostOptionFactory(
        service=service, option="Siblings", amount=Decimal("0"), amount_description=""
    )
    ScheduleFactory(
        service=service,
        byday="SA,SU",
        opens_at=dt.time(9, 30),
        closes_at=dt.time(12, 0),
        description="Every weekend",
    )
    ServiceAtLocationFactory(
        service=service,
        location=LocationFactory(
            name="Strood Sports Centre",
            address_1="Watling Street",
            city="Strood",
            postcode="ME2 3JJ",
        ),
    )
    ContactFactory(
        service=service,
        name="Reception",
        title="Bookings",
        email="strood@example.org",
        phone="01632 960 200",
    )
    return service


def test_a_services_page_shows_each_section(client, described):
    page = text(client, f"/short-breaks/{described.uuid}/")

    for words in [
        '<h1 class="govuk-heading-l">Inclusive swimming</h1>',
        "Medway Leisure Trust",
        'href="https://medway-leisure.example.org/"',
        "Quiet sessions with extra lifeguards.",
        "0 to 25",
        "Hearing or sight loss",
        "Anyone with a disability and their family.",
        "No referral needed: ring to book.",
        "Per swim: £3.50 (A carer swims free)",
        "Siblings: Free",
        "Saturday and Sunday, 9:30am to midday. Every weekend",
        "Strood Sports Centre<br>Watling Street<br>Strood<br>ME2 3JJ",
        "Pool hoist and warm water.",
        "Step-free entrance and a changing places toilet.",
        "Reception, Bookings",
        'href="mailto:strood@example.org"',
        'href="tel:01632960200"',
        "Information checked on 14 September 2026.",
    ]:
        assert words in page, words
    assert "Temporarily closed" not in page


def test_a_service_never_checked_says_so_and_a_closed_one_shows_its_alert(client):
    service = ServiceFactory(
        assured_on=None, temporarily_closed=True, alert="Closed until the pool reopens."
    )

    page = text(client, f"/short-breaks/{service.uuid}/")

    assert "Information not yet checked" in page
    assert "Information checked on" not in page
    assert "Temporarily closed: Closed until the pool reopens." in page


def test_the_back_link_returns_to_the_same_results(client, described):
    results = client.get("/short-breaks/?q=swim&type=leisure_inclusion").content.decode()
    link = f"/short-breaks/{described.uuid}/?q=swim&amp;type=leisure_inclusion&amp;page=1"
    assert link in results

    page = client.get(link.replace("&amp;", "&")).content.decode()

    assert 'href="/short-breaks/?q=swim&amp;type=leisure_inclusion&amp;page=1"' in page
    assert "Back to the short breaks" in page


def test_the_page_of_an_unknown_service_is_404(client):
    assert client.get(f"/short-breaks/{uuid.uuid4()}/").status_code == 404
    assert client.get("/short-breaks/not-a-uuid/").status_code == 404


def test_a_visitor_is_offered_sign_in_and_a_signed_in_user_is_not(client, practitioner):
    assert 'href="/sign-in/">Sign in</a>' in client.get("/short-breaks/").content.decode()
    assert "Sign in</a>" not in client.get("/sign-in/").content.decode()

    client.force_login(practitioner)

    assert 'href="/sign-in/">Sign in</a>' not in client.get("/short-breaks/").content.decode()


# The download ---------------------------------------------------------------------------------


def test_the_csv_has_the_directory_columns_and_escapes_formula_like_text(client, described):
    ServiceFactory(
        name="Sums", description='=HYPERLINK("http://evil.example")', type="day_activity"
    )

    rows = list(csv.DictReader(io.StringIO(client.get("/short-breaks.csv").content.decode())))

    sums, swim = rows
    assert sums["Description"] == '\'=HYPERLINK("http://evil.example")'
    assert swim["Cost to the family"] == "£3.50 per swim"
    assert swim["Days"] == "Saturday and Sunday"
    assert swim["Where"] == "Strood Sports Centre, Strood ME2 3JJ"
    assert swim["Information checked on"] == "2026-09-14"
    assert sums["Cost to the family"] == "Free"


def test_the_csv_takes_the_same_filters_as_the_page(client, offer):
    rows = list(
        csv.reader(io.StringIO(client.get("/short-breaks.csv?cost=free&age=20").content.decode()))
    )
    assert sorted(row[1] for row in rows[1:]) == ["Inclusive swimming", "Youth club"]
    assert client.get("/short-breaks.csv?age=nonsense&colour=red").status_code == 200


def test_a_service_at_home_every_day_says_so_in_words(client):
    service = ServiceFactory(type="sitting_or_home_support", name="Sitting")
    ScheduleFactory(
        service=service,
        byday="MO,TU,WE,TH,FR,SA,SU",
        opens_at=dt.time(0, 0),
        closes_at=dt.time(17, 45),
        description="",
    )

    page = text(client, f"/short-breaks/{service.uuid}/")

    assert "Every day, midnight to 5:45pm" in page
    assert "In your home" in page
    assert "Every day" in text(client, "/short-breaks/")


# What a parent types, and what the pages say where the data is thin --------------------------


def test_a_search_word_naming_a_need_a_day_or_a_type_finds_what_the_filter_finds(client):
    autism = ServiceFactory(name="Quiet club", description="Calm games.")
    ServiceNeedFactory(service=autism, need="autism")
    saturday = ServiceFactory(name="Weekend club", description="Games and trips.")
    ScheduleFactory(service=saturday, byday="SA", description="")
    ServiceFactory(name="Easter fun", description="Trips.", type="holiday_scheme")
    ServiceFactory(name="Tuesday club", description="Cooking.")

    assert names(client, "q=autism") == ["Quiet club"]
    assert names(client, "q=Saturdays") == ["Weekend club"]
    assert names(client, "q=holiday") == ["Easter fun"]
    assert names(client, "q=autism+calm") == ["Quiet club"]
    assert names(client, "q=autism+trips") == []


def test_the_search_reads_who_a_service_is_for_and_its_accessibility(client):
    ServiceFactory(name="Swim club", eligibility="Young carers welcome.")
    ServiceFactory(name="Art club", accessibility="Wheelchair accessible, with a hoist.")

    assert names(client, "q=carers") == ["Swim club"]
    assert names(client, "q=wheelchair") == ["Art club"]


def test_on_postgresql_a_word_the_dictionary_drops_does_not_empty_the_search(client):
    if connection.vendor != "postgresql":
        pytest.skip("full-text search needs PostgreSQL; `make test` runs this suite there too")
    ServiceFactory(name="Inclusive swimming", description="Quiet sessions in the pool.")

    assert names(client, "q=swimming+for+the+pool") == ["Inclusive swimming"]


def test_an_age_the_directory_cannot_use_is_named_at_the_age_box(client):
    ServiceFactory()

    page = client.get("/short-breaks/?age=26").content.decode()

    assert 'class="govuk-form-group govuk-form-group--error"' in page
    assert 'id="age-error"' in page
    assert 'value="26"' in page


def test_a_service_not_checked_for_a_year_says_its_details_may_be_out_of_date(client):
    with time_machine.travel(dt.datetime(2026, 12, 3, 10, tzinfo=dt.UTC), tick=False):
        old = ServiceFactory(name="Old club", assured_on=dt.date(2025, 11, 1))
        recent = ServiceFactory(name="New club", assured_on=dt.date(2026, 10, 1))

        assert "may be out of date" in text(client, f"/short-breaks/{old.uuid}/")
        assert "may be out of date" not in text(client, f"/short-breaks/{recent.uuid}/")


def test_a_service_with_no_contacts_sends_the_family_to_the_family_information_service(
    client, settings
):
    settings.PATHWAY_FAMILY_INFORMATION = "the Family Information Service, on 01634 111111"
    service = ServiceFactory(provider=ProviderFactory(email="", phone=""), how_to_apply="")

    page = text(client, f"/short-breaks/{service.uuid}/")

    assert "Contact the Family Information Service, on 01634 111111." in page
    assert "Ask the contacts below" not in page


def test_staff_who_edit_the_offer_and_the_providers_own_login_find_their_link_on_its_page(
    client, team
):
    login = UserFactory(role=Role.PROVIDER)
    service = ServiceFactory(provider=ProviderFactory(users=[login]))
    url = f"/short-breaks/{service.uuid}/"

    client.force_login(staff(Role.TEAM_MANAGER, team))
    assert f"/local-offer/services/{service.pk}/edit/" in text(client, url)
    client.force_login(login)
    assert f"/provider/services/{service.pk}/change/" in text(client, url)
    client.force_login(UserFactory(role=Role.PROVIDER))
    page = text(client, url)
    assert "/change/" not in page
    assert "/edit/" not in page
