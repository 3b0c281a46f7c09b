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
from django.forms.utils import pretty_name

from workflows import clock
from workflows.bounds import validate_date_in_bounds
from workflows.forms import subject

PARTS = ("day", "month", "year")


class DatePartsWidget(forms.MultiWidget):
    def __init__(self) -> None:
        super().__init__([forms.TextInput(attrs={"inputmode": "numeric"}) for _ in PARTS])

    def decompress(self, value: Any) -> list[Any]:
        if isinstance(value, dt.date):
            return [value.day, value.month, value.year]
        return [None, None, None]


class DatePartsField(forms.MultiValueField):
    """A date as day, month and year. `past=True` refuses a date after today: the date something
    happened, or a date of birth."""

    widget = DatePartsWidget

    def __init__(
        self,
        *,
        label: str,
        required: bool = True,
        help_text: str = "",
        past: bool = False,
        required_message: str = "",
    ) -> None:
        part = {"invalid": "Enter a real date.", "max_value": "Enter a real date."}
        super().__init__(
            fields=tuple(forms.IntegerField(required=False, error_messages=part) for _ in PARTS),
            require_all_fields=False,
            required=required,
            label=label,
            help_text=help_text or "For example, 27 3 2026",
            error_messages={
                "required": required_message or f"Enter {subject(label)}.",
                "invalid": "Enter a real date.",
                "incomplete": "Enter a day, a month and a year.",
            },
        )
        self.past = past

    @classmethod
    def like(cls, field: forms.Field, *, name: str, past: bool = False) -> DatePartsField:
        """The date input asking for what a `forms.DateField` asks (a step's date parameter,
        declared once for the API and the pages): its label, hint and required message."""
        given = field.error_messages.get("required")
        default = str(forms.Field.default_error_messages["required"])
        return cls(
            label=str(field.label or pretty_name(name)),
            required=field.required,
            help_text=str(field.help_text or ""),
            past=past,
            required_message="" if given is None or str(given) == default else str(given),
        )

    def compress(self, data_list: list[Any]) -> dt.date | None:
        if not data_list or all(value in (None, "") for value in data_list):
            return None
        if any(value in (None, "") for value in data_list):
            what = subject(self.label)
            raise ValidationError(
                f"{what[:1].upper()}{what[1:]} must include a day, a month and a year."
            )
        day, month, year = (int(value) for value in data_list)
        try:
            value = dt.date(year, month, day)
        except (ValueError, OverflowError):
            raise ValidationError("Enter a real date.") from None
        validate_date_in_bounds(value)
        if self.past and value > clock.today():
            raise ValidationError("The date must be today or in the past.", code="future")
        return value
