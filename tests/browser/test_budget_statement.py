"""A parent opens the budget statement in Chromium and downloads it as CSV and PDF."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from playwright.sync_api import expect
from pypdf import PdfReader

from accounts.demo import DEMO_PASSWORD, load_demo_accounts
from accounts.models import Team, User
from accounts.roles import Role
from budgets import services
from budgets.models import EntryKind
from tests.browser.accessibility import assert_accessible
from tests.factories import ActiveBudgetFactory, ChildFactory, staff

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_parent_reads_and_downloads_the_statement(page, live_server):
    load_demo_accounts()
    team = Team.objects.get()
    child = ChildFactory(team=team, given_name="Amelia", family_name="Collins")
    child.family_members.create(
        name="Sarah Collins",
        relationship="mother",
        user=User.objects.get(email="parent@example.org"),
    )
    budget = ActiveBudgetFactory(child=child, amount="1200.00", start_on=dt.date(2026, 4, 1))
    services.ledger_post(
        by=staff(Role.PRACTITIONER, team),
        budget=budget,
        kind=EntryKind.PAYMENT,
        amount="85.00",
        entry_on=dt.date(2026, 5, 9),
        description="Saturday club",
    )

    page.goto(f"{live_server.url}/sign-in/")
    page.get_by_label("Email address").fill("parent@example.org")
    page.get_by_label("Password").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_text("£1,115.00 is left to spend of £1,200.00")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("link", name="See the budget statement").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Budget statement 2026-27")
    expect(page.get_by_text("Saturday club")).to_be_visible()
    assert_accessible(page)

    with page.expect_download() as csv_download:
        page.get_by_role("link", name="Download the statement as a spreadsheet (CSV)").click()
    csv_text = Path(csv_download.value.path()).read_text()
    assert "Available,1115.00" in csv_text

    with page.expect_download() as pdf_download:
        page.get_by_role("link", name="Download the statement as a PDF").click()
    assert pdf_download.value.suggested_filename == "budget-statement-Amelia-Collins-2026-27.pdf"
    text = PdfReader(pdf_download.value.path()).pages[0].extract_text()
    assert "£1,115.00" in text
    assert "Amelia Collins" in text
