"""The input rules of every Pathway form, as of the API (DESIGN §8, issue #15 item 9), and our
own words for every field error (issue #20 item 4).

`input_rules(form)` adds to each field of a form the validators its kind needs: text refuses
control and bidirectional characters, text on one line (any field not drawn as a text area: a
name, a title, a placement) refuses line breaks, and dates stay inside `workflows.bounds`. It also
replaces every error message a field still has from Django ("This field is required.", "Select a
valid choice…") by one in GOV.UK style made from the field's label ("Enter the reason.", "Select
the outcome."); a message the field was given is kept. `Form` applies the rules before it is
cleaned, and the form pages' base views apply them to every form they build, so a form written
later is covered too; applying them twice changes nothing.
"""

from __future__ import annotations

import re
from collections.abc import Callable
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


DETERMINERS = {"the", "a", "an", "your", "their", "his", "her", "its", "this", "these", "any"}
# A label that is a question ("Who made the referral") is a subject as it stands: no "the".
QUESTION_WORDS = {"who", "what", "when", "where", "which", "why", "how", "whether", "if"}


def subject(label: Any) -> str:
    """A field's label as the subject of a sentence: "Reason for the referral (optional)" →
    "the reason for the referral"; "Amount (£)" → "the amount"."""
    text = re.sub(r"\s*\([^)]*\)", "", str(label or "")).strip().rstrip(":?.")
    if not text:
        return "this"
    words = text.split()
    first = words[0] if words[0].isupper() and len(words[0]) > 1 else words[0].lower()
    text = " ".join([first, *words[1:]])
    return text if first in DETERMINERS | QUESTION_WORDS else f"the {text}"


def _capital(text: str) -> str:
    return text[:1].upper() + text[1:]


def _required(field: forms.Field, what: str) -> str:
    if isinstance(field, forms.BooleanField):
        return "Select the box to confirm this."
    if isinstance(field, forms.ChoiceField | forms.ModelChoiceField):
        return f"Select {what}."
    if isinstance(field, forms.FileField):
        return "Select a file."
    if str(field.label or "").rstrip().endswith("?"):
        return "Enter an answer."
    return f"Enter {what}."


def _invalid(field: forms.Field, what: str) -> str:
    if isinstance(field, forms.ChoiceField | forms.ModelChoiceField):
        return f"Select one of the options for {what}."
    if isinstance(field, forms.EmailField):
        return "Enter an email address in the correct format, like name@example.org."
    if isinstance(field, forms.DateField | forms.DateTimeField | forms.MultiValueField):
        return "Enter a real date."
    if isinstance(field, forms.TimeField):
        return "Enter a real time."
    if isinstance(field, forms.IntegerField):
        return f"{_capital(what)} must be a whole number."
    if isinstance(field, forms.DecimalField | forms.FloatField):
        return f"{_capital(what)} must be a number."
    if isinstance(field, forms.URLField):
        return "Enter a web address in the correct format, like https://www.example.org."
    return f"Enter {what} in the correct format."


def our_messages(field: forms.Field) -> dict[str, Callable[[str], str]]:
    """Our message for each error code Django words, by the field's kind; `what` is the subject."""
    return {
        "required": lambda what: _required(field, what),
        "invalid_choice": lambda what: f"Select one of the options for {what}.",
        "invalid_list": lambda what: f"Select one of the options for {what}.",
        "invalid_pk_value": lambda what: f"Select one of the options for {what}.",
        "invalid": lambda what: _invalid(field, what),
        "incomplete": lambda what: f"Enter all of {what}.",
        "max_length": lambda what: (
            f"{_capital(what)} must be %(limit_value)s characters or fewer."
            if not isinstance(field, forms.FileField)
            else "The file's name must be %(max)s characters or fewer."
        ),
        "min_length": lambda what: f"{_capital(what)} must be %(limit_value)s characters or more.",
        "min_value": lambda what: f"{_capital(what)} must be %(limit_value)s or more.",
        "max_value": lambda what: f"{_capital(what)} must be %(limit_value)s or less.",
        "step_size": lambda what: f"{_capital(what)} must be a multiple of %(limit_value)s.",
        "max_digits": lambda what: f"{_capital(what)} must be at most %(max)s digits long.",
        "max_decimal_places": lambda what: (
            f"{_capital(what)} must have at most %(max)s decimal places."
        ),
        "max_whole_digits": lambda what: (
            f"{_capital(what)} must have at most %(max)s digits before the decimal point."
        ),
        "null_characters_not_allowed": lambda what: f"{_capital(what)} cannot contain a null.",
        "missing": lambda what: "Select a file.",
        "empty": lambda what: "The selected file is empty.",
        "contradiction": lambda what: "Either select a file or tick the box to clear it.",
        "invalid_image": lambda what: "The selected file must be a picture.",
        "overflow": lambda what: "Enter a shorter length of time.",
    }


def django_defaults(field: forms.Field) -> dict[str, str]:
    """The messages Django gives a field of this kind, merged as `Field.__init__` merges them."""
    merged: dict[str, str] = {}
    for kind in reversed(type(field).__mro__):
        merged.update(
            {code: str(text) for code, text in getattr(kind, "default_error_messages", {}).items()}
        )
    return merged


def govuk_messages(field: forms.Field) -> None:
    """Put our message in place of each of Django's still on the field (and its parts)."""
    defaults = django_defaults(field)
    makers = our_messages(field)
    what = subject(field.label)
    for code, maker in makers.items():
        current = field.error_messages.get(code)
        if current is None or str(current) == defaults.get(code):
            field.error_messages[code] = maker(what)
    for part in getattr(field, "fields", ()):
        govuk_messages(part)


def input_rules(form: AnyForm) -> AnyForm:
    """Add the rules to this form's own copies of its fields (each form instance has its own)."""
    for field in form.fields.values():
        govuk_messages(field)
        if isinstance(field, forms.CharField):
            _once(field, validate_text)
            if not isinstance(field.widget, forms.Textarea):
                _once(field, validate_one_line)
        elif isinstance(field, forms.DateField):
            _once(field, validate_date_in_bounds)
    return form


def _once(field: forms.Field, validator: Callable[[Any], None]) -> None:
    if validator not in field.validators:
        field.validators.append(validator)


class RulesMixin:
    """Applies the input rules and our messages just before the form is cleaned: by then the
    form's own `__init__` has added and relabelled every field it will have."""

    def full_clean(self) -> None:
        input_rules(self)  # type: ignore[type-var]
        super().full_clean()  # type: ignore[misc]


class Form(RulesMixin, forms.Form):
    """The base of every Pathway form."""
