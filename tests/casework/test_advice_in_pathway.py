"""Advisers answer in Pathway (DESIGN §3 AdviceRequest): the professional asked gives the advice
and its documents, which closes the `advice` deadline met or missed against its 6 weeks
(SEND Regs 2014 reg 8(1)); they see what the other advisers gave first (tell it once), and
someone else's request is not found."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from rest_framework.test import APIClient

from casework.models import AccessLog, Document, PlanStatus
from casework.models.advice import AdviceStatus
from casework.services import advice as services
from tests.factories import (
    ChildFactory,
    PlanFactory,
    ProfessionalFactory,
    professional_in_team,
    staff,
)
from workflows.models import Deadline, DeadlineStatus, Reminder
from workflows.reminders import reminders_sweep

D = dt.date
TODAY = D(2027, 9, 1)
ON_TIME = D(2027, 8, 1)  # due 12 September 2027
LATE = D(2027, 7, 1)  # due 12 August 2027
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 64


@pytest.fixture(autouse=True)
def today():
    with time_machine.travel(dt.datetime(2027, 9, 1, 9, tzinfo=dt.UTC), tick=False):
        yield


def api(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


@pytest.fixture
def plan(team):
    child = ChildFactory(team=team, date_of_birth=D(2016, 4, 2))
    return PlanFactory(child=child, requested_on=D(2026, 11, 2), status=PlanStatus.ASSESSING)


@pytest.fixture
def adviser(db):
    return ProfessionalFactory(organisation__agency="health", profession="paediatrician").user


def asked(practitioner, plan, adviser, on=ON_TIME, kind="medical"):
    return services.advice_request(
        by=practitioner, plan=plan, kind=kind, requested_on=on, adviser=adviser
    )


def submit(user, record, **body):
    return api(user).post(
        f"/api/v1/advice-requests/{record.pk}/submit/", {"advice": "Needs OT."} | body
    )


def deadline_of(record) -> Deadline:
    return Deadline.objects.get(kind="advice", subject_id=record.pk)


def test_the_adviser_answering_on_time_meets_the_deadline(practitioner, plan, adviser):
    record = asked(practitioner, plan, adviser)

    response = api(adviser).post(
        f"/api/v1/advice-requests/{record.pk}/submit/", {"advice": "Needs OT."}, format="json"
    )

    assert response.status_code == 200, response.json()
    body = response.json()
    assert (body["status"], body["received_on"], body["advice"], body["late_reason"]) == (
        "received",
        TODAY.isoformat(),
        "Needs OT.",
        "",
    )
    deadline = deadline_of(record)
    assert (deadline.status, deadline.closed_on) == (DeadlineStatus.MET, TODAY)


def test_the_adviser_answering_late_misses_the_deadline_and_the_reason_is_kept(
    practitioner, plan, adviser
):
    record = asked(practitioner, plan, adviser, on=LATE)

    response = submit(adviser, record, late_reason="Clinic closed over the summer.")

    assert response.status_code == 200, response.json()
    assert response.json()["late_reason"] == "Clinic closed over the summer."
    record.refresh_from_db()
    assert record.late_reason == "Clinic closed over the summer."
    deadline = deadline_of(record)
    assert (deadline.status, deadline.closed_on) == (DeadlineStatus.MISSED, TODAY)


def test_a_late_reason_for_advice_on_time_is_400(practitioner, plan, adviser):
    record = asked(practitioner, plan, adviser)

    response = submit(adviser, record, late_reason="Sorry")

    assert response.status_code == 400
    assert "late_reason" in response.json()["fields"]


def test_the_adviser_cannot_date_their_advice_back_into_the_6_weeks(practitioner, plan, adviser):
    record = asked(practitioner, plan, adviser, on=LATE)

    response = submit(adviser, record, received_on="2027-08-10")

    assert response.status_code == 400
    assert "received_on" in response.json()["fields"]
    assert deadline_of(record).status == DeadlineStatus.OPEN


def test_staff_still_record_advice_that_came_by_other_means_on_its_day(
    practitioner, plan, adviser
):
    record = asked(practitioner, plan, adviser, on=LATE)

    response = submit(practitioner, record, received_on="2027-08-10")

    assert response.status_code == 200, response.json()
    assert deadline_of(record).status == DeadlineStatus.MET


def test_a_professional_who_is_not_the_adviser_is_told_not_found_even_in_the_team(
    practitioner, plan, adviser
):
    record = asked(practitioner, plan, adviser)
    in_team = professional_in_team(plan.child, agency="education", part="review_convener")

    detail = api(in_team).get(f"/api/v1/advice-requests/{record.pk}/")
    posted = submit(in_team, record)
    missing = submit(in_team, record.__class__(pk=record.pk + 1000))

    assert detail.status_code == posted.status_code == missing.status_code == 404
    assert posted.json() == missing.json()
    record.refresh_from_db()
    assert record.status == AdviceStatus.REQUESTED


def test_documents_sent_with_the_advice_are_kept_with_their_type_read_from_the_file(
    practitioner, plan, adviser
):
    record = asked(practitioner, plan, adviser)
    files = [
        SimpleUploadedFile("report.pdf", PDF, content_type="text/html"),
        SimpleUploadedFile("notes.txt", "Seen in clinic — twice.".encode(), "application/pdf"),
    ]

    response = submit(adviser, record, documents=files)

    assert response.status_code == 200, response.json()
    documents = Document.objects.filter(advice_request=record).order_by("pk")
    assert [(d.title, d.content_type, d.size, d.kind, d.visibility) for d in documents] == [
        ("report.pdf", "application/pdf", len(PDF), "advice", "team"),
        ("notes.txt", "text/plain", len("Seen in clinic — twice.".encode()), "advice", "team"),
    ]
    assert [d["title"] for d in response.json()["documents"]] == ["report.pdf", "notes.txt"]
    assert all(d.child_id == plan.child_id and d.uploaded_by == adviser for d in documents)


@pytest.mark.parametrize(
    "upload",
    [
        SimpleUploadedFile("report.pdf", EXE, content_type="application/pdf"),
        SimpleUploadedFile("empty.pdf", b"", content_type="application/pdf"),
    ],
    ids=["a program named .pdf", "an empty file"],
)
def test_a_file_of_a_type_not_allowed_is_400_and_nothing_is_saved(
    practitioner, plan, adviser, upload
):
    record = asked(practitioner, plan, adviser)

    response = submit(adviser, record, documents=[upload])

    assert response.status_code == 400, response.json()
    assert "documents" in response.json()["fields"]
    record.refresh_from_db()
    assert record.status == AdviceStatus.REQUESTED
    assert not Document.objects.exists()


def test_a_file_over_the_size_limit_is_400(settings, practitioner, plan, adviser):
    settings.PATHWAY_DOCUMENT_MAX_BYTES = 20
    record = asked(practitioner, plan, adviser)

    response = submit(adviser, record, documents=[SimpleUploadedFile("a.pdf", PDF)])

    assert response.status_code == 400
    assert "smaller than" in response.json()["fields"]["documents"][0]


def test_an_adviser_sees_the_advice_others_gave_on_the_plan_but_not_what_is_still_awaited(
    practitioner, plan, adviser
):
    mine = asked(practitioner, plan, adviser)
    other = ProfessionalFactory().user
    given = asked(practitioner, plan, other, kind="educational")
    services.advice_submit(by=other, request=given, advice="Reading age 6.")
    awaited = asked(practitioner, plan, ProfessionalFactory().user, kind="psychological")
    elsewhere = asked(
        practitioner,
        PlanFactory(child=ChildFactory(team=plan.child.team), status=PlanStatus.ASSESSING),
        ProfessionalFactory().user,
    )
    services.advice_submit(by=practitioner, request=elsewhere, advice="Elsewhere.")

    listed = api(adviser).get("/api/v1/advice-requests/").json()["results"]

    assert sorted(row["id"] for row in listed) == sorted([mine.pk, given.pk])
    assert api(adviser).get(f"/api/v1/advice-requests/{awaited.pk}/").status_code == 404
    # Read, but not answered: the other adviser's request is not theirs to submit.
    assert submit(adviser, given).status_code == 404


def _document(practitioner, plan, adviser):
    record = asked(practitioner, plan, adviser)
    services.advice_submit(
        by=adviser,
        request=record,
        advice="See the report.",
        documents=[SimpleUploadedFile("clinic letter.pdf", PDF)],
    )
    return Document.objects.get(advice_request=record)


def test_an_advice_document_downloads_as_an_attachment_that_is_never_sniffed(
    client, practitioner, plan, adviser
):
    document = _document(practitioner, plan, adviser)
    client.force_login(adviser)

    response = client.get(reverse("casework:advice-document", args=[document.pk]))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'attachment; filename="clinic letter.pdf"'
    assert response["X-Content-Type-Options"] == "nosniff"
    assert b"".join(response.streaming_content) == PDF


def test_staff_of_the_team_and_other_advisers_download_and_staff_downloads_are_logged(
    client, practitioner, plan, adviser
):
    document = _document(practitioner, plan, adviser)
    other_adviser = ProfessionalFactory().user
    asked(practitioner, plan, other_adviser, kind="educational")
    url = reverse("casework:advice-document", args=[document.pk])

    for user in (practitioner, other_adviser):
        client.force_login(user)
        assert client.get(url).status_code == 200

    logged = AccessLog.objects.filter(record_type="document", record_id=document.pk)
    assert set(logged.values_list("user", flat=True)) == {practitioner.pk, other_adviser.pk}


def test_an_advice_document_is_not_found_for_another_team_or_a_professional_not_asked(
    client, practitioner, plan, adviser, other_team
):
    document = _document(practitioner, plan, adviser)
    url = reverse("casework:advice-document", args=[document.pk])
    in_team = professional_in_team(plan.child)

    for user in (staff("practitioner", other_team), in_team):
        client.force_login(user)
        assert client.get(url).status_code == 404


# Pages ----------------------------------------------------------------------------------------


def test_the_advisers_list_shows_each_request_with_its_due_date_and_days_left(
    client, practitioner, plan, adviser
):
    asked(practitioner, plan, adviser)
    late = asked(practitioner, plan, adviser, on=LATE, kind="other")
    client.force_login(adviser)

    response = client.get(reverse("casework:professional-advice"))

    page = response.content.decode()
    assert response.status_code == 200
    assert plan.child.full_name in page
    assert "12 September 2027" in page
    assert "11 days left" in page
    assert "12 August 2027" in page
    assert "20 days overdue" in page
    assert reverse("casework:professional-advice-answer", args=[late.pk]) in page


def test_the_advisers_list_costs_the_same_queries_for_one_request_or_many(
    client, practitioner, plan, adviser
):
    asked(practitioner, plan, adviser)
    client.force_login(adviser)
    url = reverse("casework:professional-advice")
    client.get(url)

    with CaptureQueriesContext(connection) as one:
        client.get(url)
    for kind in ("educational", "psychological", "other"):
        asked(
            practitioner,
            PlanFactory(child=ChildFactory(team=plan.child.team), status=PlanStatus.ASSESSING),
            adviser,
            kind=kind,
        )
    with CaptureQueriesContext(connection) as four:
        client.get(url)

    assert len(four) == len(one)


def test_the_answer_page_tells_it_once_with_the_others_advice_and_the_familys_views(
    client, practitioner, plan, adviser
):
    plan.section_a = "Amelia loves swimming and wants to be a vet."
    plan.save(update_fields=["section_a"])
    mine = asked(practitioner, plan, adviser)
    other = ProfessionalFactory().user
    given = asked(practitioner, plan, other, kind="educational")
    services.advice_submit(
        by=other,
        request=given,
        advice="Reading age 6.",
        documents=[SimpleUploadedFile("school report.pdf", PDF)],
    )
    client.force_login(adviser)

    page = client.get(reverse("casework:professional-advice-answer", args=[mine.pk]))

    text = page.content.decode()
    assert page.status_code == 200
    assert "Reading age 6." in text
    assert "school report.pdf" in text
    assert "wants to be a vet" in text
    assert "Why the advice is late" not in text


def test_answering_on_the_page_sends_the_advice_and_returns_to_the_list(
    client, practitioner, plan, adviser
):
    record = asked(practitioner, plan, adviser, on=LATE)
    client.force_login(adviser)
    url = reverse("casework:professional-advice-answer", args=[record.pk])
    assert "Why the advice is late" in client.get(url).content.decode()

    response = client.post(
        url,
        {
            "advice": "Needs a hoist.",
            "late_reason": "Away on leave.",
            "documents": [SimpleUploadedFile("plan.pdf", PDF)],
        },
        follow=True,
    )

    assert response.redirect_chain[-1][0] == reverse("casework:professional-advice")
    assert "Your advice has been sent" in response.content.decode()
    record.refresh_from_db()
    assert (record.status, record.late_reason, record.documents.count()) == (
        AdviceStatus.RECEIVED,
        "Away on leave.",
        1,
    )
    assert deadline_of(record).status == DeadlineStatus.MISSED


def test_an_answer_without_advice_or_with_a_bad_file_shows_the_error_summary(
    client, practitioner, plan, adviser
):
    record = asked(practitioner, plan, adviser)
    client.force_login(adviser)
    url = reverse("casework:professional-advice-answer", args=[record.pk])

    empty = client.post(url, {"advice": ""})
    bad = client.post(url, {"advice": "Fine.", "documents": [SimpleUploadedFile("x.pdf", EXE)]})

    assert empty.status_code == bad.status_code == 400
    assert "There is a problem" in empty.content.decode()
    assert "Enter your advice." in empty.content.decode()
    assert "must be a PDF" in bad.content.decode()
    record.refresh_from_db()
    assert record.status == AdviceStatus.REQUESTED


def test_someone_elses_request_has_no_answer_page(client, practitioner, plan, adviser):
    record = asked(practitioner, plan, adviser)
    client.force_login(professional_in_team(plan.child))

    url = reverse("casework:professional-advice-answer", args=[record.pk])
    assert client.get(url).status_code == 404


def test_advice_already_sent_is_shown_without_a_form(client, practitioner, plan, adviser):
    record = asked(practitioner, plan, adviser)
    services.advice_submit(by=adviser, request=record, advice="Done already.")
    client.force_login(adviser)

    page = client.get(reverse("casework:professional-advice-answer", args=[record.pk]))

    assert "Done already." in page.content.decode()
    assert "cannot be sent again" in page.content.decode()
    assert "<form" not in page.content.decode().split("Your advice", 1)[1]


# Reminders ------------------------------------------------------------------------------------


def test_reminders_before_the_6_weeks_run_out_go_to_the_adviser_and_the_case_officer(
    practitioner, plan, adviser
):
    plan.case_officer = practitioner
    plan.save(update_fields=["case_officer"])
    record = asked(practitioner, plan, adviser)  # due in 11 days: the 14-day reminder
    deadline = deadline_of(record)

    reminders_sweep()

    reminded = Reminder.objects.filter(deadline=deadline).values_list("recipient", "offset_days")
    assert set(reminded) == {(practitioner.pk, 14), (adviser.pk, 14)}
    deadline.refresh_from_db()
    assert deadline.owner_id == practitioner.pk  # the adviser is reminded; the council owns it
    reminders_sweep()
    assert Reminder.objects.filter(deadline=deadline).count() == 2


@pytest.mark.parametrize("which", ["plan", "all"])
def test_the_advice_lists_cost_the_same_queries_however_many_requests_have_documents(
    practitioner, plan, which
):
    def add_answered():
        adviser = ProfessionalFactory().user
        record = asked(practitioner, plan, adviser)
        services.advice_submit(
            by=adviser,
            request=record,
            advice="See the report.",
            documents=[SimpleUploadedFile("report.pdf", PDF)],
        )

    url = (
        f"/api/v1/ehc-plans/{plan.pk}/advice-requests/"
        if which == "plan"
        else ("/api/v1/advice-requests/")
    )
    add_answered()
    client = api(practitioner)
    client.get(url)
    with CaptureQueriesContext(connection) as one:
        assert client.get(url).status_code == 200
    for _ in range(3):
        add_answered()
    with CaptureQueriesContext(connection) as four:
        body = client.get(url).json()

    assert len(body["results"]) == 4
    assert all(len(row["documents"]) == 1 for row in body["results"])
    assert len(four) == len(one)


def test_the_answer_page_refuses_a_bidirectional_override_as_the_api_does(
    client, practitioner, plan, adviser
):
    record = asked(practitioner, plan, adviser, on=LATE)
    client.force_login(adviser)
    url = reverse("casework:professional-advice-answer", args=[record.pk])

    response = client.post(url, {"advice": "Needs a hoist \u202e", "late_reason": "Leave."})

    assert response.status_code == 400
    assert "bidirectional control character U+202E" in response.content.decode()
    record.refresh_from_db()
    assert record.status == AdviceStatus.REQUESTED
