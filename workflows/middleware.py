"""Refuse query strings no person could have typed, before any view or filter sees them."""

from __future__ import annotations

from collections.abc import Callable

from django.core.exceptions import BadRequest
from django.http import HttpRequest, HttpResponse

from workflows.text import forbidden_character


class RefuseControlCharactersMiddleware:
    """`?search=%00` would otherwise reach PostgreSQL, which refuses NUL in text with an error
    (a 500); every search box and filter gets the same clear 400 instead."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        for key, values in request.GET.lists():
            for text in (key, *values):
                message = forbidden_character(text)
                if message:
                    raise BadRequest(f"Check the address: {message}")
        return self.get_response(request)
