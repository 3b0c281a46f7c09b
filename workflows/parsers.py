"""The only request body the API reads: JSON with no control characters.

Its size is bounded before parsing: DRF reads JSON through `request.body`, which Django refuses
beyond `DATA_UPLOAD_MAX_MEMORY_SIZE` (answered by `workflows.views.bad_request`).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from django.conf import settings
from rest_framework import exceptions
from rest_framework.parsers import JSONParser

from workflows.text import forbidden_characters_in


def _refuse_constant(name: str) -> None:
    raise ValueError(f"{name} is not a number JSON allows")


class StrictJSONParser(JSONParser):
    """DRF's JSON parser lets a deeply nested body raise `RecursionError` (a 500), passes NUL
    bytes on to PostgreSQL, which refuses them (another 500), and words its errors for Python
    programmers. This one answers each of those with a 400 that says what to change.

    It stays a `JSONParser` so that DRF hands it the size-checked `request.body`."""

    def parse(
        self,
        stream: Any,
        media_type: str | None = None,
        parser_context: Mapping[str, Any] | None = None,
    ) -> Any:
        encoding = (parser_context or {}).get("encoding", settings.DEFAULT_CHARSET)
        try:
            data = json.loads(stream.read().decode(encoding), parse_constant=_refuse_constant)
        except UnicodeDecodeError:
            raise exceptions.ParseError(f"Send the body as {encoding} text.") from None
        except json.JSONDecodeError as error:
            raise exceptions.ParseError(
                f"The body is not valid JSON: {error.msg.lower()} "
                f"at line {error.lineno}, column {error.colno}."
            ) from None
        except ValueError as error:
            raise exceptions.ParseError(f"The body is not valid JSON: {error}.") from None
        except RecursionError:
            raise exceptions.ParseError("The JSON is nested too deeply.") from None
        problems = forbidden_characters_in(data)
        if problems:
            raise exceptions.ValidationError(problems)
        return data
