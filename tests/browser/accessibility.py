"""axe-core in the page, once it has finished loading: a check mid-navigation sees nothing."""

from __future__ import annotations

from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect


def assert_accessible(page) -> None:
    page.wait_for_load_state("load")
    expect(page.locator("main h1")).to_be_visible()
    results = Axe().run(page)
    assert results.violations_count == 0, f"{page.url}\n{results.generate_report()}"
