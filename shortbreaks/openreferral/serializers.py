"""Pathway's records in the shapes of the Open Referral UK profile (v3.0, `schema/compiled/*.json`
of `OpenReferralUK/uk-profile`).

Only published fields: a service's own, its provider's public details, and its contacts (roles or
named staff at the provider, never a family). Every id is the record's UUID. An optional field
with nothing in it is left out rather than sent empty or null: the profile types each field as
a string or a number, not null, and an empty string is no URL or e-mail address. Amounts, ages
and coordinates stay `Decimal` or `int` here and are written as JSON numbers by the renderer.
Fields the international HSDS 3.0 standard has and the UK profile does not list
(`eligibility_description`, `application_process`, a contact's `email` and `phones`, a cost
option's `currency`) are sent under their HSDS names, which the profile's schemas allow.
"""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from shortbreaks.models import (
    Contact,
    CostOption,
    Location,
    Provider,
    Schedule,
    Service,
    ServiceAtLocation,
)
from shortbreaks.openreferral.taxonomy import Taxonomy, Term, attribute_id, terms_of

Json = dict[str, Any]


def _present(**fields: Any) -> Json:
    return {name: value for name, value in fields.items() if value not in (None, "")}


def _date(value: dt.date | None) -> str | None:
    return value.isoformat() if value else None


def _time(value: dt.time | None) -> str | None:
    return value.isoformat(timespec="seconds") if value else None


def date_time(value: dt.datetime) -> str:
    """UTC to the millisecond, as the profile's `last_modified` asks."""
    return value.astimezone(dt.UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def derived_id(record_uuid: uuid.UUID, part: str) -> str:
    """The id of a part the profile keeps as a record of its own and Pathway keeps as fields of
    another (a location's address, a contact's phone): stable as long as the record's is."""
    return str(uuid.uuid5(record_uuid, part))


def organization(provider: Provider) -> Json:
    """Name, description and website: the provider's e-mail, phone and address are how the
    council reaches it, not what it publishes (a service's own e-mail and contacts are)."""
    return {
        "id": str(provider.uuid),
        "name": provider.name,
        "description": provider.description,
    } | _present(website=provider.website)


def service_summary(service: Service) -> Json:
    """The one-to-one fields of a service, with its organization (`service_list.json`)."""
    return {
        "id": str(service.uuid),
        "organization_id": str(service.provider.uuid),
        "name": service.name,
        "status": service.published_status,
        "minimum_age": service.min_age,
        "maximum_age": service.max_age,
        "last_modified": date_time(service.updated_at),
    } | _present(
        description=service.description,
        url=service.url,
        email=service.email,
        assured_date=_date(service.assured_on),
        alert=service.alert,
        eligibility_description=service.eligibility,
        application_process=service.how_to_apply,
        organization=organization(service.provider),
    )


def service_full(service: Service) -> Json:
    """A service with everything nested (`compiled/service.json`); its related rows
    prefetched (`selectors.with_everything`)."""
    return service_summary(service) | {
        "contacts": [contact(row) for row in service.contacts.all()],
        "cost_options": [cost_option(row) for row in service.cost_options.all()],
        "schedules": [schedule(row) for row in service.schedules.all()],
        "service_at_locations": [
            service_at_location(row, nested_service=False) for row in service.at_locations.all()
        ],
        "attributes": [attribute(service, term) for term in terms_of(service)],
        "service_areas": [],
        "languages": [],
        "funding": [],
    }


def contact(row: Contact) -> Json:
    phones = [{"id": derived_id(row.uuid, "phone"), "number": row.phone}] if row.phone else []
    return {
        "id": str(row.uuid),
        "service_id": str(row.service.uuid),
        "name": row.name,
        "phones": phones,
    } | _present(title=row.title, email=row.email)


def cost_option(row: CostOption) -> Json:
    return {
        "id": str(row.uuid),
        "service_id": str(row.service.uuid),
        "option": row.option,
        "amount": row.amount,
        "currency": "GBP",
    } | _present(
        amount_description=row.amount_description,
        valid_from=_date(row.valid_from),
        valid_to=_date(row.valid_to),
    )


def schedule(row: Schedule) -> Json:
    return {
        "id": str(row.uuid),
        "service_id": str(row.service.uuid),
        "freq": "WEEKLY",
        "interval": 1,
        "byday": row.byday,
    } | _present(
        opens_at=_time(row.opens_at),
        closes_at=_time(row.closes_at),
        valid_from=_date(row.valid_from),
        valid_to=_date(row.valid_to),
        description=row.description,
    )


def location_summary(row: Location) -> Json:
    return {
        "id": str(row.uuid),
        "location_type": "physical",
        "name": row.name,
    } | _present(description=row.description, latitude=row.latitude, longitude=row.longitude)


def location_full(row: Location) -> Json:
    """With its address and accessibility. Pathway records no county: the profile requires a
    `state_province`, so it is sent empty."""
    address = {
        "id": derived_id(row.uuid, "address"),
        "location_id": str(row.uuid),
        "address_1": row.address_1,
        "city": row.city,
        "state_province": "",
        "postal_code": row.postcode,
        "country": "GB",
        "address_type": "physical",
    }
    accessibility = (
        [
            {
                "id": derived_id(row.uuid, "accessibility"),
                "location_id": str(row.uuid),
                "description": row.accessibility,
            }
        ]
        if row.accessibility
        else []
    )
    return location_summary(row) | {"addresses": [address], "accessibility": accessibility}


def service_at_location(row: ServiceAtLocation, *, nested_service: bool = True) -> Json:
    """A place a service is delivered, with the place in full; inside a service, without the
    service again (`compiled/service_at_location.json`)."""
    body = {
        "id": str(row.uuid),
        "service_id": str(row.service.uuid),
        "location_id": str(row.location.uuid),
        "location": location_full(row.location),
    }
    return (body | {"service": service_summary(row.service)}) if nested_service else body


def service_at_location_summary(row: ServiceAtLocation) -> Json:
    """`compiled/service_at_location_list.json`: the place and the service, one-to-one fields."""
    return {
        "id": str(row.uuid),
        "service_id": str(row.service.uuid),
        "location_id": str(row.location.uuid),
        "location": location_summary(row.location),
        "service": service_summary(row.service),
    }


def taxonomy_term(term: Term) -> Json:
    return {
        "id": str(term.id),
        "name": term.name,
        "description": term.description,
        "taxonomy": term.taxonomy.name,
        "taxonomy_id": str(term.taxonomy.id),
        "term": term.code,
    }


def taxonomy(vocabulary: Taxonomy) -> Json:
    return {
        "id": str(vocabulary.id),
        "name": vocabulary.name,
        "description": vocabulary.description,
        "version": "1",
        "taxonomy_terms": [taxonomy_term(term) for term in vocabulary.terms],
    }


def attribute(service: Service, term: Term) -> Json:
    return {
        "id": str(attribute_id(service, term)),
        "link_id": str(service.uuid),
        "taxonomy_term_id": str(term.id),
        "taxonomy_term": taxonomy_term(term),
    }
