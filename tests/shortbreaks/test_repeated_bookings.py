"""Issue #15 items 4, 9 and 10 for short breaks: one live session per package and day, bounded
weekly bookings, a package's end cancelling what it booked, and approval against everything the
budget has already promised."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction
from rest_framework.test import APIClient

import workflows
from accounts.roles import Role
from budgets.models import EntryKind, LedgerEntry
from budgets.selectors import balances_of
from shortbreaks import services
from shortbreaks.errors import BudgetOvercommitted, DuplicateBooking
from shortbreaks.models import Package, PackageStatus, Session, SessionStatus
from tests.factories import FamilyMemberFactory, UserFactory
from tests.shortbreaks import fixtures as base
from workflows.errors import InvalidParams
from workflows.models import Notification, TransitionLog
from workflows.registry import registry

# The short-break world of the fixtures module, and its frozen clock (a Tuesday).
world, frozen, book = base.world, base.frozen, base.book

D = dt.date
SESSIONS = "/api/v1/shortbreaks/sessions/"


def api(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def commitments() -> int:
    return LedgerEntry.objects.filter(kind=EntryKind.COMMITMENT).count()


# One live session per package and day (item 4) ----------------------------------------------


def test_a_double_clicked_booking_makes_one_session_and_one_commitment(world):
    body = {"package": world["package"].pk, "units": "1", "date": "2026-11-28"}
    client = api(world["practitioner"])

    first = client.post(SESSIONS, body, format="json")
    second = client.post(SESSIONS, body, format="json")

    assert first.status_code == 201
    assert second.status_code == 409
    assert second.json()["code"] == "duplicate_booking"
    assert "already booked" in second.json()["detail"]
    assert "28 November 2026" in second.json()["detail"]
    assert Session.objects.count() == 1
    assert commitments() == 1
    assert balances_of(world["budget"]).committed == Decimal("25.00")


def test_a_weekly_booking_that_clashes_books_nothing_and_names_the_clashing_date(world):
    book(world, D(2026, 12, 12))
    before = balances_of(world["budget"])

    response = api(world["practitioner"]).post(
        SESSIONS,
        {
            "package": world["package"].pk,
            "units": "1",
            "weekday": 5,
            "start_on": "2026-11-28",
            "end_on": "2026-12-26",
        },
        format="json",
    )

    assert response.status_code == 409
    assert response.json()["code"] == "duplicate_booking"
    assert "12 December 2026" in response.json()["detail"]
    assert "5 December 2026" not in response.json()["detail"]
    assert response.json()["dates"] == "2026-12-12"
    assert list(Session.objects.values_list("date", flat=True)) == [D(2026, 12, 12)]
    assert balances_of(world["budget"]) == before


@pytest.mark.parametrize("outcome", ["deliver", "record_no_show"])
def test_a_delivered_or_missed_session_still_holds_its_day(world, outcome):
    [session] = book(world, D(2026, 11, 21))
    workflows.transition(session, outcome, by=world["provider"])

    with pytest.raises(DuplicateBooking):
        book(world, D(2026, 11, 21))


def test_a_cancelled_session_frees_its_day_for_a_new_booking(world):
    [session] = book(world, D(2026, 11, 28))
    workflows.transition(session, "cancel", by=world["practitioner"], reason="Ill")

    [again] = book(world, D(2026, 11, 28))

    assert again.status == SessionStatus.BOOKED
    assert Session.objects.filter(date=D(2026, 11, 28)).count() == 2


def test_the_database_refuses_a_second_live_session_on_the_same_day(world):
    [session] = book(world, D(2026, 11, 28))

    with pytest.raises(IntegrityError), transaction.atomic():
        Session.objects.create(
            package=world["package"], date=session.date, units=1, booked_by=session.booked_by
        )


def test_a_booking_past_the_service_check_is_still_a_409_from_the_constraint(world, monkeypatch):
    book(world, D(2026, 11, 28))
    monkeypatch.setattr(services, "_booked_days", lambda package, dates: [])

    with pytest.raises(DuplicateBooking):
        book(world, D(2026, 11, 28), D(2026, 12, 5))

    assert Session.objects.count() == 1
    assert commitments() == 1


def test_the_booking_page_refuses_a_second_booking_of_the_same_day(client, world):
    client.force_login(world["practitioner"])
    url = f"/packages/{world['package'].pk}/"
    form = {"date_0": "28", "date_1": "11", "date_2": "2026", "units": "1", "weekday": ""}

    assert client.post(url, form).status_code == 302
    again = client.post(url, form)

    assert again.status_code == 409
    assert "already booked" in again.content.decode()
    assert Session.objects.count() == 1


# Bounded weekly bookings (item 9) -----------------------------------------------------------


@pytest.mark.parametrize(
    ("rule", "field"),
    [
        ({"weekday": 5, "end_on": "9999-12-31"}, "end_on"),
        ({"weekday": 5, "start_on": "0001-01-01"}, "start_on"),
        ({"weekday": 5, "every": 99999999}, "every"),
        ({"weekday": 5, "every": 0}, "every"),
        ({"weekday": 5, "start_on": "2026-12-20", "end_on": "2026-12-01"}, "end_on"),
    ],
)
def test_a_weekly_booking_out_of_bounds_is_a_400_naming_the_field(world, rule, field):
    response = api(world["practitioner"]).post(
        SESSIONS, {"package": world["package"].pk, "units": "1", **rule}, format="json"
    )

    assert response.status_code == 400
    assert field in response.json()["fields"]
    assert not Session.objects.exists()


def test_weekly_dates_never_run_past_a_year_or_the_last_date():
    with pytest.raises(InvalidParams) as too_long:
        services.weekly_dates(start_on=D(2026, 1, 1), end_on=D(9999, 12, 31), weekday=5)
    with pytest.raises(InvalidParams) as too_far_apart:
        services.weekly_dates(
            start_on=D(2026, 1, 1), end_on=D(2026, 12, 31), weekday=5, every=99999999
        )

    assert "end_on" in too_long.value.fields
    assert "every" in too_far_apart.value.fields
    last = services.weekly_dates(start_on=D(9999, 12, 20), end_on=D(9999, 12, 31), weekday=4)
    assert last == [D(9999, 12, 24), D(9999, 12, 31)]


def test_a_package_ending_in_9999_still_books_at_most_a_year_weekly(world):
    package = Package.objects.get(pk=world["package"].pk)
    Package.objects.filter(pk=package.pk).update(end_on=D(9999, 12, 31), units=1000)

    response = api(world["practitioner"]).post(
        SESSIONS,
        {"package": package.pk, "units": "1", "weekday": 5, "end_on": "9999-12-31"},
        format="json",
    )

    assert response.status_code == 400
    assert response.json()["fields"]["end_on"] == [
        "A weekly booking can cover at most a year: book the rest later."
    ]


def test_the_booking_page_refuses_a_weekly_booking_to_9999_with_the_field_message(client, world):
    client.force_login(world["practitioner"])

    response = client.post(
        f"/packages/{world['package'].pk}/",
        {
            "weekday": "5",
            **{"start_on_0": "28", "start_on_1": "11", "start_on_2": "2026"},
            **{"end_on_0": "31", "end_on_1": "12", "end_on_2": "9999"},
            "units": "1",
        },
    )

    assert response.status_code == 400
    assert "Enter a date between 1 January 1900 and" in response.content.decode()
    assert not Session.objects.exists()


# Ending a package (item 10) -----------------------------------------------------------------


def end(world, **params):
    return workflows.transition(
        world["package"], "end", by=world["practitioner"], reason="Moved away", **params
    )


def test_ending_a_package_cancels_its_later_sessions_and_releases_each_commitment(world):
    past, today, later, later_still = book(
        world, D(2026, 11, 21), D(2026, 11, 24), D(2026, 11, 28), D(2026, 12, 5)
    )

    package = end(world)

    assert package.status == PackageStatus.ENDED
    statuses = dict(Session.objects.values_list("pk", "status"))
    assert statuses == {
        past.pk: SessionStatus.BOOKED,  # up to the end: still for the provider to record
        today.pk: SessionStatus.BOOKED,
        later.pk: SessionStatus.CANCELLED,
        later_still.pk: SessionStatus.CANCELLED,
    }
    releases = LedgerEntry.objects.filter(kind=EntryKind.COMMITMENT_RELEASE)
    assert sorted(releases.values_list("settles_id", flat=True)) == sorted(
        [later.commitment_id, later_still.commitment_id]
    )
    assert balances_of(world["budget"]).committed == Decimal("50.00")
    cancels = TransitionLog.objects.filter(
        transition="cancel", subject_id__in=[later.pk, later_still.pk]
    )
    assert cancels.count() == 2
    assert {log.params["reason"] for log in cancels} == {"The package ended: Moved away"}


def test_ending_a_package_tells_the_family_once(world):
    family = UserFactory(role=Role.FAMILY)
    FamilyMemberFactory(child=world["child"], name="Parent", relationship="mother", user=family)
    book(world, D(2026, 11, 28), D(2026, 12, 5), D(2026, 12, 12))
    Notification.objects.all().delete()

    end(world)

    [message] = Notification.objects.filter(recipient=family)
    assert message.subject.startswith("Short breaks ended")
    assert "the 3 sessions from 28 November 2026 to 12 December 2026" in message.body


def test_ending_a_package_backdated_before_a_booking_cancels_it_on_the_booking_day(world):
    # As if the package had been started on 1 November and the end recorded late.
    TransitionLog.objects.filter(
        subject_id=world["package"].pk, subject_type__model="package"
    ).update(effective_on=D(2026, 11, 1))
    [later] = book(world, D(2026, 12, 5))

    end(world, on=D(2026, 11, 10))

    log = TransitionLog.objects.get(transition="cancel", subject_id=later.pk)
    assert log.effective_on == D(2026, 11, 24)  # booked today, so cancelled no earlier


def test_ending_a_package_after_its_budget_ended_releases_nothing_twice(world):
    [later] = book(world, D(2026, 12, 5))
    workflows.transition(world["budget"], "end", by=world["manager"], reason="Moved away")
    released = LedgerEntry.objects.filter(kind=EntryKind.COMMITMENT_RELEASE).count()

    end(world)

    assert Session.objects.get(pk=later.pk).status == SessionStatus.CANCELLED
    assert LedgerEntry.objects.filter(kind=EntryKind.COMMITMENT_RELEASE).count() == released


@pytest.mark.django_db(transaction=True)
def test_a_failure_halfway_through_ending_a_package_changes_nothing(world, monkeypatch):
    sessions = book(world, D(2026, 11, 28), D(2026, 12, 5), D(2026, 12, 12))
    before = balances_of(world["budget"])
    logs = TransitionLog.objects.count()
    real = services.release_session
    calls = []

    def second_fails(session, **kwargs):
        calls.append(session.pk)
        if len(calls) == 2:
            raise RuntimeError("the ledger went away")
        real(session, **kwargs)

    cancel = registry.hooks_of(Session, "cancel")
    monkeypatch.setitem(
        registry.hooks, (Session, "cancel"), replace(cancel, effects=(second_fails,))
    )

    with pytest.raises(RuntimeError):
        end(world)

    assert len(calls) == 2
    assert Package.objects.get(pk=world["package"].pk).status == PackageStatus.ACTIVE
    assert set(Session.objects.values_list("status", flat=True)) == {SessionStatus.BOOKED}
    assert Session.objects.count() == len(sessions)
    assert balances_of(world["budget"]) == before
    assert TransitionLog.objects.count() == logs


# Approval against what is already promised (item 10) ----------------------------------------


def request_package(world, units):
    return services.package_request(
        by=world["practitioner"],
        child=world["child"],
        service=world["service"],
        units=units,
        start_on=D(2026, 12, 1),
        end_on=D(2027, 3, 1),
        budget=world["budget"],
    )


def test_two_packages_each_within_the_budget_but_together_over_it_the_second_is_refused(world):
    # £500 available; the fixture's package promises 20 × £25 = £500 and has booked nothing.
    Package.objects.filter(pk=world["package"].pk).update(units=12)  # £300 promised
    second = request_package(world, units=10)  # £250: fits alone, not with the first

    with pytest.raises(BudgetOvercommitted) as refused:
        workflows.transition(second, "approve", by=world["manager"])

    assert "£500.00 is available, £300.00 is promised to approved packages" in (
        refused.value.detail
    )
    assert Package.objects.get(pk=second.pk).status == PackageStatus.REQUESTED


def test_the_approval_is_refused_through_the_api_with_a_clear_409(world):
    Package.objects.filter(pk=world["package"].pk).update(units=12)
    second = request_package(world, units=10)

    response = api(world["manager"]).post(
        f"/api/v1/shortbreaks/packages/{second.pk}/transitions/approve/", {}, format="json"
    )

    assert response.status_code == 409
    assert response.json()["code"] == "budget_overcommitted"
    assert (response.json()["available"], response.json()["promised"]) == ("500.00", "300.00")


def test_a_manager_overrides_with_a_reason_that_is_recorded(world):
    Package.objects.filter(pk=world["package"].pk).update(units=12)
    second = request_package(world, units=10)

    response = api(world["manager"]).post(
        f"/api/v1/shortbreaks/packages/{second.pk}/transitions/approve/",
        {"override_reason": "The first package is rarely used in winter."},
        format="json",
    )

    assert response.status_code == 200
    assert response.json()["status"] == PackageStatus.APPROVED
    assert response.json()["decision_reason"] == (
        "Approved beyond the budget: The first package is rarely used in winter."
    )
    log = TransitionLog.objects.get(transition="approve", subject_id=second.pk)
    assert log.actor == world["manager"]
    assert log.params == {"override_reason": "The first package is rarely used in winter."}


def test_what_is_already_booked_counts_once_not_twice(world):
    Package.objects.filter(pk=world["package"].pk).update(units=12)
    book(world, D(2026, 11, 28), D(2026, 12, 5))  # £50 of the £300 is now a commitment
    fits = request_package(world, units=8)  # £200 = £450 available − £250 still promised

    assert workflows.transition(fits, "approve", by=world["manager"]).status == "approved"


def test_ended_and_requested_packages_promise_nothing(world):
    end(world)
    waiting = request_package(world, units=19)
    fits = request_package(world, units=20)

    assert workflows.transition(fits, "approve", by=world["manager"]).status == "approved"
    assert Package.objects.get(pk=waiting.pk).status == PackageStatus.REQUESTED


def test_the_approve_page_asks_for_the_override_reason(client, world):
    Package.objects.filter(pk=world["package"].pk).update(units=12)
    second = request_package(world, units=10)
    client.force_login(world["manager"])
    url = f"/packages/{second.pk}/steps/approve/"

    refused = client.post(url, {})
    approved = client.post(url, {"override_reason": "Agreed at panel"})

    assert refused.status_code == 409
    assert "give the reason for approving beyond the budget" in refused.content.decode()
    assert approved.status_code == 302
    assert Package.objects.get(pk=second.pk).status == PackageStatus.APPROVED
