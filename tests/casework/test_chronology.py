"""A child's chronology: notes, steps in plain words and advice, in date order, as each reader
may see them."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

import workflows
from accounts.roles import Role
from casework import services
from casework.models import AccessLog
from casework.models.advice import AdviceRequest
from casework.services import advice as advice_services
from tests.factories import (
    AssessingCaseFactory,
    AssessingPlanFactory,
    CaseNoteFactory,
    ChildFactory,
    ConsentFactory,
    FamilyMemberFactory,
    UserFactory,
    professional_in_team,
    staff,
)
from workflows.audit import audit

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
def professional(child):
    return professional_in_team(child, agency="education")


@pytest.fixture
def family(child):
    parent = UserFactory(role=Role.FAMILY)
    FamilyMemberFactory(child=child, user=parent)
    return parent


@pytest.fixture
def story(child, practitioner):
    """A referral received and accepted on 2 September, a plan asked for on 3 June and its draft
    issued, medical advice asked for and received, and notes for each audience."""
    case = AssessingCaseFactory(
        child=child,
        practitioner=practitioner,
        received_on=D(2026, 9, 1),
        accepted_on=D(2026, 9, 2),
    )
    plan = AssessingPlanFactory(child=child, practitioner=practitioner)
    request = advice_services.advice_request(
        by=practitioner,
        plan=plan,
        kind="medical",
        adviser_email="paed@example.org",
        requested_on=D(2026, 9, 2),
    )
    workflows.transition(
        request, "submit", by=practitioner, on=D(2026, 10, 1), advice="Needs a hoist."
    )
    sections = {"section_b": "Needs", "section_e": "Outcomes", "section_f": "Provision"}
    plan = services.plan_update(by=practitioner, plan=plan, **sections)
    plan = workflows.transition(plan, "issue_draft", by=practitioner, on=D(2026, 10, 5))
    CaseNoteFactory(child=child, on=D(2026, 9, 2), text="Staff only.", visibility="staff")
    CaseNoteFactory(child=child, on=D(2026, 9, 2), text="For the team.", visibility="team")
    CaseNoteFactory(child=child, on=D(2026, 9, 1), text="For the family.", visibility="family")
    return case, plan, request


def api(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def _get(user, child, **params):
    return api(user).get(f"/api/v1/children/{child.pk}/chronology/", params)


def test_entries_have_the_documented_shape(story, child, practitioner):
    _, plan, request = story
    entries = _get(practitioner, child).json()

    assert all(set(e) == {"on", "at", "kind", "title", "text", "by", "source"} for e in entries)
    sources = {e["title"]: e["source"] for e in entries}
    assert sources["Draft plan issued"] == {"type": "ehc_plan", "id": plan.pk}
    assert sources["Medical advice received"] == {"type": "advice_request", "id": request.pk}
    draft = next(e for e in entries if e["title"] == "Draft plan issued")
    assert (draft["on"], draft["kind"], draft["by"]) == ("2026-10-05", "step", str(practitioner))


def test_staff_see_notes_steps_and_advice_in_date_order_in_plain_words(story, child, practitioner):
    entries = _get(practitioner, child).json()

    assert [entry["on"] for entry in entries] == sorted(entry["on"] for entry in entries)
    titles = [entry["title"] for entry in entries]
    for words in (
        "Referral received",
        "Referral accepted",
        "Request for an EHC needs assessment received",
        "Agreed to carry out an EHC needs assessment",
        "Draft plan issued",
        "Medical advice asked for",
        "Medical advice received",
        "Phone call",
    ):
        assert words in titles
    assert not any("→" in title or "_" in title for title in titles)
    received = next(e for e in entries if e["title"] == "Medical advice received")
    assert (received["on"], received["text"]) == ("2026-10-01", "Needs a hoist.")
    assert {e["text"] for e in entries if e["kind"] == "note"} == {
        "Staff only.",
        "For the team.",
        "For the family.",
    }


def test_entries_on_one_day_keep_the_order_they_were_recorded_in(story, child, practitioner):
    on_the_second = [e for e in _get(practitioner, child).json() if e["on"] == "2026-09-02"]

    assert [e["at"] for e in on_the_second] == sorted(e["at"] for e in on_the_second)
    assert [e["title"] for e in on_the_second] == [
        "Referral accepted",
        "Medical advice asked for",
        "Phone call",
        "Phone call",
    ]


def test_the_family_sees_only_what_is_shared_with_them(story, child, family):
    entries = _get(family, child).json()

    notes = [e["text"] for e in entries if e["kind"] == "note"]
    assert notes == ["For the family."]
    assert not [e for e in entries if e["kind"] == "advice"]
    assert "Draft plan issued" in [e["title"] for e in entries]
    assert all(e["text"] == "" for e in entries if e["kind"] == "step")


def test_the_family_does_not_see_budget_or_internal_steps(story, child, family, practitioner):
    case, _, _ = story
    audit(case, "override_consent", by=practitioner, note="Safeguarding", case_id=case.pk)

    assert "Consent to share overridden" in [e["title"] for e in _get(practitioner, child).json()]
    assert "Consent to share overridden" not in [e["title"] for e in _get(family, child).json()]


def test_a_professional_sees_team_shared_notes_and_advice_without_its_text(
    story, child, professional
):
    entries = _get(professional, child).json()

    assert sorted(e["text"] for e in entries if e["kind"] == "note") == [
        "For the family.",
        "For the team.",
    ]
    received = next(e for e in entries if e["title"] == "Medical advice received")
    assert received["text"] == "From paed@example.org."


def test_a_professional_whose_agencys_consent_is_withdrawn_gets_a_404_as_for_a_missing_child(
    story, child, professional, practitioner
):
    ConsentFactory(child=child, agency="education", given=False, recorded_by=practitioner)

    hidden = _get(professional, child)
    missing = api(professional).get("/api/v1/children/987654/chronology/")

    assert hidden.status_code == missing.status_code == 404
    assert hidden.json() == missing.json()


def test_another_team_and_another_family_get_a_404(story, child):
    other_child = ChildFactory()
    other_parent = UserFactory(role=Role.FAMILY)
    FamilyMemberFactory(child=other_child, user=other_parent)

    assert _get(staff(Role.PRACTITIONER, other_child.team), child).status_code == 404
    assert _get(other_parent, child).status_code == 404


def test_the_chronology_filters_by_kind(story, child, practitioner):
    kinds = {e["kind"] for e in _get(practitioner, child, kind=["advice", "note"]).json()}

    assert kinds == {"advice", "note"}
    assert _get(practitioner, child, kind="letters").status_code == 400


def test_staff_and_professional_reads_are_in_the_access_log_and_the_familys_are_not(
    story, child, practitioner, professional, family
):
    for user in (practitioner, professional, family):
        _get(user, child)

    logged = set(AccessLog.objects.filter(child=child).values_list("user_id", flat=True))
    assert logged == {practitioner.pk, professional.pk}


def test_the_chronology_costs_the_same_queries_however_many_entries(child, practitioner, story):
    client = api(practitioner)
    url = f"/api/v1/children/{child.pk}/chronology/"
    client.get(url)  # the user's roles and the content types, once cached
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    case, plan, _ = story
    CaseNoteFactory.create_batch(15, child=child)
    for number in range(5):  # rows as they are: the plan's assessment is over
        AdviceRequest.objects.create(
            plan=plan,
            kind="educational",
            adviser_email=f"school{number}@example.org",
            requested_on=D(2026, 9, 10),
            recorded_by=practitioner,
        )
    services.review_create(by=practitioner, case=case, due_on=D(2027, 9, 1))
    with CaptureQueriesContext(connection) as many:
        response = client.get(url)

    assert len(response.json()) > 30
    assert len(many) == len(few)


def test_a_document_added_to_the_record_is_in_the_chronology_as_shared(db):
    """Documents join the chronology as case notes do: each reader sees those shared with them."""
    from django.core.files.base import ContentFile

    from casework.chronology import Audience, chronology
    from casework.models.document import Document
    from tests.factories import ChildFactory, UserFactory

    child = ChildFactory()
    by = UserFactory()
    for visibility in ("staff", "team", "family"):
        document = Document(
            child=child,
            title=f"Report for the {visibility}",
            kind="report",
            visibility=visibility,
            token=f"token{visibility}",
            content_type="text/plain",
            size=5,
            uploaded_by=by,
        )
        document.file.save(f"{visibility}.txt", ContentFile(b"hello"), save=False)
        document.save()

    def titles(audience):
        return [e.title for e in chronology(child, audience=audience, kinds=["document"])]

    assert titles(Audience.STAFF) == [
        "Document added: Report for the staff",
        "Document added: Report for the team",
        "Document added: Report for the family",
    ]
    assert titles(Audience.TEAM) == [
        "Document added: Report for the team",
        "Document added: Report for the family",
    ]
    assert titles(Audience.FAMILY) == ["Document added: Report for the family"]
