"""A commissioner opens the uptake report in Chromium, downloads both exports, and the pages
pass axe-core."""

from __future__ import annotations

import datetime as dt
import io
import os
from pathlib import Path

import pytest
from openpyxl import load_workbook
from playwright.sync_api import expect

from accounts.demo import DEMO_PASSWORD, load_demo_accounts
from accounts.models import Team
from commissioning.services import plan_load
from tests.browser.accessibility import assert_accessible
from tests.commissioning.conftest import budget
from tests.factories import ChildFactory

SCREENSHOTS = os.environ.get("PATHWAY_SCREENSHOT", "")
pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_commissioner_reads_the_report_and_downloads_both_exports(page, live_server):
    refused = []
    page.on(
        "console",
        lambda message: (
            refused.append(message.text) if "Content Security Policy" in message.text else None
        ),
    )
    load_demo_accounts()
    plan_load(slug="medway-2011")
    team = Team.objects.get()
    for _ in range(8):
        budget(ChildFactory(team=team), dt.date(2026, 4, 1), dt.date(2027, 3, 31), direct="5.00")

    page.goto(f"{live_server.url}/sign-in/")
    page.get_by_label("Email address").fill("commissioner@example.org")
    page.get_by_label("Password").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Sign in").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Uptake report")
    expect(page.get_by_role("heading", name="Headline figures for 2026-27")).to_be_visible()
    expect(page.get_by_text("Illustrative").first).to_be_visible()
    expect(page.locator("img.app-chart").first).to_be_visible()
    assert_accessible(page)
    if SCREENSHOTS:
        page.screenshot(path=SCREENSHOTS, full_page=True)

    with page.expect_download() as csv_download:
        page.get_by_role("link", name="Download the report as CSV").click()
    csv_text = Path(csv_download.value.path()).read_text()
    assert "personal_budgets_active,8" in csv_text

    with page.expect_download() as xlsx_download:
        page.get_by_role("link", name="Download the report as a spreadsheet (XLSX)").click()
    assert xlsx_download.value.suggested_filename.endswith(".xlsx")
    book = load_workbook(io.BytesIO(Path(xlsx_download.value.path()).read_bytes()))
    assert "Measures" in book.sheetnames

    page.get_by_label("Break down by").select_option("age_band")
    page.get_by_role("button", name="Show the report").click()
    expect(page.get_by_text("by age band").first).to_be_visible()
    assert_accessible(page)

    page.get_by_role("link", name="The plan, its targets and the action tracker").click()
    expect(page.get_by_role("heading", name="Action tracker")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("link", name="Update action 14").click()
    page.get_by_label("At risk").check()
    page.get_by_label("What has happened").fill("The pilot starts late.")
    page.get_by_role("button", name="Save progress").click()
    expect(page.get_by_text("Action 14 updated.")).to_be_visible()
    expect(page.get_by_text("The pilot starts late.")).to_be_visible()
    assert refused == []  # the strict CSP blocked nothing the pages need
