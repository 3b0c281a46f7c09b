"""What a family is told about its child's short-break bookings (written to the outbox)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.urls import reverse

from casework.messages import to_family
from shortbreaks.models import PackageStatus
from workflows.outbox import Message


def booked(package: Any, dates: list[dt.date]) -> list[Message]:
    name = package.child.given_name
    when = (
        f"{dates[0]:%A %-d %B %Y}"
        if len(dates) == 1
        else (f"{len(dates)} dates from {dates[0]:%-d %B %Y} to {dates[-1]:%-d %B %Y}")
    )
    return to_family(
        package.child,
        "booking",
        f"Short break booked for {name}",
        f"{package.service.name} ({package.service.provider}) is booked for {name}: {when}.",
    )


def cancelled(session: Any, *, by: Any, on: dt.date) -> list[Message]:
    if session.package.status == PackageStatus.ENDED:
        return []  # the package's ending tells the family once, for all its sessions
    name = session.package.child.given_name
    return to_family(
        session.package.child,
        "booking",
        f"Short break cancelled for {name}",
        f"{session.package.service.name} on {session.date:%A %-d %B %Y} has been cancelled "
        f"for {name}. Nothing will be charged to the personal budget.",
    )


def package_ended(package: Any, dates: list[dt.date]) -> list[Message]:
    name = package.child.given_name
    when = (
        f"the session on {dates[0]:%A %-d %B %Y} has"
        if len(dates) == 1
        else f"the {len(dates)} sessions from {dates[0]:%-d %B %Y} to {dates[-1]:%-d %B %Y} have"
    )
    return to_family(
        package.child,
        "booking",
        f"Short breaks ended for {name}",
        f"{package.service.name} ({package.service.provider}) has ended for {name}, so {when} "
        f"been cancelled. Nothing will be charged to the personal budget for them.",
    )


def change_decided(change: Any, *, by: Any, on: dt.date) -> list[Message]:
    """The provider login that proposed a change to the local offer hears the decision."""
    what = change.service.name if change.service_id else change.values.get("name", "a service")
    if change.status == "approved":
        subject = f"Change approved: {what}"
        body = f"{by.get_full_name()} approved your change to {what}. It is now published."
    else:
        subject = f"Change not approved: {what}"
        body = f"{by.get_full_name()} did not approve your change to {what}: {change.reason}"
    link = reverse("shortbreaks:provider-change", args=[change.pk])
    return [Message(change.proposed_by_id, "local_offer", subject, body, link)]


def change_waiting(change: Any, deciders: Iterable[int]) -> list[Message]:
    """Staff who decide on the local offer hear that a provider's change waits for them."""
    what = change.service.name if change.service_id else change.values.get("name", "a service")
    link = reverse("shortbreaks:change", args=[change.pk])
    return [
        Message(
            recipient,
            "local_offer",
            f"Change to the local offer waiting: {what}",
            f"{change.provider.name} proposes a change to {what}. Nothing of it is published "
            "until it is approved.",
            link,
            dedupe_key=f"change-waiting:{change.pk}:{recipient}",
        )
        for recipient in deciders
    ]
