"""The chronology pages: staff read everything and add notes, the family reads what is shared
with them, a professional reads and adds what is shared with the team."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts.roles import Role
from casework.models import AccessLog, CaseNote
from tests.factories import (
    AssessingCaseFactory,
    CaseNoteFactory,
    ChildFactory,
    FamilyMemberFactory,
    UserFactory,
    professional_in_team,
    staff,
)

pytestmark = pytest.mark.django_db
D = dt.date


@pytest.fixture(autouse=True)
def _today():
    with time_machine.travel(dt.datetime(2026, 11, 24, 10, tzinfo=dt.UTC), tick=True):
        yield


@pytest.fixture
def child():
    return ChildFactory(date_of_birth=D(2016, 5, 1), given_name="Amelia")


@pytest.fixture
def practitioner(child):
    return staff(Role.PRACTITIONER, child.team)


@pytest.fixture
def case(child, practitioner):
    return AssessingCaseFactory(child=child, practitioner=practitioner, received_on=D(2026, 9, 1))


def _note_form(**changes):
    return {
        "on_0": "20",
        "on_1": "11",
        "on_2": "2026",
        "kind": "visit",
        "present": "Mum",
        "text": "Home visit: Amelia showed me her new chair.",
        "visibility": "team",
    } | changes


def test_the_case_page_links_to_the_chronology(client, practitioner, case, child):
    client.force_login(practitioner)

    page = client.get(f"/cases/{case.pk}/").content.decode()

    assert f"/children/{child.pk}/chronology/" in page


def test_staff_see_steps_in_plain_words_and_every_note(client, practitioner, case, child):
    CaseNoteFactory(child=child, text="Only for staff.", visibility="staff")
    client.force_login(practitioner)

    response = client.get(f"/children/{child.pk}/chronology/")

    page = response.content.decode()
    assert response.status_code == 200
    assert "Referral accepted" in page
    assert "Only for staff." in page
    assert 'name="on_0"' in page  # the GOV.UK date input
    assert AccessLog.objects.filter(user=practitioner, child=child, via="page").exists()


def test_the_filter_by_kind_is_kept_in_the_address(client, practitioner, case, child):
    CaseNoteFactory(child=child, text="A note.")
    client.force_login(practitioner)

    page = client.get(f"/children/{child.pk}/chronology/", {"kind": "note"}).content.decode()

    assert "A note." in page
    assert "Referral accepted" not in page
    assert 'value="note" checked' in page


def test_staff_add_a_note_from_the_page(client, practitioner, case, child):
    client.force_login(practitioner)

    response = client.post(f"/children/{child.pk}/chronology/", _note_form())

    assert response.status_code == 302
    note = CaseNote.objects.get(child=child)
    assert (note.on, note.kind, note.written_by) == (D(2026, 11, 20), "visit", practitioner)


def test_a_note_in_the_future_is_shown_as_an_error_on_the_date(client, practitioner, child):
    client.force_login(practitioner)

    response = client.post(f"/children/{child.pk}/chronology/", _note_form(on_0="30"))

    assert response.status_code == 400
    page = response.content.decode()
    assert "govuk-error-summary" in page
    assert "cannot be in the future" in page
    assert not CaseNote.objects.exists()


def test_correct_this_note_opens_the_form_with_the_note_it_corrects(client, practitioner, child):
    first = CaseNoteFactory(child=child, visibility="family")
    client.force_login(practitioner)

    page = client.get(f"/children/{child.pk}/chronology/", {"corrects": first.pk})
    assert "You are correcting" in page.content.decode()

    response = client.post(
        f"/children/{child.pk}/chronology/?corrects={first.pk}",
        _note_form(corrects=str(first.pk), visibility="family", text="It was a phone call."),
    )

    assert response.status_code == 302
    correction = CaseNote.objects.get(corrects=first)
    assert correction.text == "It was a phone call."
    assert CaseNote.objects.filter(child=child).count() == 2


def test_the_family_reads_only_what_is_shared_with_them(client, case, child):
    parent = UserFactory(role=Role.FAMILY)
    FamilyMemberFactory(child=child, user=parent)
    CaseNoteFactory(child=child, text="Shared with you.", visibility="family")
    CaseNoteFactory(child=child, text="For the team.", visibility="team")
    client.force_login(parent)

    assert f"/my-child/{child.pk}/chronology/" in client.get("/my-child/").content.decode()
    page = client.get(f"/my-child/{child.pk}/chronology/").content.decode()

    assert "Shared with you." in page
    assert "For the team." not in page
    assert "Referral accepted" in page
    assert "Add a case note" not in page
    assert client.post(f"/my-child/{child.pk}/chronology/", _note_form()).status_code == 405


def test_a_professional_reads_team_notes_and_adds_one(client, case, child):
    professional = professional_in_team(child)
    CaseNoteFactory(child=child, text="For the team.", visibility="team")
    CaseNoteFactory(child=child, text="Only for staff.", visibility="staff")
    client.force_login(professional)
    url = f"/professional/children/{child.pk}/chronology/"

    page = client.get(url).content.decode()
    response = client.post(url, _note_form(text="Seen in class."))

    assert "For the team." in page
    assert "Only for staff." not in page
    assert 'value="staff"' not in page  # a professional's note is shared with the team
    assert response.status_code == 302
    assert CaseNote.objects.get(text="Seen in class.").written_by == professional


def test_a_professional_outside_the_team_gets_a_404(client, child):
    outsider = professional_in_team(ChildFactory())
    client.force_login(outsider)

    assert client.get(f"/professional/children/{child.pk}/chronology/").status_code == 404


def test_the_staff_page_costs_the_same_queries_however_many_notes(
    client, practitioner, case, child
):
    client.force_login(practitioner)
    url = f"/children/{child.pk}/chronology/"
    client.get(url)  # the session, roles and content types, once cached
    CaseNoteFactory.create_batch(2, child=child)
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    CaseNoteFactory.create_batch(20, child=child)
    with CaptureQueriesContext(connection) as many:
        client.get(url)

    assert len(many) == len(few)


def test_the_familys_chronology_offers_no_filter_for_what_it_never_shows(db):
    from casework.chronology import Audience, kinds_for

    assert "advice" not in kinds_for(Audience.FAMILY)
    assert "advice" in kinds_for(Audience.TEAM)
