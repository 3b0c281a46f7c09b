"""API filters that refuse what they cannot read.

django-filter reads `?case_id=1e300` as a decimal and `?active=maybe` as "any", so a client's
typo silently widens the answer. Here a whole-number filter wants a whole number and a yes/no
filter wants true or false; anything else is a 400 naming the filter.
"""

from __future__ import annotations

import re
from typing import Any

import django_filters  # type: ignore[import-untyped]
from django import forms
from django.db import models
from django_filters.rest_framework import (  # type: ignore[import-untyped]
    DjangoFilterBackend,
    FilterSet,
)


class TrueOrFalseField(forms.Field):
    WORDS = {"true": True, "false": False, "1": True, "0": False}
    default_error_messages = {"invalid": "Enter true or false."}

    def to_python(self, value: Any) -> bool | None:
        if value in (None, ""):
            return None
        try:
            return self.WORDS[str(value).lower()]
        except KeyError:
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid") from None


class TrueOrFalseFilter(django_filters.BooleanFilter):
    field_class = TrueOrFalseField


# The largest id either database stores (PostgreSQL's bigint, SQLite's INTEGER); a larger one
# in a query would reach the database driver and fail there, a 500.
BIGGEST_ID = 2**63 - 1


class WholeNumberField(forms.IntegerField):
    """Digits only, and small enough to store: Django's own field reads "5.0" as 5."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("min_value", -BIGGEST_ID)
        kwargs.setdefault("max_value", BIGGEST_ID)
        super().__init__(**kwargs)

    def to_python(self, value: Any) -> int | None:
        if value not in self.empty_values and not re.fullmatch(r"-?[0-9]+", str(value).strip()):
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid")
        return super().to_python(value)


class WholeNumberFilter(django_filters.NumberFilter):
    field_class = WholeNumberField


class StrictFilterSet(FilterSet):
    FILTER_DEFAULTS = {
        **FilterSet.FILTER_DEFAULTS,
        models.AutoField: {"filter_class": WholeNumberFilter},
        models.BigAutoField: {"filter_class": WholeNumberFilter},
        models.SmallIntegerField: {"filter_class": WholeNumberFilter},
        models.IntegerField: {"filter_class": WholeNumberFilter},
        models.PositiveIntegerField: {"filter_class": WholeNumberFilter},
        models.PositiveSmallIntegerField: {"filter_class": WholeNumberFilter},
        models.BooleanField: {"filter_class": TrueOrFalseFilter},
    }


class StrictFilterBackend(DjangoFilterBackend):
    """For views that list `filterset_fields` rather than declare a `StrictFilterSet`."""

    filterset_base = StrictFilterSet

    def filter_queryset(self, request: Any, queryset: Any, view: Any) -> Any:
        # A filter set is built anew for every request (each filter copied, a form class made
        # for them): on a caseload page that cost as much as the page's own query. Asked for
        # nothing but a page, no filter has a value, and the answer is the queryset as it is.
        paginator = getattr(view, "paginator", None)
        paging = {
            getattr(paginator, "page_query_param", None),
            getattr(paginator, "page_size_query_param", None),
        }
        if not set(request.query_params) - paging:
            return queryset
        return super().filter_queryset(request, queryset, view)
