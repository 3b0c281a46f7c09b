"""Documents through the API (DESIGN §3, §9): uploaded as multipart, their type read from their
bytes, listed and downloaded as far as each reader may see them, withdrawn with a reason and
never deleted."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from accounts.roles import Role
from accounts.services import token_issue
from bench.documents import MB, round_trip_peak
from casework.models import AccessLog, Document
from casework.services.documents import document_upload
from tests.factories import (
    CaseFactory,
    ChildFactory,
    ConsentFactory,
    DocumentFactory,
    FamilyMemberFactory,
    PlanFactory,
    UserFactory,
    professional_in_team,
    staff,
)
from workflows.errors import InvalidParams, NotPermitted
from workflows.models import TransitionLog

ROOT = Path(__file__).resolve().parents[2]
EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 64
HTML = b"<!DOCTYPE html>\n<html><body><script>alert(1)</script></body></html>\n"
FIELDS = [
    "id",
    "title",
    "kind",
    "visibility",
    "content_type",
    "size",
    "child",
    "case",
    "plan",
    "advice_request",
    "review",
    "uploaded_by",
    "created_at",
    "withdrawn",
    "download",
]


def tiny_pdf() -> bytes:
    """A whole, valid one-page PDF: catalogue, pages, page, cross-reference table, trailer."""
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] >>",
    ]
    out = b"%PDF-1.4\n"
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        xref,
    )
    return out


def api(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def upload(user, child, *, name="report.pdf", content=None, kind="report", **fields):
    body = {"child": child.pk, "kind": kind, "visibility": "team", "title": "School report"}
    file = SimpleUploadedFile(name, tiny_pdf() if content is None else content, "application/pdf")
    return api(user).post("/api/v1/documents/", body | fields | {"file": file}, format="multipart")


@pytest.fixture
def child(team):
    return ChildFactory(team=team)


@pytest.fixture
def family(child):
    user = UserFactory(role=Role.FAMILY)
    FamilyMemberFactory(child=child, user=user)
    return user


@pytest.fixture
def professional(child):
    return professional_in_team(child)


def stored_files() -> list[str]:
    folder = Path(settings.MEDIA_ROOT) / "documents"
    return [str(path) for path in folder.rglob("*") if path.is_file()] if folder.exists() else []


# Uploading -----------------------------------------------------------------------------------


def test_staff_upload_a_real_pdf_and_are_answered_with_the_document(practitioner, child):
    response = upload(practitioner, child)

    assert response.status_code == 201, response.json()
    body = response.json()
    assert list(body) == FIELDS
    assert body["content_type"] == "application/pdf"
    assert body["size"] == len(tiny_pdf())
    assert body["title"] == "School report"
    assert body["withdrawn"] is None
    assert body["download"] == f"/api/v1/documents/{body['id']}/download/"
    document = Document.objects.get()
    assert document.file.read() == tiny_pdf()
    assert TransitionLog.objects.filter(transition="document_added", subject_id=document.pk)


@pytest.mark.parametrize(
    ("name", "content"),
    [("report.pdf", EXE), ("notes.txt", HTML), ("report.pdf", b"%PDX not a pdf\x00\x01")],
    ids=["executable renamed .pdf", "HTML sent as plain text", "bytes called a PDF"],
)
def test_a_file_whose_content_is_not_an_allowed_type_is_refused_and_nothing_kept(
    practitioner, child, name, content
):
    before = stored_files()

    response = upload(practitioner, child, name=name, content=content)

    assert response.status_code == 400
    assert list(response.json()["fields"]) == ["file"]
    assert not Document.objects.exists()
    assert stored_files() == before


def test_plain_text_is_kept_as_plain_text(practitioner, child):
    response = upload(practitioner, child, name="notes.txt", content="Siân's notes.\n".encode())

    assert response.status_code == 201
    assert response.json()["content_type"] == "text/plain"


@override_settings(PATHWAY_DOCUMENT_MAX_BYTES=1024)
def test_a_file_over_the_size_limit_is_refused_on_the_file(practitioner, child):
    response = upload(practitioner, child, content=tiny_pdf() + b"%" * 2000)

    assert response.status_code == 400
    assert "smaller than" in response.json()["fields"]["file"][0]
    assert not Document.objects.exists()


def test_a_record_of_another_child_does_not_exist_for_the_upload(practitioner, child, team):
    other = ChildFactory(team=team)
    plan, case = PlanFactory(child=other), CaseFactory(child=other)

    response = upload(practitioner, child, plan=plan.pk, case=case.pk)

    assert response.status_code == 400
    fields = response.json()["fields"]
    assert "does not exist" in fields["plan"][0]
    assert "does not exist" in fields["case"][0]


def test_a_record_of_another_team_does_not_exist_for_the_upload(practitioner, child, other_team):
    plan = PlanFactory(child=ChildFactory(team=other_team))

    response = upload(practitioner, child, plan=plan.pk)

    assert response.status_code == 400
    assert "does not exist" in response.json()["fields"]["plan"][0]


def test_the_document_hangs_from_the_childs_plan(practitioner, child):
    plan = PlanFactory(child=child)

    response = upload(practitioner, child, plan=plan.pk)

    assert response.status_code == 201
    assert response.json()["plan"] == plan.pk


def test_a_professional_shares_with_the_team_or_family_never_staff_only(professional, child):
    assert upload(professional, child, visibility="team").status_code == 201
    assert upload(professional, child, visibility="family").status_code == 201
    refused = upload(professional, child, visibility="staff")

    assert refused.status_code == 403
    assert Document.objects.count() == 2


def test_a_professional_without_consent_cannot_upload_for_the_child(child):
    withdrawn = professional_in_team(child, agency="health")
    ConsentFactory(child=child, agency="health", given=False)

    response = upload(withdrawn, child)

    assert response.status_code == 400
    assert "does not exist" in response.json()["fields"]["child"][0]


def test_the_family_adds_their_own_views_shared_with_the_family(family, child):
    response = upload(family, child, kind="views", visibility="family", title="All about me")

    assert response.status_code == 201
    assert response.json()["kind"] == "views"


@pytest.mark.parametrize(
    ("kind", "visibility"), [("report", "family"), ("views", "team"), ("views", "staff")]
)
def test_the_family_adds_nothing_but_views_or_evidence_shared_with_them(
    family, child, kind, visibility
):
    response = upload(family, child, kind=kind, visibility=visibility)

    assert response.status_code == 403
    assert not Document.objects.exists()


def test_another_family_cannot_upload_for_the_child(child):
    other = UserFactory(role=Role.FAMILY)
    FamilyMemberFactory(child=ChildFactory(), user=other)

    response = upload(other, child, kind="views", visibility="family")

    assert response.status_code == 400
    assert "does not exist" in response.json()["fields"]["child"][0]


def test_a_title_with_a_control_character_is_refused(practitioner, child):
    response = upload(practitioner, child, title="Report\x00")

    assert response.status_code == 400
    assert "title" in response.json()["fields"]


# Reading -------------------------------------------------------------------------------------


@pytest.fixture
def three(child, practitioner):
    return {
        visibility: DocumentFactory(child=child, visibility=visibility, uploaded_by=practitioner)
        for visibility in ("staff", "team", "family")
    }


def listed(user, child) -> set[str]:
    response = api(user).get("/api/v1/documents/", {"child": child.pk})
    assert response.status_code == 200
    return {row["visibility"] for row in response.json()["results"]}


def test_each_reader_lists_what_is_shared_with_them(
    three, child, practitioner, professional, family, other_team
):
    withdrawn = professional_in_team(child, agency="health")
    ConsentFactory(child=child, agency="health", given=False)

    assert listed(practitioner, child) == {"staff", "team", "family"}
    assert listed(professional, child) == {"team", "family"}
    assert listed(family, child) == {"family"}
    assert listed(withdrawn, child) == set()
    assert listed(staff(Role.PRACTITIONER, other_team), child) == set()


def test_the_list_costs_the_same_queries_for_two_documents_or_eight(child, practitioner):
    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            response = api(practitioner).get("/api/v1/documents/", {"child": child.pk})
        assert response.status_code == 200
        return len(captured)

    DocumentFactory.create_batch(2, child=child)
    queries()  # the first request of a test looks up the content types once
    few = queries()
    DocumentFactory.create_batch(6, child=child, withdrawn_by=practitioner)

    assert queries() == few


def test_staff_and_professional_list_reads_are_in_the_access_log(
    three, child, practitioner, professional, family
):
    listed(practitioner, child)
    listed(professional, child)
    listed(family, child)

    logged = AccessLog.objects.filter(record_type="document")
    assert logged.filter(user=practitioner).count() == 3
    assert logged.filter(user=professional).count() == 2
    assert not logged.filter(user=family).exists()


def test_the_list_filters_by_plan_and_kind(child, practitioner):
    plan = PlanFactory(child=child)
    on_plan = DocumentFactory(child=child, plan=plan, kind="advice")
    DocumentFactory(child=child, kind="advice")

    by_plan = api(practitioner).get("/api/v1/documents/", {"plan": plan.pk}).json()
    by_kind = api(practitioner).get("/api/v1/documents/", {"kind": "views"}).json()

    assert [row["id"] for row in by_plan["results"]] == [on_plan.pk]
    assert by_kind["results"] == []


def test_a_download_is_a_streamed_attachment_never_sniffed_and_logged(child, practitioner):
    document = DocumentFactory(child=child, title="Speech report.txt")

    response = api(practitioner).get(f"/api/v1/documents/{document.pk}/download/")

    assert response.status_code == 200
    assert response.streaming
    assert b"".join(response.streaming_content) == b"A report.\n"
    assert response["Content-Type"] == "text/plain"
    assert response["Content-Disposition"] == 'attachment; filename="Speech report.txt"'
    assert response["X-Content-Type-Options"] == "nosniff"
    assert AccessLog.objects.filter(
        user=practitioner, record_type="document", record_id=document.pk, via="api"
    ).exists()


def test_a_document_not_shared_with_the_reader_is_not_found_as_if_missing(three, family):
    hidden = api(family).get(f"/api/v1/documents/{three['team'].pk}/download/")
    missing = api(family).get("/api/v1/documents/987654/download/")

    assert hidden.status_code == missing.status_code == 404
    assert hidden.json() == missing.json()


# Withdrawing ---------------------------------------------------------------------------------


def withdraw(user, document, reason="Put on the wrong child's record."):
    return api(user).post(
        f"/api/v1/documents/{document.pk}/withdraw/", {"reason": reason}, format="json"
    )


def test_staff_withdraw_a_document_which_stays_and_staff_still_download(
    three, practitioner, family
):
    document = three["family"]

    response = withdraw(practitioner, document)

    assert response.status_code == 200
    assert response.json()["withdrawn"]["reason"] == "Put on the wrong child's record."
    assert Document.objects.filter(pk=document.pk).exists()
    assert api(practitioner).get(f"/api/v1/documents/{document.pk}/download/").status_code == 200
    gone = api(family).get(f"/api/v1/documents/{document.pk}/download/")
    assert gone.status_code == 410
    assert gone.json()["code"] == "withdrawn"
    detail = api(practitioner).get(f"/api/v1/documents/{document.pk}/").json()
    assert detail["withdrawn"]["by"] == str(practitioner)


def test_a_withdrawn_document_is_gone_for_the_professional_too(three, practitioner, professional):
    withdraw(practitioner, three["team"])

    response = api(professional).get(f"/api/v1/documents/{three['team'].pk}/download/")

    assert response.status_code == 410


def test_the_uploader_withdraws_their_own_but_not_anothers(family, child, professional, three):
    own = upload(family, child, kind="views", visibility="family").json()

    assert withdraw(family, Document.objects.get(pk=own["id"])).status_code == 200
    assert withdraw(professional, three["team"]).status_code == 403
    assert withdraw(family, three["family"]).status_code == 403


def test_withdrawing_twice_is_refused_as_not_now(three, practitioner):
    withdraw(practitioner, three["team"])

    response = withdraw(practitioner, three["team"])

    assert response.status_code == 409


@pytest.mark.parametrize("reason", ["", "   ", "Wrong\x07child"])
def test_a_withdrawal_needs_a_reason_in_plain_text(three, practitioner, reason):
    response = withdraw(practitioner, three["team"], reason=reason)

    assert response.status_code == 400
    assert "reason" in response.json()["fields"]
    assert Document.objects.get(pk=three["team"].pk).withdrawn_at is None


def test_there_is_no_way_to_delete_a_document(three, practitioner):
    response = api(practitioner).delete(f"/api/v1/documents/{three['team'].pk}/")

    assert response.status_code == 405
    assert Document.objects.count() == 3


# Streaming and storage -----------------------------------------------------------------------


def test_a_20_mb_upload_and_its_download_never_hold_the_file_in_memory(child, practitioner):
    upload_peak, download_peak = round_trip_peak(
        token=token_issue(by=practitioner)[0], child_id=child.pk, size=20 * MB
    )

    assert upload_peak < 5 * MB
    assert download_peak < 5 * MB
    assert Document.objects.filter(size=20 * MB).exists()


def storage_with(env: dict[str, str]) -> dict[str, object]:
    """The default storage as a fresh process builds it from these environment variables, no
    network asked: S3Storage connects on first use only."""
    code = (
        "import django, json; django.setup();"
        "from django.conf import settings; from django.core.files.storage import default_storage;"
        "print(json.dumps({'backend': settings.STORAGES['default']['BACKEND'],"
        " 'bucket': getattr(default_storage, 'bucket_name', None),"
        " 'acl': getattr(default_storage, 'default_acl', 'none'),"
        " 'spooled': getattr(default_storage, 'max_memory_size', None)}))"
    )
    clean = {key: value for key, value in os.environ.items() if not key.startswith("PATHWAY_")}
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env=clean | {"DJANGO_SETTINGS_MODULE": "config.settings"} | env,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    return json.loads(result.stdout)


def test_a_documents_bucket_switches_the_storage_to_a_private_s3_bucket():
    storage = storage_with({"PATHWAY_DOCUMENTS_BUCKET": "pathway-documents"})

    assert storage == {
        "backend": "storages.backends.s3.S3Storage",
        "bucket": "pathway-documents",
        "acl": None,
        "spooled": 1_048_576,
    }


def test_without_a_bucket_documents_are_files_under_the_media_root():
    storage = storage_with({})

    assert storage["backend"] == "django.core.files.storage.FileSystemStorage"


# The service on its own -----------------------------------------------------------------------


def test_the_service_refuses_a_record_of_another_child_whoever_calls_it(practitioner, child, team):
    other_plan = PlanFactory(child=ChildFactory(team=team))

    with pytest.raises(InvalidParams) as refused:
        document_upload(
            by=practitioner,
            child=child,
            upload=SimpleUploadedFile("report.pdf", tiny_pdf()),
            title="",
            kind="report",
            visibility="team",
            plan=other_plan,
        )

    assert list(refused.value.fields) == ["plan"]
    assert not Document.objects.exists()


def test_a_withdrawal_is_in_the_audit_log_with_its_reason(three, practitioner):
    withdraw(practitioner, three["team"], reason="Sent twice.")

    row = TransitionLog.objects.get(transition="document_withdrawn")
    assert (row.subject_id, row.actor, row.note) == (three["team"].pk, practitioner, "Sent twice.")


def test_the_service_refuses_a_provider_whatever_child_they_name(child):
    provider = UserFactory(role=Role.PROVIDER)

    with pytest.raises(NotPermitted):
        document_upload(
            by=provider,
            child=child,
            upload=SimpleUploadedFile("views.pdf", tiny_pdf()),
            title="",
            kind="views",
            visibility="family",
        )


def test_who_withdrew_a_document_and_why_is_shown_to_staff_only(three, practitioner, family):
    withdraw(practitioner, three["family"])

    seen = api(family).get(f"/api/v1/documents/{three['family'].pk}/").json()["withdrawn"]

    assert set(seen) == {"at"}


def test_a_download_is_named_with_its_types_extension_and_no_folder(child, practitioner):
    document = DocumentFactory(child=child, title="../Speech report")

    response = api(practitioner).get(f"/api/v1/documents/{document.pk}/download/")

    assert response["Content-Disposition"] == 'attachment; filename=".. Speech report.txt"'
