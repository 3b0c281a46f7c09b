"""Every operation of `/api/schema/`, with every role's token, asked with valid and invalid
input that schemathesis generates from the schema itself (issue #10 item 5).

Each answer must be no 5xx, a status the schema documents, of the documented content type, with
a body that matches the documented shape. Half the cases name the world's real records, so that
the operation is really done (and rolled back) rather than only refused with a 404.
"""

from __future__ import annotations

import json
import re
from typing import Any

import pytest
import schemathesis
import time_machine
from django.core import signals
from django.core.handlers.wsgi import WSGIHandler
from django.db import close_old_connections, transaction
from django.urls import resolve
from drf_spectacular.generators import SchemaGenerator
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from schemathesis import GenerationMode
from schemathesis.checks import negative_data_rejection, not_a_server_error
from schemathesis.core.parameters import ParameterLocation
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from tests.security.matrix import RECORD_OF, STEP_OF
from tests.security.world import TODAY, World, build

SCHEMA = json.loads(
    json.dumps(
        SchemaGenerator(urlconf="config.urls").get_schema(request=None, public=True), default=str
    )
)
API = schemathesis.openapi.from_dict(SCHEMA)
OPERATIONS = [
    (method.upper(), path)
    for path, item in SCHEMA["paths"].items()
    for method in item
    if method in ("get", "post", "put", "patch", "delete")
]
ROLES = ("practitioner", "manager", "family", "provider", "commissioner", "admin")
EXAMPLES = 5  # per operation, role and mode
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]


@pytest.fixture
def world(db: None):
    with time_machine.travel(TODAY, tick=False):
        yield build()


@pytest.fixture
def app():
    """The real WSGI stack, in this thread, on the test's connection (which the request signals
    would otherwise close between requests, as Django's own test client also prevents)."""
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield WSGIHandler()
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


def real_path_parameters(world: World, path: str) -> dict[str, Any]:
    """The world's own record (and a step its state allows) for a path's parameters."""
    sample = re.sub(r"\{id\}", "1", path).replace("{name}", "step").replace("{number}", "1")
    record = RECORD_OF.get(f"api:{resolve(sample).url_name}")
    if record is None:
        return {}
    known = {
        "id": world.records[record].pk,
        "name": STEP_OF.get(record),
        "period": "2026-27",
        "number": 1,  # the plan's first version (world.py)
    }
    return {name: known[name] for name in re.findall(r"\{(\w+)\}", path)}


def exercise(
    app: WSGIHandler, operation: Any, mode: GenerationMode, token: str, real: dict[str, Any]
) -> None:
    """`EXAMPLES` cases of one operation, in one mode, as one person; each is rolled back."""
    headers = {"Authorization": f"Token {token}"}
    checks = [*CHECKS, negative_data_rejection] if mode.is_negative else CHECKS

    @settings(
        max_examples=EXAMPLES,
        deadline=None,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    @given(case=operation.as_strategy(generation_mode=mode), use_real=st.booleans())
    def ask(case: Any, use_real: bool) -> None:
        # A path made invalid on purpose stays invalid: only a valid one is swapped.
        path_component = case.meta.components.get(ParameterLocation.PATH)
        if use_real and real and not (path_component and path_component.mode.is_negative):
            case.path_parameters = {**(case.path_parameters or {}), **real}
        with transaction.atomic():
            response = case.call(app=app, headers=headers)
            transaction.set_rollback(True)
        case.validate_response(response, checks=checks)

    with time_machine.travel(TODAY, tick=False):
        ask()


@pytest.mark.parametrize(("method", "path"), OPERATIONS, ids=[f"{m} {p}" for m, p in OPERATIONS])
def test_every_operation_answers_as_its_schema_says_for_every_role(world, app, method, path):
    operation = API[path][method]
    definition = SCHEMA["paths"][path][method.lower()]
    takes_input = bool(definition.get("parameters") or definition.get("requestBody"))
    modes = list(GenerationMode) if takes_input else [GenerationMode.POSITIVE]
    real = real_path_parameters(world, path)
    for role in ROLES:
        for mode in modes:
            exercise(app, operation, mode, world.token(role), real)
