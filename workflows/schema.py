"""The API's error answers (DESIGN §8), written into the OpenAPI schema of every operation.

drf-spectacular documents what a view returns when all goes well; the errors every view can give
are the same everywhere, so they are added once here, all in the one `Error` shape.
"""

from __future__ import annotations

from typing import Any

ERROR_SCHEMA = {
    "type": "object",
    "properties": {
        "detail": {"type": "string", "description": "What went wrong, in a sentence."},
        "code": {"type": "string", "description": "A stable code, like `invalid`."},
        "fields": {
            "type": "object",
            "description": "Each field that was wrong, with its messages.",
            "additionalProperties": {},
        },
        "reasons": {"type": "array", "items": {"type": "string"}},
    },
    "required": ["detail", "code", "fields"],
}

EVERYWHERE = {
    "400": "The request was not valid: `fields` says what to change.",
    "401": "Not signed in: send an API token (or a session cookie).",
    "403": "Not permitted for this person.",
    "503": "The service cannot reach its records just now: try again shortly.",
}
WITH_A_RECORD = {"404": "No such record, or not one this person may see."}
WRITES = {"409": "Not possible in the record's present state, or it changed meanwhile."}
# A body may name a record too (the child a family's feedback is about).
NAMED_IN_THE_BODY = {"404": "A record the body names does not exist, or is not this person's."}
SIGN_IN = {"429": "Too many failed sign-ins: locked for a while."}
# An empty filter (`?status=`, as a filter form sends "any") means "do not filter by this";
# an empty `page` or `page_size` means the first page, of the usual size.


def document_errors(
    result: dict[str, Any], generator: Any, request: Any, public: bool
) -> dict[str, Any]:
    """A drf-spectacular postprocessing hook."""
    result.setdefault("components", {}).setdefault("schemas", {}).setdefault("Error", ERROR_SCHEMA)
    for path, item in result.get("paths", {}).items():
        for method, operation in item.items():
            errors = dict(EVERYWHERE)
            if method != "get":
                errors |= WRITES | NAMED_IN_THE_BODY
            if "{" in path:
                errors |= WITH_A_RECORD
            if path.endswith("/auth/token/"):
                errors |= SIGN_IN
            for parameter in operation.get("parameters", []):
                if parameter["in"] == "query" and not parameter.get("required"):
                    parameter.setdefault("allowEmptyValue", True)
            responses = operation.setdefault("responses", {})
            for status, description in errors.items():
                responses.setdefault(
                    status,
                    {
                        "description": description,
                        "content": {
                            "application/json": {"schema": {"$ref": "#/components/schemas/Error"}}
                        },
                    },
                )
    return result
