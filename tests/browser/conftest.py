"""Real Chromium (the system package) driven by Playwright, against the live test server."""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest

from tests.conftest import require_binary
from tests.integration.conftest import patient

CHROMIUM_FLAGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    # This machine has no internet: without these, Chromium keeps trying to reach Google.
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture(scope="session")
def chromium_path() -> str:
    return require_binary(
        "chromium", suite="browser", candidates=("chromium-browser", "google-chrome")
    )


@pytest.fixture(scope="session")
def browser(chromium_path: str) -> Iterator[object]:
    from playwright.sync_api import sync_playwright

    # Playwright's sync API runs an event loop in this thread; the live server runs in another,
    # and the tests only touch the database outside Playwright calls.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=chromium_path, args=CHROMIUM_FLAGS)
        yield launched
        launched.close()


@pytest.fixture
def page(browser) -> Iterator[object]:
    context = browser.new_context(locale="en-GB", timezone_id="Europe/London")
    opened = context.new_page()
    # Each wait polls the page and returns as soon as it holds: a generous limit costs nothing and
    # keeps a loaded machine from failing a step that is only slow.
    opened.set_default_timeout(patient(60) * 1000)
    yield opened
    context.close()
