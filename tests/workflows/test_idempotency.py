"""The Idempotency-Key header (issue #15 item 4): a request sent again with the same key and body
is answered with the first answer and done once; the key's other uses are refused."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
import time_machine
from rest_framework.test import APIClient

from accounts.roles import Role
from budgets.models import EntryKind, LedgerEntry
from budgets.selectors import balances_of
from config.celery import app
from shortbreaks.models import Session, SessionStatus
from tests.factories import staff
from tests.shortbreaks import fixtures as base
from workflows.models import IdempotencyKey, TransitionLog
from workflows.tasks import purge_idempotency_keys

world, book = base.world, base.book

TODAY = base.TODAY
SESSIONS = "/api/v1/shortbreaks/sessions/"


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(TODAY, tick=False) as traveller:
        yield traveller


def api(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def booking(world, day="2026-11-28"):
    return {"package": world["package"].pk, "units": "1", "date": day}


def post(client, url, body, key):
    return client.post(url, body, format="json", HTTP_IDEMPOTENCY_KEY=key)


def test_the_same_key_and_body_twice_books_once_and_answers_the_same(world):
    client = api(world["practitioner"])

    first = post(client, SESSIONS, booking(world), "booking-1")
    again = post(client, SESSIONS, booking(world), "booking-1")

    assert first.status_code == again.status_code == 201
    assert again.content == first.content
    assert again["Idempotent-Replayed"] == "true"
    assert "Idempotent-Replayed" not in first
    assert Session.objects.count() == 1
    assert LedgerEntry.objects.filter(kind=EntryKind.COMMITMENT).count() == 1


def test_the_same_key_with_another_body_is_a_409_and_does_nothing(world):
    client = api(world["practitioner"])
    post(client, SESSIONS, booking(world), "booking-1")

    other = post(client, SESSIONS, booking(world, "2026-12-05"), "booking-1")

    assert other.status_code == 409
    assert other.json()["code"] == "idempotency_key_reused"
    assert Session.objects.count() == 1


def test_the_same_key_on_another_endpoint_is_a_409(world):
    client = api(world["practitioner"])
    [session] = book(world, base.D(2026, 11, 21))
    post(client, SESSIONS, booking(world), "key-1")

    other = post(client, f"{SESSIONS}{session.pk}/transitions/cancel/", {}, "key-1")

    assert other.status_code == 409
    assert other.json()["code"] == "idempotency_key_reused"


def test_the_same_json_in_another_order_or_spacing_is_the_same_request(world):
    client = api(world["practitioner"])
    package = world["package"].pk
    texts = [
        f'{{"package": {package}, "units": "1", "date": "2026-11-28"}}',
        f'{{"date":"2026-11-28","units":"1","package":{package}}}',
    ]

    answers = [
        client.post(SESSIONS, text, content_type="application/json", HTTP_IDEMPOTENCY_KEY="k")
        for text in texts
    ]

    assert [answer.status_code for answer in answers] == [201, 201]
    assert Session.objects.count() == 1


def test_after_24_hours_the_key_is_forgotten(world, frozen):
    client = api(world["practitioner"])
    post(client, SESSIONS, booking(world), "booking-1")

    frozen.shift(dt.timedelta(hours=24, seconds=1))
    later = post(client, SESSIONS, booking(world, "2026-12-05"), "booking-1")

    assert later.status_code == 201
    assert Session.objects.count() == 2


def test_within_24_hours_the_key_is_still_kept(world, frozen):
    client = api(world["practitioner"])
    first = post(client, SESSIONS, booking(world), "booking-1")

    frozen.shift(dt.timedelta(hours=23, minutes=59))
    again = post(client, SESSIONS, booking(world), "booking-1")

    assert again.content == first.content
    assert Session.objects.count() == 1


def test_another_person_with_the_same_key_is_a_request_of_their_own(world, team):
    colleague = staff(Role.PRACTITIONER, team)
    post(api(world["practitioner"]), SESSIONS, booking(world), "booking-1")

    theirs = post(api(colleague), SESSIONS, booking(world, "2026-12-05"), "booking-1")

    assert theirs.status_code == 201
    assert IdempotencyKey.objects.filter(key="booking-1").count() == 2
    assert Session.objects.count() == 2


def test_a_refusal_is_kept_and_given_again_without_trying_again(world):
    client = api(world["practitioner"])
    book(world, base.D(2026, 11, 28))

    first = post(client, SESSIONS, booking(world), "booking-1")
    [session] = Session.objects.all()
    session_cancelled = post(
        client, f"{SESSIONS}{session.pk}/transitions/cancel/", {"reason": "Ill"}, "cancel-1"
    )
    again = post(client, SESSIONS, booking(world), "booking-1")

    assert session_cancelled.status_code == 200
    assert first.status_code == again.status_code == 409
    assert again.json() == first.json()
    assert first.json()["code"] == "duplicate_booking"
    assert Session.objects.filter(status=SessionStatus.BOOKED).count() == 0


def test_a_transition_sent_twice_with_a_key_pays_once(world):
    [session] = book(world, base.D(2026, 11, 21))
    client = api(world["provider"])
    url = f"{SESSIONS}{session.pk}/transitions/deliver/"

    first = post(client, url, {}, "deliver-1")
    again = post(client, url, {}, "deliver-1")
    without_key = client.post(url, {}, format="json")

    assert first.status_code == again.status_code == 200
    assert again.content == first.content
    assert without_key.status_code == 409
    assert LedgerEntry.objects.filter(kind=EntryKind.PAYMENT).count() == 1
    assert TransitionLog.objects.filter(transition="deliver").count() == 1
    assert balances_of(world["budget"]).spent == Decimal("25.00")


def test_a_ledger_entry_sent_twice_with_a_key_is_posted_once(world):
    client = api(world["manager"])
    url = f"/api/v1/budgets/{world['budget'].pk}/ledger/"
    body = {"kind": "adjustment_up", "amount": "10.00", "reason": "Extra respite agreed"}

    first = post(client, url, body, "adjust-1")
    again = post(client, url, body, "adjust-1")

    assert first.status_code == again.status_code == 201
    assert again.json() == first.json()
    assert LedgerEntry.objects.filter(kind=EntryKind.ADJUSTMENT_UP).count() == 1


def test_a_failing_request_leaves_no_key_behind(world, monkeypatch):
    from shortbreaks import services

    client = api(world["practitioner"])
    client.raise_request_exception = False
    real = services.sessions_book
    monkeypatch.setattr(services, "sessions_book", lambda **kw: 1 / 0)

    failed = post(client, SESSIONS, booking(world), "booking-1")
    monkeypatch.setattr(services, "sessions_book", real)
    retried = post(client, SESSIONS, booking(world), "booking-1")

    assert failed.status_code == 500
    assert retried.status_code == 201
    assert Session.objects.count() == 1


@pytest.mark.parametrize("key", ["", " ", "x" * 256, "naïve", "a\tb"])
def test_a_key_that_is_not_a_key_is_a_400(world, key):
    response = post(api(world["practitioner"]), SESSIONS, booking(world), key)

    assert response.status_code == 400
    assert "Idempotency-Key" in response.json()["fields"]
    assert not Session.objects.exists()


def test_a_read_with_a_key_is_an_ordinary_read(world):
    response = api(world["practitioner"]).get(SESSIONS, HTTP_IDEMPOTENCY_KEY="read-1")

    assert response.status_code == 200
    assert not IdempotencyKey.objects.exists()


def test_the_hourly_purge_forgets_old_keys_keeps_new_ones_and_can_run_twice(world, frozen):
    client = api(world["practitioner"])
    post(client, SESSIONS, booking(world), "old")
    frozen.shift(dt.timedelta(hours=20))
    post(client, SESSIONS, booking(world, "2026-12-05"), "new")
    frozen.shift(dt.timedelta(hours=5))

    assert purge_idempotency_keys.delay().get() == 1
    assert purge_idempotency_keys.delay().get() == 0
    assert list(IdempotencyKey.objects.values_list("key", flat=True)) == ["new"]
    assert app.conf.beat_schedule["purge-idempotency-keys"]["task"] == (
        "workflows.tasks.purge_idempotency_keys"
    )


def test_the_schema_documents_the_header_on_the_money_moving_posts(db):
    schema = APIClient().get("/api/schema/", HTTP_ACCEPT="application/json").json()

    def headers(path, method):
        parameters = schema["paths"][path][method].get("parameters", [])
        return {p["name"] for p in parameters if p["in"] == "header"}

    for path in (
        "/api/v1/shortbreaks/sessions/",
        "/api/v1/shortbreaks/sessions/{id}/transitions/{name}/",
        "/api/v1/shortbreaks/packages/{id}/transitions/{name}/",
        "/api/v1/budgets/{id}/transitions/{name}/",
        "/api/v1/budgets/{id}/ledger/",
    ):
        assert "Idempotency-Key" in headers(path, "post"), path
    assert "Idempotency-Key" not in headers("/api/v1/budgets/{id}/ledger/", "get")
