"""The OpenAPI document of Pathway's Open Referral UK API, served at `openapi.json` and linked
from the API's root.

Written from the profile's own `schema/openapi.json` (OpenReferralUK/uk-profile, CC BY-SA 4.0)
and narrowed to what Pathway serves: the same paths, operation ids and page envelope, the
profile's published JSON schemas for each answer, and only the query parameters Pathway reads
(its `modified_after` added; `postcode` and `proximity` left out: Pathway records no service
areas and geocodes no postcodes).
One difference: the profile answers `/service_at_locations/{id}` with its service schema,
Pathway with its service-at-location schema, which is what that record is.
"""

from __future__ import annotations

from typing import Any

PROFILE_URL = "https://github.com/OpenReferralUK/uk-profile"
SCHEMAS = "https://raw.githubusercontent.com/openreferral/uk-profile/main/schema/"

Json = dict[str, Any]


def _parameter(name: str, description: str, schema: Json) -> Json:
    return {"name": name, "in": "query", "required": False, "description": description} | {
        "schema": schema
    }


PARAMETERS: Json = {
    "search": _parameter(
        "search",
        "Words that must each appear in the service's name, description or provider's name.",
        {"type": "string"},
    ),
    "page": _parameter("page", "Page number of paginated result, from 1.", {"type": "integer"}),
    "per_page": _parameter(
        "per_page",
        "Number of results in a page: 50 unless asked, 100 at most (more is read as 100).",
        {"type": "integer", "minimum": 1},
    ),
    "taxonomy_term_id": _parameter(
        "taxonomy_term_id",
        "Services with this taxonomy term (see /taxonomy_terms).",
        {"type": "string", "format": "uuid"},
    ),
    "taxonomy_id": _parameter(
        "taxonomy_id",
        "Services with any term of this taxonomy (see /taxonomies).",
        {"type": "string", "format": "uuid"},
    ),
    "minimum_age": _parameter(
        "minimum_age",
        "Services with a minimum age of at least this value.",
        {"type": "number", "minimum": 0},
    ),
    "maximum_age": _parameter(
        "maximum_age",
        "Services with a maximum age equal to or below this value.",
        {"type": "number", "minimum": 0},
    ),
    "day": _parameter(
        "day",
        "Services that run on this day of the week, as an iCalendar BYDAY code.",
        {"type": "string", "enum": ["MO", "TU", "WE", "TH", "FR", "SA", "SU"]},
    ),
    "start_time": _parameter(
        "start_time",
        "Services with a session opening at or after this time of day (HH:MM, local time).",
        {"type": "string", "pattern": "^[0-9]{2}:[0-9]{2}(:[0-9]{2})?$"},
    ),
    "end_time": _parameter(
        "end_time",
        "Services with a session closing at or before this time of day (HH:MM, local time); "
        "with start_time, the same session.",
        {"type": "string", "pattern": "^[0-9]{2}:[0-9]{2}(:[0-9]{2})?$"},
    ),
    "modified_after": _parameter(
        "modified_after",
        "Services modified on or after this date and time (UTC when no offset is given).",
        {"type": "string", "format": "date-time"},
    ),
}
LISTING = ["page", "per_page"]
SERVICE_QUERY = [
    "search",
    *LISTING,
    "taxonomy_term_id",
    "taxonomy_id",
    "minimum_age",
    "maximum_age",
    "day",
    "start_time",
    "end_time",
    "modified_after",
]
ERRORS = {
    "400": {"$ref": "#/components/responses/BadParameter"},
}


def _page_of(item_schema: str) -> Json:
    return {
        "allOf": [{"$ref": "#/components/schemas/Page"}],
        "properties": {"contents": {"type": "array", "items": {"$ref": SCHEMAS + item_schema}}},
    }


def _get(operation_id: str, summary: str, schema: Json, query: list[str]) -> Json:
    responses: Json = {
        "200": {"description": summary, "content": {"application/json": {"schema": schema}}},
        **ERRORS,
    }
    return {
        "get": {
            "operationId": operation_id,
            "summary": summary,
            "parameters": [{"$ref": f"#/components/parameters/{name}"} for name in query],
            "responses": responses,
        }
    }


def _by_id(operation_id: str, summary: str, item_schema: str, name: str) -> Json:
    path = _get(operation_id, summary, {"$ref": SCHEMAS + item_schema}, [])
    path["get"]["responses"]["404"] = {"$ref": "#/components/responses/NotFound"}
    path["parameters"] = [
        {
            "in": "path",
            "name": name,
            "required": True,
            "description": "The record's UUID.",
            "schema": {"type": "string", "format": "uuid"},
        }
    ]
    return path


