"""The Pathway taxonomy of the Open Referral UK API: three vocabularies classifying a service by
its type of short break, its access level and the needs it serves.

They live in code, not in the database: their terms are the choices of `ServiceType`, `Access`
and `Need`, so a new choice is a new term by the next release. Every id is
`uuid5(NAMESPACE, name)`, where name is the taxonomy's code (`service_type`) or the taxonomy's
code and the term's (`service_type/day_activity`): the same across requests, releases and
installations, so another directory may store them. The namespace was drawn once, at random,
for Pathway; changing it, or a code, changes every id that other directories hold.

A service's attributes (the links between it and its terms) have ids of the same kind,
`uuid5(service uuid, term id)`.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from django.db.models import TextChoices

from shortbreaks.models import Access, Need, Service, ServiceType

NAMESPACE = uuid.UUID("6f0f3b52-9d0e-4c41-8a3e-2b1f5c7d9a64")


@dataclass(frozen=True)
class Term:
    taxonomy: Taxonomy
    code: str
    name: str

    @property
    def id(self) -> uuid.UUID:
        return uuid.uuid5(NAMESPACE, f"{self.taxonomy.code}/{self.code}")

    @property
    def description(self) -> str:
        return f"{self.taxonomy.name}: {self.name}."


@dataclass(frozen=True)
class Taxonomy:
    code: str
    name: str
    description: str
    choices: type[TextChoices]

    @property
    def id(self) -> uuid.UUID:
        return uuid.uuid5(NAMESPACE, self.code)

    @property
    def terms(self) -> list[Term]:
        return [Term(self, code, str(label)) for code, label in self.choices.choices]


SERVICE_TYPE = Taxonomy(
    "service_type",
    "Short break type",
    "The kinds of short break in the council's short breaks services statement.",
    ServiceType,
)
ACCESS_LEVEL = Taxonomy(
    "access_level",
    "Access level",
    "How a family gets the service: open to everyone, targeted with no assessment, or "
    "specialist after an assessment.",
    Access,
)
NEED_SERVED = Taxonomy(
    "need_served",
    "Need served",
    "The needs a service is set up to meet, as families describe them.",
    Need,
)
TAXONOMIES = [SERVICE_TYPE, ACCESS_LEVEL, NEED_SERVED]
TERMS = [term for taxonomy in TAXONOMIES for term in taxonomy.terms]
TAXONOMY_BY_ID = {taxonomy.id: taxonomy for taxonomy in TAXONOMIES}
TERM_BY_ID = {term.id: term for term in TERMS}
_TERM_BY_CODE = {(term.taxonomy.code, term.code): term for term in TERMS}


def terms_of(service: Service) -> list[Term]:
    """The service's type, its access level and each need it serves (`needs` prefetched)."""
    needs = sorted(need.need for need in service.needs.all())
    return [
        _TERM_BY_CODE[(SERVICE_TYPE.code, service.type)],
        _TERM_BY_CODE[(ACCESS_LEVEL.code, service.access)],
        *(_TERM_BY_CODE[(NEED_SERVED.code, need)] for need in needs),
    ]


def attribute_id(service: Service, term: Term) -> uuid.UUID:
    return uuid.uuid5(service.uuid, str(term.id))
