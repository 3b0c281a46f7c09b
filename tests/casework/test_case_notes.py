"""Case notes: dated, by the child's team, never changed or deleted, corrected by a later note."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from accounts.roles import Role
from casework.models import AccessLog, CaseNote
from casework.services.notes import case_note_add
from tests.factories import (
    CaseNoteFactory,
    ChildFactory,
    ConsentFactory,
    FamilyMemberFactory,
    UserFactory,
    professional_in_team,
    staff,
)
from workflows.errors import InvalidParams, NotPermitted

pytestmark = pytest.mark.django_db
D = dt.date
TODAY = D(2026, 11, 24)


@pytest.fixture(autouse=True)
def _today():
    with time_machine.travel(dt.datetime(2026, 11, 24, 10, tzinfo=dt.UTC), tick=False):
        yield


@pytest.fixture
def child():
    return ChildFactory(date_of_birth=D(2016, 5, 1), given_name="Amelia")


@pytest.fixture
def practitioner(child):
    return staff(Role.PRACTITIONER, child.team)


@pytest.fixture
def professional(child):
    return professional_in_team(child, agency="education")


@pytest.fixture
def family(child):
    parent = UserFactory(role=Role.FAMILY)
    FamilyMemberFactory(child=child, user=parent)
    return parent


def api(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def _post(user, child, **changes):
    body = {
        "child": child.pk,
        "kind": "phone_call",
        "on": "2026-11-20",
        "text": "Mum said the new timetable is working.",
        "present": "Mum, SENCO",
    } | changes
    return api(user).post("/api/v1/case-notes/", body, format="json")


def test_a_note_is_added_with_the_issues_shape_and_shared_with_the_team_by_default(
    child, practitioner
):
    response = _post(practitioner, child)

    assert response.status_code == 201
    body = response.json()
    assert {key: body[key] for key in ("child", "kind", "on", "present", "visibility")} == {
        "child": child.pk,
        "kind": "phone_call",
        "on": "2026-11-20",
        "present": "Mum, SENCO",
        "visibility": "team",
    }
    assert body["corrects"] is None
    assert body["written_by"] == str(practitioner)


@pytest.mark.parametrize("on", ["2026-11-25", "2016-04-30"], ids=["future", "before_birth"])
def test_a_note_dated_in_the_future_or_before_the_child_was_born_is_a_400_on_the_date(
    child, practitioner, on
):
    response = _post(practitioner, child, on=on)

    assert response.status_code == 400
    assert list(response.json()["fields"]) == ["on"]
    assert not CaseNote.objects.exists()


def test_a_note_on_the_day_of_birth_and_one_today_are_accepted(child, practitioner):
    assert _post(practitioner, child, on="2016-05-01").status_code == 201
    assert _post(practitioner, child, on="2026-11-24").status_code == 201


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"text": "   "}, "text"),
        ({"text": "Called\u202emum"}, "text"),
        ({"present": "Mum\nDad"}, "present"),
        ({"kind": "gossip"}, "kind"),
        ({"visibility": "everyone"}, "visibility"),
    ],
    ids=["blank", "bidi_control", "present_on_two_lines", "unknown_kind", "unknown_visibility"],
)
def test_bad_text_kind_or_visibility_is_a_400_naming_the_field(
    child, practitioner, changes, field
):
    response = _post(practitioner, child, **changes)

    assert response.status_code == 400
    assert field in response.json()["fields"]


def test_the_service_refuses_control_characters_as_the_api_does(child, practitioner):
    with pytest.raises(InvalidParams) as refused:
        case_note_add(by=practitioner, child=child, kind="visit", on=TODAY, text="a\x00b")

    assert list(refused.value.fields) == ["text"]


def test_a_correction_is_a_later_note_and_both_are_kept(child, practitioner):
    first = _post(practitioner, child, text="Visited on Monday.").json()

    second = _post(practitioner, child, text="It was Tuesday.", corrects=first["id"])

    assert second.status_code == 201
    assert second.json()["corrects"] == first["id"]
    assert CaseNote.objects.get(pk=first["id"]).text == "Visited on Monday."
    third = _post(practitioner, child, text="Tuesday afternoon.", corrects=second.json()["id"])
    assert third.status_code == 201
    assert CaseNote.objects.filter(child=child).count() == 3


def test_a_correction_of_another_childs_note_is_refused(child, practitioner):
    sibling = ChildFactory(team=child.team)
    theirs = CaseNoteFactory(child=sibling, written_by=practitioner)

    response = _post(practitioner, child, corrects=theirs.pk)

    assert response.status_code == 400
    assert "corrects" in response.json()["fields"]


def test_a_correction_is_shared_at_least_as_widely_as_the_note_it_corrects(child, practitioner):
    shared = _post(practitioner, child, visibility="family").json()

    response = _post(practitioner, child, corrects=shared["id"], visibility="team")

    assert response.status_code == 400
    assert "visibility" in response.json()["fields"]


@pytest.mark.parametrize("method", ["put", "patch", "delete"])
def test_a_note_is_never_changed_or_deleted(child, practitioner, method):
    note = CaseNoteFactory(child=child, written_by=practitioner)

    response = getattr(api(practitioner), method)(
        f"/api/v1/case-notes/{note.pk}/", {"text": "x"}, format="json"
    )

    assert response.status_code == 405
    assert CaseNote.objects.get(pk=note.pk).text == note.text


def test_a_professional_who_sees_the_child_adds_a_note_shared_with_the_team(child, professional):
    response = _post(professional, child)

    assert response.status_code == 201
    assert response.json()["visibility"] == "team"


def test_a_professionals_note_cannot_be_kept_to_staff(child, professional):
    response = _post(professional, child, visibility="staff")

    assert response.status_code == 400
    assert list(response.json()["fields"]) == ["visibility"]


def test_a_professional_whose_agencys_consent_is_withdrawn_cannot_add_a_note(
    child, professional, practitioner
):
    ConsentFactory(child=child, agency="education", given=False, recorded_by=practitioner)

    response = _post(professional, child)

    assert response.status_code == 400
    assert "child" in response.json()["fields"]
    with pytest.raises(NotPermitted):
        case_note_add(by=professional, child=child, kind="visit", on=TODAY, text="Seen.")


def test_the_family_and_another_team_cannot_add_notes(child, family):
    assert _post(family, child).status_code == 403
    other = staff(Role.PRACTITIONER, ChildFactory().team)
    response = _post(other, child)
    assert response.status_code == 400
    assert "child" in response.json()["fields"]


def test_each_reader_lists_only_the_notes_shared_with_them(
    child, practitioner, professional, family
):
    for visibility in ("staff", "team", "family"):
        CaseNoteFactory(child=child, visibility=visibility, text=visibility)

    def texts(user):
        response = api(user).get("/api/v1/case-notes/", {"child": child.pk})
        return [row["text"] for row in response.json()["results"]]

    assert texts(practitioner) == ["staff", "team", "family"]
    assert texts(professional) == ["team", "family"]
    assert texts(family) == ["family"]


def test_a_staff_only_note_is_a_404_to_a_professional_as_a_missing_one_is(child, professional):
    note = CaseNoteFactory(child=child, visibility="staff")

    hidden = api(professional).get(f"/api/v1/case-notes/{note.pk}/")
    missing = api(professional).get("/api/v1/case-notes/987654/")

    assert hidden.status_code == missing.status_code == 404
    assert hidden.json() == missing.json()


def test_the_list_filters_by_kind_and_logs_each_child_read_once(child, practitioner):
    CaseNoteFactory(child=child, kind="visit")
    CaseNoteFactory(child=child, kind="phone_call")

    response = api(practitioner).get("/api/v1/case-notes/", {"child": child.pk, "kind": "visit"})

    assert [row["kind"] for row in response.json()["results"]] == ["visit"]
    assert AccessLog.objects.filter(user=practitioner, child=child).count() == 1


def test_a_professionals_read_of_a_note_is_in_the_access_log(child, professional):
    note = CaseNoteFactory(child=child)

    api(professional).get(f"/api/v1/case-notes/{note.pk}/")

    assert AccessLog.objects.filter(user=professional, child=child, record_id=note.pk).exists()


def test_the_list_costs_the_same_queries_for_two_notes_or_twenty(child, practitioner):
    CaseNoteFactory.create_batch(2, child=child)
    client = api(practitioner)
    client.get("/api/v1/case-notes/", {"child": child.pk})  # the user's roles, once cached
    with CaptureQueriesContext(connection) as few:
        client.get("/api/v1/case-notes/", {"child": child.pk})
    CaseNoteFactory.create_batch(18, child=child)
    with CaptureQueriesContext(connection) as many:
        client.get("/api/v1/case-notes/", {"child": child.pk})

    assert len(many) == len(few)