def _error(description: str) -> Json:
    return {
        "description": description,
        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}},
    }


def openapi_document(server: str) -> Json:
    """The document, with `server` (the API's absolute root URL) as its one server."""
    return {
        "openapi": "3.0.3",
        "info": {
            "title": "Pathway: the local offer in Open Referral UK",
            "version": "3.0",
            "description": (
                "The council's short breaks services statement, published read-only in the "
                "Open Referral UK profile of HSDS 3.0. No authentication. Every id is a UUID "
                "that stays the same across requests and releases."
            ),
            "license": {
                "name": "The profile's schemas: Creative Commons Attribution Share-Alike 4.0",
                "url": "https://creativecommons.org/licenses/by-sa/4.0/",
            },
        },
        "servers": [{"url": server.rstrip("/")}],
        "paths": {
            "/": {
                "get": {
                    "operationId": "getAPIMetaInformation",
                    "summary": "This API and its relationship with HSDS.",
                    "responses": {
                        "200": {
                            "description": "The HSDS version, the profile and this document.",
                            "content": {
                                "application/json": {
                                    "schema": {"$ref": "#/components/schemas/Meta"}
                                }
                            },
                        }
                    },
                }
            },
            "/services": _get(
                "getPaginatedListOfServices",
                "A page of services with their one-to-one fields.",
                _page_of("compiled/service_list.json"),
                SERVICE_QUERY,
            ),
            "/services/{service_id}": _by_id(
                "getFullyNestedServiceById",
                "A service with everything related nested.",
                "compiled/service.json",
                "service_id",
            ),
            "/service_at_locations": _get(
                "getPaginatedListOfServiceAtLocation",
                "A page of the places services are delivered, services filtered as /services.",
                _page_of("compiled/service_at_location_list.json"),
                SERVICE_QUERY,
            ),
            "/service_at_locations/{service_at_location_id}": _by_id(
                "getServiceAtLocationWithNestedDataById",
                "A place a service is delivered, with its location and service.",
                "compiled/service_at_location.json",
                "service_at_location_id",
            ),
            "/taxonomies": _get(
                "getPaginatedListOfTaxonomies",
                "A page of taxonomies, each with its terms.",
                _page_of("taxonomy.json"),
                LISTING,
            ),
            "/taxonomies/{taxonomy_id}": _by_id(
                "getTaxonomyById", "A taxonomy with its terms.", "taxonomy.json", "taxonomy_id"
            ),
            "/taxonomy_terms": _get(
                "getPaginatedListOfTaxonomyTerms",
                "A page of taxonomy terms.",
                _page_of("taxonomy_term.json"),
                LISTING,
            ),
            "/taxonomy_terms/{taxonomy_term_id}": _by_id(
                "getTaxonomyTermById",
                "A taxonomy term.",
                "taxonomy_term.json",
                "taxonomy_term_id",
            ),
        },
        "components": {
            "schemas": {
                "Meta": {
                    "type": "object",
                    "required": ["version", "profile", "openapi_url"],
                    "properties": {
                        "version": {"type": "string", "description": "HSDS version."},
                        "profile": {"type": "string", "format": "uri"},
                        "openapi_url": {"type": "string", "format": "uri"},
                    },
                },
                "Page": {
                    "type": "object",
                    "required": [
                        "total_items",
                        "total_pages",
                        "page_number",
                        "size",
                        "first_page",
                        "last_page",
                        "empty",
                        "contents",
                    ],
                    "properties": {
                        "total_items": {"type": "integer"},
                        "total_pages": {"type": "integer"},
                        "page_number": {"type": "integer"},
                        "size": {
                            "type": "integer",
                            "description": "The number of items in this page.",
                        },
                        "first_page": {"type": "boolean"},
                        "last_page": {"type": "boolean"},
                        "empty": {
                            "type": "boolean",
                            "description": "Whether this page has no items.",
                        },
                        "contents": {"type": "array", "items": {}},
                    },
                },
                "Error": {
                    "type": "object",
                    "required": ["detail", "code", "fields"],
                    "properties": {
                        "detail": {"type": "string"},
                        "code": {"type": "string"},
                        "fields": {
                            "type": "object",
                            "description": "Each parameter in error, with its messages.",
                            "additionalProperties": {"type": "array", "items": {"type": "string"}},
                        },
                    },
                },
            },
            "parameters": PARAMETERS,
            "responses": {
                "BadParameter": _error(
                    "A query parameter this endpoint does not read, or a value it cannot read."
                ),
                "NotFound": _error("No published record has this id."),
            },
        },
    }
