"""The demo's local offer as a directory, from `data/demo-directory.json`: 26 services of every
type from seven providers in Medway, with who each is for, how to apply, costs to the family,
when and where they run, and whom to contact. The first seven are the demo's original offer:
other demos and tests use their names. Phone numbers are in Ofcom's range for drama
(01632 960xxx), e-mail addresses and websites at example.org: nobody real is reached from it.

Loading is idempotent: records are found by name (a service, a provider, a place) or by what
makes them one (a contact's name, a cost option, a schedule's days), and a service's directory
text is filled in only where it is still blank, so a second run changes nothing. Each service's
"information checked on" date is set once, some days before the first load (`checked_days_ago`):
a few over a year, for staff to see flagged.
"""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal
from pathlib import Path
from typing import Any

from accounts.models import User
from shortbreaks.models import (
    Contact,
    CostOption,
    Location,
    Provider,
    Schedule,
    Service,
    ServiceAtLocation,
    ServiceNeed,
)
from workflows import clock

DATA = Path(__file__).resolve().parent / "data" / "demo-directory.json"
SERVICE_FIELDS = (
    "type",
    "access",
    "unit",
    "capacity",
    "min_age",
    "max_age",
    "no_show_charged",
    "description",
)
DIRECTORY_TEXT = ("eligibility", "how_to_apply", "accessibility")


def _time(text: str | None) -> dt.time | None:
    return dt.time.fromisoformat(text) if text else None


def _providers(providers: list[dict[str, str]]) -> dict[str, tuple[Provider, str]]:
    """Each provider, with its bookings line (the same for all its services)."""
    found = {}
    for index, entry in enumerate(providers):
        provider, _ = Provider.objects.get_or_create(
            name=entry["name"],
            defaults={
                "kind": entry["kind"],
                "website": entry["website"],
                "description": entry["description"],
            },
        )
        if entry["login"]:
            provider.users.add(User.objects.get(email=entry["login"]))
        found[provider.name] = (provider, f"01632 960{200 + index:03d}")
    return found


def _locations(locations: list[dict[str, str]]) -> dict[str, Location]:
    places = {}
    for entry in locations:
        places[entry["name"]], _ = Location.objects.get_or_create(
            name=entry["name"],
            defaults={
                "address_1": entry["address_1"],
                "city": entry["city"],
                "postcode": entry["postcode"],
                "latitude": Decimal(entry["latitude"]),
                "longitude": Decimal(entry["longitude"]),
                "accessibility": entry["accessibility"],
            },
        )
    return places


def _fill_blanks(record: Service, entry: dict[str, Any]) -> None:
    """Directory text for a service an earlier demo loaded without it, overwriting nothing."""
    blanks: dict[str, Any] = {name: entry[name] for name in DIRECTORY_TEXT}
    blanks["assured_on"] = clock.today() - dt.timedelta(days=entry["checked_days_ago"])
    if entry.get("alert"):
        blanks |= {"alert": entry["alert"], "temporarily_closed": True}
    changed = [name for name, value in blanks.items() if not getattr(record, name)]
    for name in changed:
        setattr(record, name, blanks[name])
    if changed:
        record.save(update_fields=[*changed, "updated_at"])


def _details(
    record: Service, entry: dict[str, Any], places: dict[str, Location], phone: str
) -> None:
    for need in entry["needs"]:
        ServiceNeed.objects.get_or_create(service=record, need=need)
    for cost in entry["costs"]:
        CostOption.objects.get_or_create(
            service=record,
            option=cost["option"],
            defaults={
                "amount": Decimal(cost["amount"]),
                "amount_description": cost["description"],
            },
        )
    for schedule in entry["schedules"]:
        Schedule.objects.get_or_create(
            service=record,
            byday=schedule["byday"],
            defaults={
                "opens_at": _time(schedule["opens_at"]),
                "closes_at": _time(schedule["closes_at"]),
                "description": schedule["description"],
            },
        )
    for place in entry["locations"]:
        ServiceAtLocation.objects.get_or_create(service=record, location=places[place])
    for contact in entry["contacts"]:
        Contact.objects.get_or_create(
            service=record,
            name=contact["name"],
            defaults={"title": contact["title"], "email": contact["email"], "phone": phone},
        )


def load_offer() -> dict[str, Service]:
    """The directory's providers, places and services; the services by name."""
    data = json.loads(DATA.read_text(encoding="utf-8"))
    providers = _providers(data["providers"])
    places = _locations(data["locations"])
    offer = {}
    for entry in data["services"]:
        provider, phone = providers[entry["provider"]]
        record, _ = Service.objects.get_or_create(
            name=entry["name"],
            defaults={
                "provider": provider,
                "unit_cost": Decimal(entry["unit_cost"]),
                **{name: entry[name] for name in SERVICE_FIELDS},
            },
        )
        _fill_blanks(record, entry)
        _details(record, entry, places, phone)
        offer[record.name] = record
    return offer
