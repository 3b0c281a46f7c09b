"""Reading the team around the child and its consents from rows already fetched: no query."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from accounts.models import ConsentAgency
from casework.models import Consent, TeamMember, TeamPart


def key_worker_of(members: Iterable[TeamMember], *, on: dt.date) -> TeamMember | None:
    """The key worker on `on` among the members (`team_of`), read without another query."""
    return next(
        (
            member
            for member in members
            if member.part == TeamPart.KEY_WORKER
            and member.starts_on <= on
            and (member.ends_on is None or member.ends_on > on)
        ),
        None,
    )


def consents_standing(history: Iterable[Consent], *, on: dt.date) -> dict[str, Consent | None]:
    """Each agency's standing consent on `on` — the latest record by date, then entry, as
    `consent_standing` decides for the database — or None where none was ever recorded."""
    standing: dict[str, Consent | None] = dict.fromkeys(ConsentAgency.values)
    for consent in sorted(history, key=lambda record: (record.on, record.pk)):
        if consent.on <= on:
            standing[consent.agency] = consent
    return standing
