"""`{% govuk_date_input field %}`: a `DatePartsField` as the GOV.UK date input."""

from __future__ import annotations

from django import forms, template
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString

from workflows.date_input import PARTS

register = template.Library()

WIDTHS = {"day": 2, "month": 2, "year": 4}


@register.simple_tag
def govuk_date_input(field: forms.BoundField) -> SafeString:
    base = field.auto_id or field.html_name
    values = field.value()
    if not isinstance(values, list | tuple):
        values = field.field.widget.decompress(values)
    described = [f"{base}-hint"] + ([f"{base}-error"] if field.errors else [])
    error_css = " govuk-input--error" if field.errors else ""
    boxes = format_html_join(
        "",
        '<div class="govuk-date-input__item"><div class="govuk-form-group">'
        '<label class="govuk-label govuk-date-input__label" for="{}">{}</label>'
        '<input class="govuk-input govuk-date-input__input govuk-input--width-{}{}" id="{}" '
        'name="{}_{}" type="text" inputmode="numeric" value="{}"></div></div>',
        (
            (
                base if index == 0 else f"{base}-{part}",
                part.capitalize(),
                WIDTHS[part],
                error_css,
                base if index == 0 else f"{base}-{part}",
                field.html_name,
                index,
                "" if values[index] in (None, "") else values[index],
            )
            for index, part in enumerate(PARTS)
        ),
    )
    errors = format_html_join(
        "",
        '<p id="{}-error" class="govuk-error-message">'
        '<span class="govuk-visually-hidden">Error:</span> {}</p>',
        ((base, error) for error in field.errors),
    )
    return format_html(
        '<div class="govuk-form-group{}"><fieldset class="govuk-fieldset" role="group" '
        'aria-describedby="{}"><legend class="govuk-fieldset__legend govuk-fieldset__legend--s">'
        '{}</legend><div id="{}-hint" class="govuk-hint">{}</div>{}'
        '<div class="govuk-date-input" id="{}-parts">{}</div></fieldset></div>',
        " govuk-form-group--error" if field.errors else "",
        " ".join(described),
        field.label,
        base,
        field.help_text,
        errors,
        base,
        boxes,
    )
