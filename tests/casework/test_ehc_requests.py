"""Requests for an EHC needs assessment made online (SEND Regs 2014 reg 3): anybody may ask; the
request's received date is the day it arrived, and accepting it records the plan's request on
that date, so the 6-week decision (reg 5(1)) and the 20-week final plan (reg 13(2)) run from it."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from accounts.roles import Role
from casework.models import Document, EHCRequest
from tests.factories import (
    ChildFactory,
    FamilyMemberFactory,
    OrganisationFactory,
    ProfessionalFactory,
    UserFactory,
    professional_in_team,
    staff,
)
from workflows.models import Deadline, Notification

D = dt.date
TODAY = D(2027, 3, 10)
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
URL = "/api/v1/ehc-requests/"


@pytest.fixture(autouse=True)
def today():
    # 23:30 in London on 9 March is still the 9th there: British summer time starts later.
    with time_machine.travel(dt.datetime(2027, 3, 10, 9, tzinfo=dt.UTC), tick=False):
        yield


def api(user=None) -> APIClient:
    client = APIClient()
    if user is not None:
        client.force_authenticate(user)
    return client


def public_body(**changes):
    return {
        "child_name": "Jamie Okafor",
        "date_of_birth": "2018-05-04",
        "requester_name": "Ada Okafor",
        "requester_email": "Ada.Okafor@Example.org",
        "relationship": "parent",
        "reasons": "Jamie is not making progress despite support at school.",
    } | changes


def ask(**changes):
    return api().post(URL, public_body(**changes), format="json")


def test_an_anonymous_request_accepted_opens_the_plan_deadlines_from_the_day_it_arrived(
    manager, team
):
    made = ask()
    assert made.status_code == 201, made.json()
    assert made.json()["received_on"] == "2027-03-10"
    assert made.json()["decision_due_on"] == "2027-04-21"
    request = EHCRequest.objects.get()
    assert request.requester_email == "ada.okafor@example.org"
    assert request.made_by is None

    with time_machine.travel(dt.datetime(2027, 3, 20, 9, tzinfo=dt.UTC), tick=False):
        accepted = api(manager).post(
            f"{URL}{request.pk}/accept/",
            {"child": None, "case_officer": manager.pk},
            format="json",
        )
    assert accepted.status_code == 200, accepted.json()
    body = accepted.json()
    assert body["status"] == "accepted"
    request.refresh_from_db()
    plan = request.plan
    assert plan.requested_on == D(2027, 3, 10)
    assert plan.requested_by == "parent"
    assert plan.case_officer == manager
    assert (plan.child.given_name, plan.child.family_name) == ("Jamie", "Okafor")
    assert plan.child.team == team
    due = {row.kind: row.due_on for row in Deadline.objects.filter(subject_id=plan.pk)}
    assert due["decision_to_assess"] == D(2027, 4, 21)
    assert due["final_plan"] == D(2027, 7, 28)


def test_the_requester_is_sent_a_confirmation_with_the_decision_date(
    db, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        assert ask().status_code == 201
    (message,) = mail.outbox
    assert message.to == ["ada.okafor@example.org"]
    assert "10 March 2027" in message.body
    assert "21 April 2027" in message.body


@pytest.mark.parametrize(
    ("date_of_birth", "words"),
    [(None, "required"), ("2027-03-11", "future"), ("2001-03-09", "0 to 25")],
)
def test_a_missing_future_or_too_early_date_of_birth_is_refused_on_the_field(
    db, date_of_birth, words
):
    body = public_body(date_of_birth=date_of_birth)
    if date_of_birth is None:
        del body["date_of_birth"]
    answer = api().post(URL, body, format="json")
    assert answer.status_code == 400
    assert words in " ".join(answer.json()["fields"]["date_of_birth"])
    assert not EHCRequest.objects.exists()


def test_a_fourth_request_from_one_address_in_a_day_is_told_to_wait(db, settings):
    settings.PATHWAY_EHC_REQUESTS_PER_DAY = 3
    for _ in range(3):
        assert ask(requester_email="ada@example.org").status_code == 201
    refused = ask(requester_email=" ADA@example.org")
    assert refused.status_code == 429
    assert "Try again tomorrow" in refused.json()["detail"]
    assert EHCRequest.objects.count() == 3
    with time_machine.travel(dt.datetime(2027, 3, 11, 9, tzinfo=dt.UTC), tick=False):
        assert ask(requester_email="ada@example.org").status_code == 201


def test_files_sent_with_a_request_become_evidence_on_the_child_record(manager, team, db):
    upload = SimpleUploadedFile("school report.pdf", PDF, content_type="application/pdf")
    made = api().post(URL, public_body(files=[upload]), format="multipart")
    assert made.status_code == 201, made.json()
    request = EHCRequest.objects.get()
    child = ChildFactory(
        team=team, given_name="Jamie", family_name="Okafor", date_of_birth=D(2018, 5, 4)
    )
    accepted = api(manager).post(f"{URL}{request.pk}/accept/", {"child": child.pk}, format="json")
    assert accepted.status_code == 200, accepted.json()
    (document,) = Document.objects.filter(child=child)
    assert (document.title, document.kind, document.visibility) == (
        "school report.pdf",
        "evidence",
        "team",
    )
    assert document.file.read() == PDF


def test_an_executable_sent_as_a_pdf_is_refused_and_nothing_is_kept(db):
    upload = SimpleUploadedFile("report.pdf", b"MZ\x90\x00" + b"\x00" * 64)
    answer = api().post(URL, public_body(files=[upload]), format="multipart")
    assert answer.status_code == 400
    assert "files" in answer.json()["fields"]
    assert not EHCRequest.objects.exists()


def test_a_family_requests_for_their_own_child_and_is_told_in_their_messages(team):
    child = ChildFactory(team=team)
    parent = UserFactory(role=Role.FAMILY)
    FamilyMemberFactory(child=child, user=parent)
    made = api(parent).post(URL, {"child": child.pk, "reasons": "Needs more help."}, format="json")
    assert made.status_code == 201, made.json()
    request = EHCRequest.objects.get()
    assert (request.child, request.made_by, request.relationship) == (child, parent, "parent")
    assert Notification.objects.filter(recipient=parent, kind="ehc_request").exists()

    other = ChildFactory(team=team)
    refused = api(parent).post(URL, {"child": other.pk, "reasons": "x"}, format="json")
    assert refused.status_code == 400
    assert "child" in refused.json()["fields"]


def test_a_second_request_for_a_child_already_waiting_is_refused(team):
    child = ChildFactory(team=team)
    parent = UserFactory(role=Role.FAMILY)
    FamilyMemberFactory(child=child, user=parent)
    assert (
        api(parent).post(URL, {"child": child.pk, "reasons": "a"}, format="json").status_code
        == 201
    )
    again = api(parent).post(URL, {"child": child.pk, "reasons": "b"}, format="json")
    assert again.status_code == 400
    assert "already waiting" in again.json()["fields"]["child"][0]


def test_a_school_requests_for_a_child_it_works_with_but_a_health_professional_cannot(team):
    child = ChildFactory(team=team)
    senco = professional_in_team(child, agency="education")
    made = api(senco).post(URL, {"child": child.pk, "reasons": "Falling behind."}, format="json")
    assert made.status_code == 201, made.json()
    assert EHCRequest.objects.get().relationship == "school"

    nurse = professional_in_team(ChildFactory(team=team), agency="health")
    refused = api(nurse).post(URL, {"child": child.pk, "reasons": "x"}, format="json")
    assert refused.status_code == 403

    stranger = ProfessionalFactory(organisation=OrganisationFactory(agency="education")).user
    not_theirs = api(stranger).post(URL, {"child": child.pk, "reasons": "x"}, format="json")
    assert not_theirs.status_code == 400


def test_staff_use_the_plan_request_not_this_form(practitioner):
    answer = api(practitioner).post(URL, public_body(), format="json")
    assert answer.status_code == 403


def test_the_queue_shows_possible_matches_by_birthday_and_a_shared_name_in_fixed_queries(
    practitioner, team, other_team
):
    same = ChildFactory(
        team=team, given_name="Jamie", family_name="Smith", date_of_birth=D(2018, 5, 4)
    )
    sibling = ChildFactory(
        team=team, given_name="Kim", family_name="okafor", date_of_birth=D(2018, 5, 4)
    )
    ChildFactory(team=team, given_name="Jamie", family_name="Okafor", date_of_birth=D(2018, 5, 5))
    ChildFactory(team=team, given_name="Lee", family_name="Brown", date_of_birth=D(2018, 5, 4))
    ChildFactory(
        team=other_team, given_name="Jamie", family_name="Okafor", date_of_birth=D(2018, 5, 4)
    )
    ask()
    with CaptureQueriesContext(connection) as one:
        first = api(practitioner).get(URL, {"status": "new"})
    for n in range(4):
        ask(requester_email=f"other{n}@example.org", child_name=f"Child {n}")
    with CaptureQueriesContext(connection) as five:
        listed = api(practitioner).get(URL, {"status": "new"})
    assert first.status_code == 200
    matches = {row["id"] for row in first.json()["results"][0]["possible_matches"]}
    assert matches == {same.pk, sibling.pk}
    assert len(listed.json()["results"]) == 5
    assert len(five) == len(one)


def test_the_queue_is_for_staff_only(team, db):
    parent = UserFactory(role=Role.FAMILY)
    senco = professional_in_team(ChildFactory(team=team))
    for user in (parent, senco):
        assert api(user).get(URL, {"status": "new"}).status_code == 403
    assert api().get(URL).status_code == 401


def test_an_unknown_status_is_refused(practitioner):
    answer = api(practitioner).get(URL, {"status": "maybe"})
    assert answer.status_code == 400
    assert "status" in answer.json()["fields"]


def test_accepting_twice_is_refused_with_a_conflict(manager):
    ask()
    request = EHCRequest.objects.get()
    assert (
        api(manager).post(f"{URL}{request.pk}/accept/", {"child": None}, format="json").status_code
        == 200
    )
    again = api(manager).post(f"{URL}{request.pk}/accept/", {"child": None}, format="json")
    assert again.status_code == 409
    assert "accepted on 10 March 2027" in again.json()["detail"]


def test_a_practitioner_may_accept_but_not_name_another_case_officer(practitioner, manager):
    ask()
    request = EHCRequest.objects.get()
    refused = api(practitioner).post(
        f"{URL}{request.pk}/accept/", {"child": None, "case_officer": manager.pk}, format="json"
    )
    assert refused.status_code == 403
    assert EHCRequest.objects.get().plan is None
    assert not request.__class__.objects.filter(child__isnull=False).exists()
    accepted = api(practitioner).post(f"{URL}{request.pk}/accept/", {"child": None}, format="json")
    assert accepted.status_code == 200
    assert EHCRequest.objects.get().plan.case_officer == practitioner


def test_a_child_of_another_team_cannot_be_chosen(manager, other_team):
    ask()
    request = EHCRequest.objects.get()
    elsewhere = ChildFactory(team=other_team)
    answer = api(manager).post(
        f"{URL}{request.pk}/accept/", {"child": elsewhere.pk}, format="json"
    )
    assert answer.status_code == 400
    assert "child" in answer.json()["fields"]


def test_a_request_for_another_teams_child_is_not_found(team, other_team):
    child = ChildFactory(team=other_team)
    parent = UserFactory(role=Role.FAMILY)
    FamilyMemberFactory(child=child, user=parent)
    api(parent).post(URL, {"child": child.pk, "reasons": "a"}, format="json")
    request = EHCRequest.objects.get()
    outsider = staff(Role.TEAM_MANAGER, team)
    assert api(outsider).get(f"{URL}{request.pk}/").status_code == 404


def test_a_request_is_not_accepted_onto_a_child_born_on_another_day(manager, team):
    ask()
    request = EHCRequest.objects.get()
    someone_else = ChildFactory(team=team, date_of_birth=dt.date(2014, 9, 2))

    refused = api(manager).post(
        f"{URL}{request.pk}/accept/", {"child": someone_else.pk}, format="json"
    )

    assert refused.status_code == 400
    assert "the request is for a child born on 4 May 2018" in refused.json()["fields"]["child"][0]
    request.refresh_from_db()
    assert request.plan is None
