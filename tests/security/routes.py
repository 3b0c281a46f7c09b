"""Every route of the product's URL conf, with the HTTP methods its view answers.

Read from `config.urls`, not written down, so that a route added tomorrow turns up here by itself
and the access matrix fails until somebody writes its rule.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from django.urls import URLPattern, URLResolver

import config.urls

WRITE_METHODS = ("post", "put", "patch", "delete")


@dataclass(frozen=True)
class Route:
    key: str  # the URL name with its namespace, or the pattern when it has no name
    pattern: str
    methods: tuple[str, ...]
    params: tuple[str, ...]

    @property
    def is_api(self) -> bool:
        return self.pattern.startswith("api/")

    @property
    def is_admin(self) -> bool:
        return self.pattern.startswith("admin/")


def _methods(callback) -> tuple[str, ...]:
    actions = getattr(callback, "actions", None)
    if actions:  # a DRF viewset: its router says which method runs which action
        return tuple(method for method in ("get", *WRITE_METHODS) if method in actions)
    view_class = getattr(callback, "view_class", None) or getattr(callback, "cls", None)
    if view_class is None:
        return ("get",)  # a plain function view
    return tuple(method for method in ("get", *WRITE_METHODS) if hasattr(view_class, method))


def _walk(patterns, prefix: str, namespace: str) -> Iterator[tuple[str, str, URLPattern]]:
    for entry in patterns:
        if isinstance(entry, URLResolver):
            inner = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            yield from _walk(entry.url_patterns, prefix + str(entry.pattern), inner)
        else:
            yield prefix + str(entry.pattern), namespace, entry


def product_routes() -> list[Route]:
    routes: dict[str, Route] = {}
    for pattern, namespace, entry in _walk(config.urls.urlpatterns, "", ""):
        params = tuple(entry.pattern.regex.groupindex)
        if "format" in params:
            continue  # `.json` suffix twins answer exactly as the route they double
        # The API's names carry no namespace of their own: "api:" keeps them apart from pages'.
        namespace = "api:" if pattern.startswith("api/") and not namespace else namespace
        key = f"{namespace}{entry.name}" if entry.name else pattern
        routes.setdefault(key, Route(key, pattern, _methods(entry.callback), params))
    return list(routes.values())
