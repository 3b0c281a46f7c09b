"""The `Idempotency-Key` header of the POSTs that move money (DESIGN §8).

A client that is not sure its request arrived (a timeout, a double-click) sends it again with the
same key: the same key and body from the same person get the first answer again, with the same
status and body, and nothing is done twice. The same key with another method, path or body is a
409 `idempotency_key_reused`. Keys are kept 24 hours, and each person's keys are their own.
"""

from __future__ import annotations

import functools
import hashlib
import json
import re
from collections.abc import Callable
from typing import Any, cast

from django.db import transaction
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.permissions import SAFE_METHODS
from rest_framework.renderers import JSONRenderer
from rest_framework.request import Request
from rest_framework.response import Response

from accounts.models import User
from workflows.errors import InvalidParams, TransitionNotAllowed
from workflows.services import idempotency_claim, idempotency_record

HEADER = "Idempotency-Key"
REPLAYED = "Idempotent-Replayed"
KEY = re.compile(r"[\x21-\x7e]{1,255}")

IDEMPOTENCY_KEY = OpenApiParameter(
    HEADER,
    OpenApiTypes.STR,
    OpenApiParameter.HEADER,
    description=(
        "Optional: a key of your choosing (a UUID, say), at most 255 visible ASCII characters. "
        "Sent again with the same body within 24 hours, the request is not done again: the "
        "first answer is returned, with the same status and body and the header "
        f"`{REPLAYED}: true`. The same key with a different body is a 409 "
        "`idempotency_key_reused`. Keys are per person."
    ),
)


class IdempotencyKeyReused(TransitionNotAllowed):
    code = "idempotency_key_reused"


def _fingerprint(request: Request) -> str:
    # The parsed body in one canonical form: the same JSON sent again is the same request,
    # whatever the order of its keys or its spacing.
    body = json.dumps(request.data, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    text = f"{request.method} {request.get_full_path()}\n{body}"
    return hashlib.sha256(text.encode()).hexdigest()


ViewMethod = Callable[..., Response]


def idempotent(method: ViewMethod) -> ViewMethod:
    """Make a DRF view method honour `Idempotency-Key` on POST (other methods are left alone)."""

    @functools.wraps(method)
    def wrapper(view: Any, request: Request, *args: Any, **kwargs: Any) -> Response:
        key = request.headers.get(HEADER)
        if key is None or request.method in SAFE_METHODS:
            return method(view, request, *args, **kwargs)
        if not KEY.fullmatch(key):
            raise InvalidParams(
                {HEADER: ["Send 1 to 255 visible ASCII characters, such as a UUID."]},
                detail="The Idempotency-Key header is not a key.",
            )
        fingerprint = _fingerprint(request)
        user = cast(User, request.user)
        with transaction.atomic():
            stored = idempotency_claim(by=user, key=key, fingerprint=fingerprint)
            if stored is not None:
                if stored.fingerprint != fingerprint:
                    raise IdempotencyKeyReused(
                        "This Idempotency-Key was used in the last 24 hours for a different "
                        "request: send a new key for a new request."
                    )
                data = json.loads(stored.response_body) if stored.response_body else None
                replay = Response(data, status=stored.response_status)
                replay[REPLAYED] = "true"
                return replay
            try:
                with transaction.atomic():
                    response = method(view, request, *args, **kwargs)
            except Exception as exc:  # answered as the API answers it, and kept as such
                response = view.handle_exception(exc)
            if response.status_code >= 500:
                # A failure is not an answer to keep: nothing of it stays, the key included.
                transaction.set_rollback(True)
                return response
            idempotency_record(
                by=user,
                key=key,
                status=response.status_code,
                body=JSONRenderer().render(response.data).decode(),
            )
        return response

    return cast(ViewMethod, extend_schema(methods=["POST"], parameters=[IDEMPOTENCY_KEY])(wrapper))
