"""Each role's day in real Chromium on the demo (issue #20 item 10, WCAG 1.4.10 reflow).

For each role: sign in, walk every kind of page reachable from their start page by its links, at
1280 and at 320 CSS pixels, asserting that nothing scrolls sideways (`scrollWidth <=
clientWidth`: wide tables scroll inside their own region) and that axe finds nothing; then walk
their journey to its end at each width using the keyboard alone, so each journey can be taken
twice. The demo is loaded once and every role is walked even when one fails, so one run lists
every page that breaks; a failing page is photographed under tests/browser/artifacts/, and the
widths measured at 320 px are written there too."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from io import StringIO
from pathlib import Path

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.core.management import call_command
from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import expect

from accounts.demo import DEMO_PASSWORD
from shortbreaks.models import ChangeStatus, Service, ServiceChange
from workflows import clock

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ARTIFACTS = Path(__file__).parent / "artifacts"
WIDTHS = (1280, 320)
# Page kinds per role: enough to reach every template a role's links lead to on the demo.
KINDS_PER_ROLE = 14
# Downloads are files, not pages; the API and the admin are not the service's pages.
NOT_A_PAGE = re.compile(r"^/api/|^/admin/|/download/|\.(pdf|csv|xlsx)\b|format=")


def sign_in(page, base: str, email: str) -> None:
    page.context.clear_cookies()
    page.goto(f"{base}/sign-in/")
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_load_state()


def kind_of(path: str) -> str:
    """Pages that differ only by a record's number or a date are one kind of page."""
    return re.sub(r"\d{4}-\d{2}-\d{2}|\d+", "N", path.split("?")[0].split("#")[0])


def crawl(page, base: str) -> list[str]:
    """One page of each kind reachable by links from the role's start page, breadth first."""
    page.goto(f"{base}/")
    queue = [page.url.removeprefix(base)]
    found: dict[str, str] = {}
    while queue and len(found) < KINDS_PER_ROLE:
        path = queue.pop(0)
        if kind_of(path) in found or NOT_A_PAGE.search(path):
            continue
        response = page.goto(base + path)
        if response is None or response.status != 200 or not page.url.startswith(base):
            continue
        found[kind_of(path)] = path
        for href in page.eval_on_selector_all(
            "main a[href]", "links => links.map(link => link.getAttribute('href'))"
        ):
            if href.startswith("/") and kind_of(href) not in found:
                queue.append(href)
    return list(found.values())


def local_offer_pages(role: str) -> list[str]:
    """The local offer's change pages, which the crawl may not reach within its kinds: the
    provider's services, a proposal form and the demo's waiting change; staff's queue and the
    review of that change."""
    change = ServiceChange.objects.get(status=ChangeStatus.PROPOSED)
    if role == "short-break provider":
        # The Saturday Club has a change waiting, so its form says so instead: another service.
        other = Service.objects.filter(provider=change.provider).exclude(pk=change.service_id)
        return [
            "/provider/services/",
            f"/provider/services/{other.values_list('pk', flat=True).first()}/change/",
            f"/provider/changes/{change.pk}/",
        ]
    if role in ("team manager", "commissioner"):
        return ["/local-offer/changes/", f"/local-offer/changes/{change.pk}/"]
    return []


