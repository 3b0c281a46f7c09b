"""Correcting a recorded session through its machine: with a reason, audited, and only where the
ledger's rules let the money follow (DESIGN §3 budgets, §8)."""

from __future__ import annotations

from decimal import Decimal

import pytest
from rest_framework.test import APIClient

import workflows
from budgets.models import EntryKind, LedgerEntry
from budgets.selectors import balances_of
from budgets.services import ledger_post
from shortbreaks.errors import CorrectionNotCovered
from shortbreaks.models import Service, Session, SessionStatus
from tests.shortbreaks import fixtures
from tests.shortbreaks.fixtures import D, book
from workflows.errors import InvalidParams, NotPermitted, TransitionNotAllowed
from workflows.models import TransitionLog

# The short-break world of the fixtures module, and its frozen clock (a Tuesday).
world, frozen = fixtures.world, fixtures.frozen

SATURDAY = D(2026, 11, 21)


def api(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def recorded(world, step, *, charged=False):
    Service.objects.filter(pk=world["service"].pk).update(no_show_charged=charged)
    [session] = book(world, SATURDAY)
    return workflows.transition(session, step, by=world["provider"])


def overdraw(world):
    """Take everything available, so that no further payment can be covered."""
    available = balances_of(world["budget"]).available
    ledger_post(
        by=world["manager"],
        budget=world["budget"],
        kind=EntryKind.ADJUSTMENT_DOWN,
        amount=str(available),
        reason="Funding moved to a direct payment",
    )


def test_a_no_show_corrected_to_delivered_is_paid_and_the_reason_audited(world):
    session = recorded(world, "record_no_show")

    corrected = workflows.transition(
        session, "correct_to_delivered", by=world["provider"], reason="Register misread"
    )

    assert corrected.status == SessionStatus.DELIVERED
    balances = balances_of(world["budget"])
    assert (balances.spent, balances.committed) == (Decimal("25.00"), Decimal("0.00"))
    log = TransitionLog.objects.get(subject_id=session.pk, transition="correct_to_delivered")
    assert (log.source, log.target, log.params["reason"]) == (
        "no_show",
        "delivered",
        "Register misread",
    )


def test_a_charged_no_show_corrected_to_delivered_is_not_paid_twice(world):
    session = recorded(world, "record_no_show", charged=True)

    workflows.transition(session, "correct_to_delivered", by=world["provider"], reason="Came late")

    assert balances_of(world["budget"]).spent == Decimal("25.00")
    assert LedgerEntry.objects.filter(kind=EntryKind.PAYMENT).count() == 1


def test_a_correction_the_budget_cannot_pay_for_is_a_409_and_changes_nothing(world):
    session = recorded(world, "record_no_show")
    overdraw(world)
    entries = LedgerEntry.objects.count()

    with pytest.raises(CorrectionNotCovered) as refused:
        workflows.transition(
            session, "correct_to_delivered", by=world["provider"], reason="Register misread"
        )

    assert "cannot pay for this session" in refused.value.detail
    assert Session.objects.get(pk=session.pk).status == SessionStatus.NO_SHOW
    assert LedgerEntry.objects.count() == entries
    assert not TransitionLog.objects.filter(transition="correct_to_delivered").exists()


def test_a_correction_needs_a_reason(world):
    session = recorded(world, "record_no_show")

    with pytest.raises(InvalidParams) as invalid:
        workflows.transition(session, "correct_to_delivered", by=world["provider"], reason="")

    assert invalid.value.fields == {"reason": ["Enter the reason."]}
    assert Session.objects.get(pk=session.pk).status == SessionStatus.NO_SHOW


@pytest.mark.parametrize("reason", [["Register misread"], {"why": 1}, 123])
def test_a_correction_reason_that_is_not_text_is_refused_and_nothing_is_paid(world, reason):
    session = recorded(world, "record_no_show")

    with pytest.raises(InvalidParams) as invalid:
        workflows.transition(session, "correct_to_delivered", by=world["provider"], reason=reason)

    assert invalid.value.fields == {"reason": ["Enter this as text."]}
    assert Session.objects.get(pk=session.pk).status == SessionStatus.NO_SHOW
    assert balances_of(world["budget"]).spent == Decimal("0.00")


def test_a_correction_reason_longer_than_5000_characters_is_refused(world):
    session = recorded(world, "record_no_show")

    with pytest.raises(InvalidParams) as invalid:
        workflows.transition(
            session, "correct_to_delivered", by=world["provider"], reason="x" * 5_001
        )

    assert invalid.value.fields == {"reason": ["The reason must be 5,000 characters or fewer."]}


def test_a_paid_delivery_cannot_be_corrected_to_an_uncharged_no_show(world):
    session = recorded(world, "deliver")

    with pytest.raises(TransitionNotAllowed) as refused:
        workflows.transition(session, "correct_to_no_show", by=world["provider"], reason="Absent")

    assert "taking the payment back" in refused.value.detail
    assert Session.objects.get(pk=session.pk).status == SessionStatus.DELIVERED
    assert balances_of(world["budget"]).spent == Decimal("25.00")


def test_a_delivery_is_corrected_to_a_charged_no_show_with_no_money_moving(world):
    session = recorded(world, "deliver", charged=True)
    entries = LedgerEntry.objects.count()

    corrected = workflows.transition(
        session, "correct_to_no_show", by=world["provider"], reason="Ticked the wrong child"
    )

    assert corrected.status == SessionStatus.NO_SHOW
    assert LedgerEntry.objects.count() == entries
    assert balances_of(world["budget"]).spent == Decimal("25.00")


def test_only_the_provider_corrects_a_delivery_to_a_no_show(world):
    session = recorded(world, "deliver", charged=True)

    with pytest.raises(NotPermitted):
        workflows.transition(
            session, "correct_to_no_show", by=world["practitioner"], reason="Absent"
        )


def test_a_booked_session_has_nothing_to_correct(world):
    [session] = book(world, SATURDAY)

    with pytest.raises(TransitionNotAllowed):
        workflows.transition(session, "correct_to_delivered", by=world["provider"], reason="x")


# Through the API --------------------------------------------------------------------------


def test_correcting_through_the_api(world):
    session = recorded(world, "record_no_show")
    url = f"/api/v1/shortbreaks/sessions/{session.pk}/transitions/correct_to_delivered/"

    missing = api(world["provider"]).post(url, {}, format="json")
    done = api(world["provider"]).post(url, {"reason": "Register misread"}, format="json")

    assert missing.status_code == 400
    assert missing.json()["fields"] == {"reason": ["Enter the reason."]}
    assert done.status_code == 200
    assert done.json()["status"] == "delivered"


def test_an_uncovered_correction_through_the_api_is_a_409_budget_exceeded(world):
    session = recorded(world, "record_no_show")
    overdraw(world)

    response = api(world["provider"]).post(
        f"/api/v1/shortbreaks/sessions/{session.pk}/transitions/correct_to_delivered/",
        {"reason": "Register misread"},
        format="json",
    )

    assert response.status_code == 409
    assert response.json()["code"] == "budget_exceeded"
    assert Session.objects.get(pk=session.pk).status == SessionStatus.NO_SHOW


def test_a_refused_correction_to_no_show_through_the_api_is_a_409_with_the_reason(world):
    session = recorded(world, "deliver")

    response = api(world["provider"]).post(
        f"/api/v1/shortbreaks/sessions/{session.pk}/transitions/correct_to_no_show/",
        {"reason": "Absent"},
        format="json",
    )

    assert response.status_code == 409
    assert "taking the payment back" in response.json()["detail"]
    assert Session.objects.get(pk=session.pk).status == SessionStatus.DELIVERED


# From the provider's day ------------------------------------------------------------------


def test_the_providers_day_links_each_recorded_session_to_its_correction(client, world):
    session = recorded(world, "record_no_show")
    client.force_login(world["provider"])

    page = client.get("/provider/day/2026-11-21/").content.decode()

    assert f"/sessions/{session.pk}/steps/correct_to_delivered/" in page


def test_the_providers_day_says_why_a_delivery_cannot_be_corrected(client, world):
    session = recorded(world, "deliver")
    client.force_login(world["provider"])

    page = client.get("/provider/day/2026-11-21/").content.decode()

    assert "Correct to did not attend is not possible" in page
    assert f"/sessions/{session.pk}/steps/correct_to_no_show/" not in page


def test_correcting_from_the_page_returns_to_the_day(client, world):
    session = recorded(world, "record_no_show")
    client.force_login(world["provider"])
    url = f"/sessions/{session.pk}/steps/correct_to_delivered/"

    form = client.get(url)
    empty = client.post(url, {"reason": ""})
    done = client.post(url, {"reason": "Register misread"})

    assert form.status_code == 200
    assert empty.status_code == 400
    assert "Enter the reason." in empty.content.decode()
    assert done.status_code == 302
    assert done["Location"] == "/provider/day/2026-11-21/"
    assert Session.objects.get(pk=session.pk).status == SessionStatus.DELIVERED


def test_an_uncovered_correction_from_the_page_is_a_409_and_saves_nothing(client, world):
    session = recorded(world, "record_no_show")
    overdraw(world)
    client.force_login(world["provider"])

    response = client.post(
        f"/sessions/{session.pk}/steps/correct_to_delivered/", {"reason": "Register misread"}
    )

    assert response.status_code == 409
    assert "cannot pay for this session" in response.content.decode()
    assert Session.objects.get(pk=session.pk).status == SessionStatus.NO_SHOW
