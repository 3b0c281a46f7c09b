"""Documents on the child's pages: the case page, the family's My child and the professional's
child page list what each may see; each uploads from their own page; the download page follows
the API's rules (attachment, never sniffed, 410 once withdrawn for all but staff, logged)."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts.roles import Role
from casework.models import AccessLog, Document
from tests.casework.test_documents_api import EXE, tiny_pdf
from tests.factories import (
    AssessingCaseFactory,
    ChildFactory,
    ConsentFactory,
    DocumentFactory,
    FamilyMemberFactory,
    UserFactory,
    professional_in_team,
)


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def child(team):
    return ChildFactory(team=team, given_name="Amelia")


@pytest.fixture
def case(child, practitioner):
    return AssessingCaseFactory(child=child, practitioner=practitioner)


@pytest.fixture
def family(child):
    user = UserFactory(role=Role.FAMILY)
    FamilyMemberFactory(child=child, user=user)
    return user


@pytest.fixture
def professional(child):
    return professional_in_team(child)


@pytest.fixture
def documents(child, practitioner):
    return {
        visibility: DocumentFactory(
            child=child,
            visibility=visibility,
            title=f"Shared with {visibility}",
            uploaded_by=practitioner,
        )
        for visibility in ("staff", "team", "family")
    }


def pdf(name="report.pdf", content=None):
    return SimpleUploadedFile(name, tiny_pdf() if content is None else content, "application/pdf")


def test_the_case_page_lists_every_document_with_its_download_and_logs_each(
    case, child, documents, practitioner
):
    response = signed_in(practitioner).get(reverse("casework:case", args=[case.pk]))

    page = response.content.decode()
    for document in documents.values():
        assert reverse("casework:document-download", args=[document.pk]) in page
    assert reverse("casework:document-new", args=[child.pk]) in page
    logged = AccessLog.objects.filter(user=practitioner, record_type="document", via="page")
    assert logged.count() == 3


def test_my_child_shows_the_family_only_what_is_shared_with_them(family, documents, child):
    page = signed_in(family).get(reverse("casework:my-child")).content.decode()

    assert "Shared with family" in page
    assert "Shared with team" not in page
    assert "Shared with staff" not in page
    assert reverse("casework:my-child-document-new", args=[child.pk]) in page


def test_the_professional_sees_what_is_shared_with_the_team(professional, documents, child):
    page = signed_in(professional).get(reverse("casework:professional-child", args=[child.pk]))

    text = page.content.decode()
    assert "Shared with team" in text
    assert "Shared with family" in text
    assert "Shared with staff" not in text
    assert reverse("casework:professional-document-new", args=[child.pk]) in text
    assert AccessLog.objects.filter(user=professional, record_type="document").count() == 2


def test_staff_upload_a_pdf_from_the_page_and_return_to_the_case(case, child, practitioner):
    url = reverse("casework:document-new", args=[child.pk])

    response = signed_in(practitioner).post(
        url, {"title": "", "kind": "report", "visibility": "staff", "file": pdf("OT report.pdf")}
    )

    assert response.status_code == 302
    assert response["Location"] == reverse("casework:case", args=[case.pk])
    document = Document.objects.get()
    assert (document.title, document.visibility) == ("OT report.pdf", "staff")


def test_a_file_that_is_not_what_it_claims_is_shown_as_an_error_on_the_file(
    case, child, practitioner
):
    url = reverse("casework:document-new", args=[child.pk])

    response = signed_in(practitioner).post(
        url, {"kind": "report", "visibility": "team", "file": pdf(content=EXE)}
    )

    assert response.status_code == 400
    page = response.content.decode()
    assert "govuk-error-summary" in page
    assert 'href="#id_file"' in page
    assert "govuk-file-upload--error" in page
    assert not Document.objects.exists()


def test_the_upload_page_asks_for_a_file(case, child, practitioner):
    url = reverse("casework:document-new", args=[child.pk])

    response = signed_in(practitioner).post(url, {"kind": "report", "visibility": "team"})

    assert response.status_code == 400
    assert "Choose a file to upload." in response.content.decode()


def test_the_family_sends_their_views_shared_with_the_family(family, child):
    url = reverse("casework:my-child-document-new", args=[child.pk])
    form = signed_in(family).get(url).content.decode()

    response = signed_in(family).post(
        url, {"kind": "views", "visibility": "family", "file": pdf("All about me.pdf")}
    )

    assert 'value="report"' not in form
    assert response.status_code == 302
    assert Document.objects.get().visibility == "family"


def test_the_family_cannot_send_a_report_for_the_team_only(family, child):
    url = reverse("casework:my-child-document-new", args=[child.pk])

    response = signed_in(family).post(url, {"kind": "report", "visibility": "team", "file": pdf()})

    assert response.status_code == 400
    assert not Document.objects.exists()


def test_a_professional_is_not_offered_staff_only(professional, child):
    url = reverse("casework:professional-document-new", args=[child.pk])
    form = signed_in(professional).get(url).content.decode()

    refused = signed_in(professional).post(
        url, {"kind": "report", "visibility": "staff", "file": pdf()}
    )

    assert 'value="staff"' not in form
    assert refused.status_code == 400
    assert not Document.objects.exists()


def test_a_professional_without_consent_finds_no_upload_page(child):
    withdrawn = professional_in_team(child, agency="health")
    ConsentFactory(child=child, agency="health", given=False)

    response = signed_in(withdrawn).get(
        reverse("casework:professional-document-new", args=[child.pk])
    )

    assert response.status_code == 404


def test_the_download_page_is_an_attachment_never_sniffed_and_logged(documents, professional):
    document = documents["team"]

    response = signed_in(professional).get(
        reverse("casework:document-download", args=[document.pk])
    )

    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Type"] == "text/plain"
    assert AccessLog.objects.filter(
        user=professional, record_type="document", record_id=document.pk, via="page"
    ).exists()


def test_a_withdrawn_document_is_gone_for_the_family_but_staff_still_download_it(
    documents, family, practitioner
):
    document = documents["family"]
    Document.objects.filter(pk=document.pk).update(
        withdrawn_at=timezone.now(), withdrawn_by=practitioner, withdraw_reason="Wrong child."
    )
    url = reverse("casework:document-download", args=[document.pk])

    gone = signed_in(family).get(url)

    assert gone.status_code == 410
    assert "This document was withdrawn" in gone.content.decode()
    assert signed_in(practitioner).get(url).status_code == 200


def test_a_document_not_shared_with_the_family_is_not_found(documents, family):
    url = reverse("casework:document-download", args=[documents["team"].pk])

    assert signed_in(family).get(url).status_code == 404


def withdraw_url(document) -> str:
    return reverse("casework:document-withdraw", args=[document.pk])


def test_staff_withdraw_a_document_from_the_page_with_a_reason(case, documents, practitioner):
    document = documents["team"]

    response = signed_in(practitioner).post(withdraw_url(document), {"reason": "Wrong child."})

    assert response.status_code == 302
    assert response["Location"] == reverse("casework:case", args=[case.pk])
    document.refresh_from_db()
    assert document.withdraw_reason == "Wrong child."
    page = signed_in(practitioner).get(response["Location"]).content.decode()
    assert "Withdrawn" in page


def test_the_withdraw_page_asks_for_a_reason(case, documents, practitioner):
    response = signed_in(practitioner).post(withdraw_url(documents["team"]), {"reason": ""})

    assert response.status_code == 400
    assert "Enter why the document is being withdrawn." in response.content.decode()


def test_a_reader_who_did_not_add_it_is_told_why_they_cannot_withdraw_it(documents, family):
    response = signed_in(family).get(withdraw_url(documents["family"]))

    assert response.status_code == 403
    page = response.content.decode()
    assert "whoever added it" in page
    assert "<textarea" not in page


def test_the_family_withdraws_what_they_sent(family, child):
    own = DocumentFactory(child=child, kind="views", visibility="family", uploaded_by=family)

    response = signed_in(family).post(withdraw_url(own), {"reason": "I sent the wrong one."})

    assert response.status_code == 302
    assert response["Location"] == reverse("casework:my-child")


def test_a_document_withdrawn_already_is_not_withdrawn_again(case, documents, practitioner):
    url = withdraw_url(documents["team"])
    signed_in(practitioner).post(url, {"reason": "Wrong child."})

    response = signed_in(practitioner).post(url, {"reason": "Again."})

    assert response.status_code == 409
    assert "was withdrawn on" in response.content.decode()
