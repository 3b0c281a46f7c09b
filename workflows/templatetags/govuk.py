"""GOV.UK Frontend markup for Django form fields, and the date helpers every page uses."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django import forms, template
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe

from workflows import clock
from workflows.date_input import DatePartsField
from workflows.registry import registry
from workflows.templatetags.govuk_dates import govuk_date_input

register = template.Library()


def _id(field: forms.BoundField) -> str:
    """The control's id; for radios, the first option's (Django gives radios no single id)."""
    return field.id_for_label or field.auto_id or field.html_name


def _error_message(field: forms.BoundField) -> SafeString:
    return format_html_join(
        "",
        '<p id="{}-error" class="govuk-error-message">'
        '<span class="govuk-visually-hidden">Error:</span> {}</p>',
        ((_id(field), error) for error in field.errors),
    )


def _described_by(field: forms.BoundField) -> str:
    ids = []
    if field.help_text:
        ids.append(f"{_id(field)}-hint")
    if field.errors:
        ids.append(f"{_id(field)}-error")
    return " ".join(ids)


def _hint(field: forms.BoundField) -> SafeString:
    if not field.help_text:
        return mark_safe("")
    return format_html(
        '<div id="{}-hint" class="govuk-hint">{}</div>', _id(field), field.help_text
    )


@register.simple_tag
def govuk_field(field: forms.BoundField, width: str = "") -> SafeString:
    """One form field as a GOV.UK form group: label or legend, hint, errors and the control."""
    if isinstance(field.field, DatePartsField):
        return govuk_date_input(field)
    widget = field.field.widget
    error_class = " govuk-form-group--error" if field.errors else ""
    described = _described_by(field)
    attrs: dict[str, str] = {"aria-describedby": described} if described else {}

    if isinstance(widget, forms.RadioSelect):
        base_id = field.auto_id or field.html_name
        options = format_html_join(
            "",
            '<div class="govuk-radios__item"><input class="govuk-radios__input" id="{}" '
            'name="{}" type="radio" value="{}"{}><label class="govuk-label govuk-radios__label" '
            'for="{}">{}</label></div>',
            (
                (
                    base_id if index == 0 else f"{base_id}-{index}",
                    field.html_name,
                    value,
                    mark_safe(" checked") if str(field.value()) == str(value) else "",
                    base_id if index == 0 else f"{base_id}-{index}",
                    label,
                )
                for index, (value, label) in enumerate(field.field.choices)  # type: ignore[attr-defined]
                if value != ""
            ),
        )
        return format_html(
            '<div class="govuk-form-group{}"><fieldset class="govuk-fieldset"{}>'
            '<legend class="govuk-fieldset__legend govuk-fieldset__legend--s">{}</legend>{}{}'
            '<div class="govuk-radios" data-module="govuk-radios">{}</div></fieldset></div>',
            error_class,
            format_html(' aria-describedby="{}"', described) if described else "",
            field.label,
            _hint(field),
            _error_message(field),
            options,
        )

    if isinstance(widget, forms.CheckboxInput):
        return format_html(
            '<div class="govuk-form-group{}">'
            '<div class="govuk-checkboxes govuk-checkboxes--small" data-module="govuk-checkboxes">'
            '{}{}<div class="govuk-checkboxes__item">{}'
            '<label class="govuk-label govuk-checkboxes__label" for="{}">{}</label>'
            "</div></div></div>",
            error_class,
            _hint(field),
            _error_message(field),
            field.as_widget(attrs={"class": "govuk-checkboxes__input", **attrs}),
            _id(field),
            field.label,
        )

    if isinstance(widget, forms.Textarea):
        css = "govuk-textarea" + (" govuk-textarea--error" if field.errors else "")
        control = field.as_widget(attrs={"class": css, "rows": "5", **attrs})
    elif isinstance(widget, forms.Select):
        css = "govuk-select" + (" govuk-select--error" if field.errors else "")
        control = field.as_widget(attrs={"class": css, **attrs})
    else:
        css = "govuk-input" + (" govuk-input--error" if field.errors else "")
        if width:
            css += f" govuk-input--width-{width}"
        control = field.as_widget(attrs={"class": css, **attrs})
    return format_html(
        '<div class="govuk-form-group{}"><label class="govuk-label govuk-label--s" for="{}">{}'
        "</label>{}{}{}</div>",
        error_class,
        _id(field),
        field.label,
        _hint(field),
        _error_message(field),
        control,
    )


@register.filter
def days_left(due_on: dt.date | None) -> int | None:
    """Calendar days from today until `due_on`; negative when overdue."""
    if due_on is None:
        return None
    return (due_on - clock.today()).days


@register.filter
def days_phrase(due_on: dt.date | None) -> str:
    left = days_left(due_on)
    if left is None:
        return ""
    if left == 0:
        return "due today"
    if left > 0:
        return f"{left} day{'s' if left != 1 else ''} left"
    return f"{-left} day{'s' if left != -1 else ''} overdue"


@register.filter
def deadline_label(kind: str | None) -> str:
    return registry.label_of(kind) if kind else ""


@register.filter
def words(identifier: str | None) -> str:
    """`accept_referral` → `Accept referral`, for audit entries shown to people."""
    return (identifier or "").replace("_", " ").capitalize()


@register.filter
def money(amount: Decimal | None) -> str:
    """The one way money is shown: £1,234.50, and −£12.00 when negative."""
    if amount is None:
        return ""
    value = Decimal(amount).quantize(Decimal("0.01"))
    sign = "−" if value < 0 else ""
    return f"{sign}£{abs(value):,.2f}"
