"""A strict Content-Security-Policy on every page; the template's one inline script has the
request's nonce."""

from __future__ import annotations

import re


def policy_of(response) -> dict[str, str]:
    return dict(
        part.strip().split(" ", 1) for part in response["Content-Security-Policy"].split(";")
    )


def test_pages_carry_a_strict_policy_and_the_inline_script_its_nonce(client, db):
    response = client.get("/sign-in/")

    policy = policy_of(response)
    nonce = re.search(r'<script nonce="([^"]+)">', response.content.decode())
    assert nonce is not None
    assert policy["script-src"] == f"'self' 'nonce-{nonce[1]}'"
    assert policy["default-src"] == "'self'"
    assert policy["style-src"] == "'self'"
    assert policy["object-src"] == "'none'"
    assert policy["frame-ancestors"] == "'none'"
    assert "unsafe-inline" not in response["Content-Security-Policy"]


def test_each_response_has_its_own_nonce(client, db):
    first = policy_of(client.get("/sign-in/"))["script-src"]
    second = policy_of(client.get("/sign-in/"))["script-src"]

    assert first != second
