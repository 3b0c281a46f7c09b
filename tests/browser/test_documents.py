"""A practitioner adds a document to a child's record at 320 px wide, in Chromium: the upload
page's error summary first, then the document listed on the case page; each page checked by
axe-core."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from accounts.demo import DEMO_TEAM, load_demo_accounts
from accounts.models import Team, User
from casework.models import Document
from tests.browser.accessibility import assert_accessible
from tests.browser.test_casework_journey import sign_in_as
from tests.browser.test_chronology import assert_no_sideways_scroll
from tests.casework.test_documents_api import EXE, tiny_pdf
from tests.factories import AssessingCaseFactory, ChildFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_practitioner_uploads_a_document_to_the_case_at_320_px(page, live_server):
    load_demo_accounts()
    team = Team.objects.get(name=DEMO_TEAM)
    practitioner = User.objects.get(email="practitioner@example.org")
    child = ChildFactory(team=team, given_name="Ruby", family_name="Shah")
    case = AssessingCaseFactory(child=child, practitioner=practitioner)
    page.set_viewport_size({"width": 320, "height": 800})

    sign_in_as(page, live_server, "practitioner@example.org")
    page.goto(f"{live_server.url}/cases/{case.pk}/")
    expect(page.get_by_text("No documents yet.")).to_be_visible()
    page.get_by_role("link", name="Add a document").click()
    expect(page.get_by_role("heading", name="Add a document")).to_be_visible()
    assert_accessible(page)
    assert_no_sideways_scroll(page)

    page.get_by_label("Report", exact=True).check()
    page.get_by_label("Upload a file").set_input_files(
        {"name": "report.pdf", "mimeType": "application/pdf", "buffer": EXE}
    )
    page.get_by_role("button", name="Upload the document").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("must be a PDF")
    assert_accessible(page)
    assert_no_sideways_scroll(page)

    page.get_by_label("Title (optional)").fill("Speech and language report")
    page.get_by_label("Report", exact=True).check()
    page.get_by_label("Upload a file").set_input_files(
        {"name": "salt.pdf", "mimeType": "application/pdf", "buffer": tiny_pdf()}
    )
    page.get_by_role("button", name="Upload the document").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("added")
    expect(
        page.get_by_role("link", name=re.compile("^Speech and language report"))
    ).to_be_visible()
    assert_accessible(page)
    assert_no_sideways_scroll(page)
    assert Document.objects.get(child=child).content_type == "application/pdf"