def sideways_overflow(page) -> int:
    """How many CSS pixels the page scrolls sideways; 0 when it reflows."""
    return page.evaluate(
        "() => document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )


def widest_element(page) -> str:
    """The outermost element reaching past the right edge that no scroll region holds, named
    as a developer would look for it."""
    return page.evaluate(
        """() => {
            const edge = document.documentElement.clientWidth;
            const held = element => {
                for (let up = element.parentElement; up && up !== document.body;
                     up = up.parentElement) {
                    if (getComputedStyle(up).overflowX !== 'visible') return true;
                }
                return false;
            };
            for (const element of document.querySelectorAll('main *')) {
                if (element.getBoundingClientRect().right > edge + 1 && !held(element)) {
                    const classes = [...element.classList].slice(0, 2).join('.');
                    return element.tagName.toLowerCase() + (classes ? '.' + classes : '')
                        + ' "' + element.textContent.trim().slice(0, 40) + '"';
                }
            }
            return 'nothing in main';
        }"""
    )


def photograph(page, name: str) -> str:
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / (re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-") + ".png")
    page.screenshot(path=str(path), full_page=True)
    return str(path)


def tab_to(page, name: str, presses: int = 200) -> None:
    """Move the focus with the Tab key alone until it is on the control whose words (its text,
    its label or its value) contain `name`."""
    for _ in range(presses):
        page.keyboard.press("Tab")
        if name in focused_words(page):
            return
    raise AssertionError(f"the Tab key never reached {name!r} on {page.url}")


def focused_words(page) -> str:
    return page.evaluate(
        r"""() => {
            const focused = document.activeElement;
            // A scroll region is focusable for scrolling; its words are its label alone.
            if (focused.getAttribute('role') === 'region') return '';
            const label = focused.labels && focused.labels.length ? focused.labels[0] : null;
            return [focused.textContent, focused.value, label && label.textContent,
                    focused.getAttribute('aria-label')].filter(Boolean).join(' | ')
                .replace(/\s+/g, ' ');
        }"""
    )


def choose(page, options: tuple[str, ...], wanted: str) -> None:
    """Radios as a keyboard user works them: Tab into the group, then the arrow keys."""
    for _ in range(200):
        page.keyboard.press("Tab")
        if any(option in focused_words(page) for option in options):
            break
    for _ in range(len(options) * 2):
        if wanted in focused_words(page):
            return
        page.keyboard.press("ArrowDown")
    raise AssertionError(f"the arrow keys never reached {wanted!r} on {page.url}")


def press_link(page, name: str) -> None:
    tab_to(page, name)
    with page.expect_navigation():
        page.keyboard.press("Enter")


def type_into(page, label: str, text: str) -> None:
    tab_to(page, label)
    page.keyboard.type(text)


def type_date(page, day: dt.date) -> None:
    for part, value in (("Day", day.day), ("Month", day.month), ("Year", day.year)):
        type_into(page, part, str(value))


def practitioner_records_what_the_family_said(page) -> None:
    press_link(page, "Amelia Collins")
    press_link(page, "Record what the family said by post or e-mail")
    type_date(page, clock.today())
    type_into(page, "What the family said", "Mum rang: she would like more swimming.")
    press_link(page, "Record it")
    expect(page.locator(".govuk-notification-banner--success")).to_be_visible()


def manager_decides_from_the_queue(page) -> None:
    press_link(page, "Decisions waiting for you")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Decisions")
    press_link(page, "Agree to assess (")
    type_date(page, clock.today())
    press_link(page, "Agree to assess")
    expect(page.locator(".govuk-notification-banner--success")).to_be_visible()


def family_comments_on_the_draft(page) -> None:
    expect(page.get_by_role("heading", level=1)).to_have_text("My child")
    type_into(page, "What do you think of the draft plan?", "Could swimming be weekly?")
    press_link(page, "Send")
    expect(page.locator(".govuk-notification-banner")).to_contain_text("We have received")
    # The journey is walked at each width, so the comment may already be listed once.
    expect(page.get_by_text("Could swimming be weekly?").last).to_be_visible()


def provider_opens_a_days_sessions(page) -> None:
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    day = clock.today() - dt.timedelta(days=1)
    press_link(page, f"{day:%A} {day.day} {day:%B}")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Sessions on")


def commissioner_records_progress(page) -> None:
    press_link(page, "See every action in full and record progress")
    press_link(page, "Update action 1")
    choose(page, ("Not started", "On track", "At risk", "Overdue", "Done"), "On track")
    type_into(page, "What has happened", "Standards agreed with the parent carers' forum.")
    press_link(page, "Save progress")
    expect(page.locator(".govuk-notification-banner--success")).to_be_visible()


def senco_reads_the_advice(page) -> None:
    press_link(page, "Amelia Collins")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Amelia Collins")
    press_link(page, "See the advice")
    expect(page.get_by_role("heading", level=1)).to_be_visible()


ROLE_DAYS: list[tuple[str, str, Callable[..., None]]] = [
    ("practitioner", "practitioner@example.org", practitioner_records_what_the_family_said),
    ("team manager", "manager@example.org", manager_decides_from_the_queue),
    ("parent", "parent@example.org", family_comments_on_the_draft),
    ("short-break provider", "provider@example.org", provider_opens_a_days_sessions),
    ("commissioner", "commissioner@example.org", commissioner_records_progress),
    ("SENCO", "senco@example.org", senco_reads_the_advice),
]


def test_every_roles_pages_reflow_at_320_px_pass_axe_and_one_journey_each_by_keyboard(
    page, live_server
):
    call_command("load_demo", stdout=StringIO())
    base = live_server.url
    failures: list[str] = []
    widths: list[str] = []
    for role, email, journey in ROLE_DAYS:
        sign_in(page, base, email)
        paths = crawl(page, base)
        assert len(paths) >= 2, f"the {role} reaches only {paths}"
        crawled = {kind_of(path) for path in paths}
        paths += [path for path in local_offer_pages(role) if kind_of(path) not in crawled]
        for width in WIDTHS:
            page.set_viewport_size({"width": width, "height": 900})
            for path in paths:
                page.goto(base + path)
                page.wait_for_load_state("load")
                overflow = sideways_overflow(page)
                if width == 320:
                    widths.append(f"{role}\t{path}\t{320 + overflow}")
                if overflow > 0:
                    shot = photograph(page, f"{role}-{width}-{path}")
                    failures.append(
                        f"{role} at {width} px: {path} scrolls {overflow} px, widest "
                        f"{widest_element(page)} ({shot})"
                    )
                results = Axe().run(page)
                if results.violations_count:
                    shot = photograph(page, f"{role}-{width}-{path}-axe")
                    failures.append(
                        f"{role} at {width} px: {path} fails axe ({shot})\n"
                        + results.generate_report()
                    )
        for width in WIDTHS:
            page.set_viewport_size({"width": width, "height": 900})
            sign_in(page, base, email)
            try:
                journey(page)
            except (AssertionError, PlaywrightError) as error:
                shot = photograph(page, f"{role}-{width}-journey")
                failures.append(f"{role}'s journey by keyboard at {width} px: {error} ({shot})")
    ARTIFACTS.mkdir(exist_ok=True)
    (ARTIFACTS / "page_widths_at_320.tsv").write_text("\n".join(widths) + "\n")
    assert not failures, "\n\n".join(failures)
