"""The GOV.UK pages of online requests for an assessment: the public form and its confirmation
(the decision is due 6 weeks from the day received, reg 5(1)), the signed-in version, and the
staff queue with its possible matches and accept form."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from accounts.roles import Role
from casework.models import EHCRequest
from tests.factories import ChildFactory, FamilyMemberFactory, UserFactory

D = dt.date
FORM = "/request-an-assessment/"


@pytest.fixture(autouse=True)
def today():
    with time_machine.travel(dt.datetime(2027, 3, 10, 9, tzinfo=dt.UTC), tick=False):
        yield


def form_body(**changes):
    return {
        "child_name": "Jamie Okafor",
        "date_of_birth_0": "4",
        "date_of_birth_1": "5",
        "date_of_birth_2": "2018",
        "requester_name": "Ada Okafor",
        "requester_email": "ada@example.org",
        "relationship": "parent",
        "reasons": "Not making progress.",
    } | changes


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_a_request_without_an_account_ends_on_its_confirmation_with_the_decision_date(db):
    client = Client()
    sent = client.post(FORM, form_body())
    assert sent.status_code == 302
    page = client.get(sent["Location"]).content.decode()
    assert "We received your request for an assessment of Jamie Okafor on 10 March 2027" in page
    assert "We will tell you by 21 April 2027 whether we will carry out an assessment" in page
    assert EHCRequest.objects.get().date_of_birth == D(2018, 5, 4)


def test_the_confirmation_is_only_for_the_browser_that_sent_the_request(db):
    Client().post(FORM, form_body())
    assert Client().get("/request-an-assessment/received/")["Location"] == FORM


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        (
            {"date_of_birth_0": "", "date_of_birth_1": "", "date_of_birth_2": ""},
            "Enter the date of birth.",
        ),
        ({"date_of_birth_2": "2028"}, "The date must be today or in the past."),
    ],
)
def test_a_missing_or_future_date_of_birth_is_shown_in_the_error_summary(db, changes, message):
    answer = Client().post(FORM, form_body(**changes))
    assert answer.status_code == 400
    page = answer.content.decode()
    assert "There is a problem" in page
    assert f'href="#id_date_of_birth">{message}' in page
    assert not EHCRequest.objects.exists()


def test_too_many_requests_from_one_address_are_explained_on_the_page(db, settings):
    settings.PATHWAY_EHC_REQUESTS_PER_DAY = 1
    Client().post(FORM, form_body())
    answer = Client().post(FORM, form_body())
    assert answer.status_code == 429
    assert "Try again tomorrow" in answer.content.decode()


def test_a_family_chooses_their_own_child(team):
    child = ChildFactory(team=team, given_name="Amelia")
    parent = UserFactory(role=Role.FAMILY)
    FamilyMemberFactory(child=child, user=parent)
    client = signed_in(parent)
    assert "Amelia" in client.get(FORM).content.decode()
    sent = client.post(FORM, {"child": child.pk, "reasons": "Needs more help."})
    assert sent.status_code == 302
    assert EHCRequest.objects.get().child == child


def test_staff_are_told_to_record_the_request_on_the_case(practitioner):
    client = signed_in(practitioner)
    assert "Council staff record requests" in client.get(FORM).content.decode()
    assert client.post(FORM, form_body()).status_code == 403


def test_the_queue_offers_the_possible_match_and_accepting_records_the_plan(
    manager, practitioner, team
):
    match = ChildFactory(
        team=team, given_name="Jamie", family_name="Okafor", date_of_birth=D(2018, 5, 4)
    )
    Client().post(FORM, form_body())
    request = EHCRequest.objects.get()
    client = signed_in(manager)
    page = client.get("/ehc-requests/").content.decode()
    assert "Possible match: Jamie Okafor, born 4 May 2018" in page
    assert "Add a new child: Jamie Okafor" in page
    accepted = client.post(
        f"/ehc-requests/{request.pk}/accept/", {"child": match.pk, "case_officer": practitioner.pk}
    )
    assert accepted.status_code == 302
    request.refresh_from_db()
    assert request.plan.child == match
    assert request.plan.case_officer == practitioner
    assert request.plan.requested_on == D(2027, 3, 10)
    assert "There are no requests waiting." in client.get("/ehc-requests/").content.decode()


def test_a_practitioner_is_told_only_a_manager_names_another_case_officer(practitioner):
    Client().post(FORM, form_body())
    page = signed_in(practitioner).get("/ehc-requests/").content.decode()
    assert "Only a team manager can name someone else." in page


def test_accepting_twice_on_the_page_says_when_it_was_accepted(manager):
    Client().post(FORM, form_body())
    request = EHCRequest.objects.get()
    client = signed_in(manager)
    client.post(f"/ehc-requests/{request.pk}/accept/", {"child": "new"})
    again = client.post(f"/ehc-requests/{request.pk}/accept/", {"child": "new"})
    assert again.status_code == 400
    assert "This request was accepted on 10 March 2027." in again.content.decode()


def test_accepting_without_choosing_the_child_adds_nobody(manager, team):
    ChildFactory(team=team, given_name="Jamie", family_name="Okafor", date_of_birth=D(2018, 5, 4))
    Client().post(FORM, form_body())
    request = EHCRequest.objects.get()
    answer = signed_in(manager).post(f"/ehc-requests/{request.pk}/accept/", {})
    assert answer.status_code == 400
    assert "Choose which child Jamie Okafor is, or add them." in answer.content.decode()
    request.refresh_from_db()
    assert request.plan is None


def test_the_queue_page_costs_the_same_queries_for_one_request_or_five(manager, team):
    ChildFactory(team=team, given_name="Jamie", family_name="Okafor", date_of_birth=D(2018, 5, 4))
    client = signed_in(manager)
    Client().post(FORM, form_body())
    with CaptureQueriesContext(connection) as one:
        client.get("/ehc-requests/")
    for n in range(4):
        Client().post(FORM, form_body(requester_email=f"other{n}@example.org"))
    with CaptureQueriesContext(connection) as five:
        page = client.get("/ehc-requests/").content.decode()
    assert page.count("Possible match: Jamie Okafor") == 5
    assert len(five) == len(one)


def test_date_of_birth_in_the_future_is_refused():
    from casework.views.ehc_requests import PublicRequestForm

    form = PublicRequestForm(
        {"date_of_birth_0": "1", "date_of_birth_1": "1", "date_of_birth_2": "2030"}
    )

    assert "The date must be today or in the past." in form.errors["date_of_birth"]
