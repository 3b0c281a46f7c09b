"""The interactive API documentation works under the Content-Security-Policy."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

HTTP_METHODS = {"get", "put", "post", "delete", "options", "head", "patch", "trace"}


def operations(schema: dict) -> list[tuple[str, str, str]]:
    return [
        (operation["tags"][0], operation["operationId"], path)
        for path, methods in schema["paths"].items()
        for method, operation in methods.items()
        if method in HTTP_METHODS
    ]


def test_swagger_ui_reaches_the_first_middle_and_last_operations_with_no_csp_refusals(
    browser, live_server
):
    """Swagger UI virtualises a list of 100 or more operations: only those near the viewport are
    in the page. The list is whole when a deep link reaches its far end as well as its start."""
    context = browser.new_context()
    refused: list[str] = []
    schema = context.request.get(f"{live_server.url}/api/schema/?format=json").json()
    listed = operations(schema)
    uptake = next(item for item in listed if item[2] == "/api/v1/commissioning/reports/uptake/")

    for tag, operation_id, path in (listed[0], uptake, listed[-1]):
        page = context.new_page()
        page.on(
            "console",
            lambda message: (
                refused.append(message.text) if "Content Security Policy" in message.text else None
            ),
        )
        page.goto(f"{live_server.url}/api/docs/#/{tag}/{operation_id}")
        expect(page.get_by_text("Pathway API").first).to_be_visible()
        expect(page.locator(f"#operations-{tag}-{operation_id}")).to_contain_text(path)
        page.close()

    context.close()
    assert refused == []
