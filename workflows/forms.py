"""The input rules of every Pathway form, as of the API (DESIGN §8, issue #15 item 9).

`input_rules(form)` adds to each field of a form the validators its kind needs: text refuses
control and bidirectional characters, text on one line (any field not drawn as a text area: a
name, a title, a placement) refuses line breaks, and dates stay inside `workflows.bounds`. The
form pages' base views apply it to every form they build, so a form written later is covered too.
"""

from __future__ import annotations

from typing import Any, TypeVar

from django import forms
from django.core.exceptions import ValidationError

from workflows.bounds import validate_date_in_bounds
from workflows.text import forbidden_character, line_break_in

AnyForm = TypeVar("AnyForm", bound=forms.BaseForm)


def validate_text(value: Any) -> None:
    problem = forbidden_character(str(value))
    if problem:
        raise ValidationError(problem, code="forbidden_character")


def validate_one_line(value: Any) -> None:
    problem = line_break_in(str(value))
    if problem:
        raise ValidationError(problem, code="line_break")


def input_rules(form: AnyForm) -> AnyForm:
    """Add the rules to this form's own copies of its fields (each form instance has its own)."""
    for field in form.fields.values():
        if isinstance(field, forms.CharField):
            field.validators.append(validate_text)
            if not isinstance(field.widget, forms.Textarea):
                field.validators.append(validate_one_line)
        elif isinstance(field, forms.DateField):
            field.validators.append(validate_date_in_bounds)
    return form
