"""The GOV.UK date input: a date asked as day, month and year, in three boxes.

`DatePartsField` is the form field; `{% govuk_date_input field %}` (`workflows.templatetags.
govuk_dates`) renders it as the design system's fieldset, its day box carrying the field's own id
so that the error summary's link lands on it.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.core.exceptions import ValidationError

from workflows.bounds import validate_date_in_bounds

PARTS = ("day", "month", "year")


class DatePartsWidget(forms.MultiWidget):
    def __init__(self) -> None:
        super().__init__([forms.TextInput(attrs={"inputmode": "numeric"}) for _ in PARTS])

    def decompress(self, value: Any) -> list[Any]:
        if isinstance(value, dt.date):
            return [value.day, value.month, value.year]
        return [None, None, None]


class DatePartsField(forms.MultiValueField):
    widget = DatePartsWidget

    def __init__(self, *, label: str, required: bool = True, help_text: str = "") -> None:
        part = {"invalid": "Enter a real date."}
        super().__init__(
            fields=tuple(forms.IntegerField(required=False, error_messages=part) for _ in PARTS),
            require_all_fields=False,
            required=required,
            label=label,
            help_text=help_text or "For example, 27 3 2026",
            error_messages={"required": f"Enter the {label[0].lower()}{label[1:]}."},
        )

    def compress(self, data_list: list[Any]) -> dt.date | None:
        if not data_list or all(value in (None, "") for value in data_list):
            return None
        if any(value in (None, "") for value in data_list):
            raise ValidationError(f"{self.label} must include a day, a month and a year.")
        day, month, year = (int(value) for value in data_list)
        try:
            value = dt.date(year, month, day)
        except (ValueError, OverflowError):
            raise ValidationError("Enter a real date.") from None
        validate_date_in_bounds(value)
        return value
