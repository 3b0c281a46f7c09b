"""No Django default message reaches a page (issue #20 item 4).

Every form class of the product (and the step form of every registered step, with its own
parameters) is bound with empty answers and with wrong ones — text in number and date boxes, an
impossible date, an unknown choice, text too long, a number too small — and every error it gives
is compared with the messages Django words itself.
"""

from __future__ import annotations

import importlib
import inspect
import pkgutil
import re
from collections.abc import Iterator
from typing import Any

import pytest
from django import forms
from django.contrib.auth import forms as auth_forms
from django.core import validators
from django.forms import fields as django_fields
from django.forms import models as django_model_fields

from accounts.models import Organisation
from accounts.roles import Role
from casework.models import Child
from tests.factories import TeamFactory, staff
from workflows.date_input import DatePartsField
from workflows.registry import registry, step_of
from workflows.views import TransitionForm

PRODUCT = ("accounts", "workflows", "casework", "budgets", "shortbreaks", "commissioning")


def _product_modules() -> None:
    for package_name in PRODUCT:
        package = importlib.import_module(package_name)
        for module in pkgutil.walk_packages(package.__path__, f"{package_name}."):
            if ".migrations" in module.name or ".management" in module.name:
                continue
            importlib.import_module(module.name)


def _subclasses(kind: type) -> Iterator[type]:
    for sub in kind.__subclasses__():
        yield sub
        yield from _subclasses(sub)


def product_forms() -> list[type[forms.BaseForm]]:
    _product_modules()
    found = {
        form
        for form in _subclasses(forms.BaseForm)
        if form.__module__.split(".")[0] in PRODUCT and "<locals>" not in form.__qualname__
    }
    return sorted(found, key=lambda form: f"{form.__module__}.{form.__qualname__}")


def django_defaults() -> list[str]:
    """Django's own words: of every form field, of the validators the fields use, and of the
    authentication forms; each as its longest fixed part (the words around a value filled in)."""
    texts: list[str] = []
    for module in (django_fields, django_model_fields):
        for _, kind in inspect.getmembers(module, inspect.isclass):
            texts += [str(text) for text in getattr(kind, "default_error_messages", {}).values()]
    for _, kind in inspect.getmembers(validators, inspect.isclass):
        message = getattr(kind, "message", None)
        if message is not None:
            texts.append(str(message))
    for form in (auth_forms.SetPasswordForm, auth_forms.PasswordChangeForm):
        texts += [str(text) for text in form.error_messages.values()]
    texts += [
        "Ensure this value has at most",
        "Ensure this value has at least",
        "Ensure this value is less than or equal to",
        "Ensure this value is greater than or equal to",
        "Ensure that there are no more than",
    ]
    parts = [max(re.split(r"%\(\w+\)\w|“|”", text), key=len).strip() for text in texts]
    return sorted({part for part in parts if len(part) > 8})


def kwargs_for(form: type[forms.BaseForm]) -> dict[str, Any]:
    """What each form needs to be built, as its page gives it."""
    needs = {
        name
        for name, parameter in inspect.signature(form.__init__).parameters.items()
        if parameter.kind is inspect.Parameter.KEYWORD_ONLY
        and parameter.default is inspect.Parameter.empty
    }
    given: dict[str, Any] = {
        "staff": True,
        "late": True,
        "reader": "staff",
        "children": Child.objects.all(),
        "organisations": Organisation.objects.all(),
        "params": {},
    }
    return {name: given[name] for name in needs}


def positional_for(form: type[forms.BaseForm], user: Any) -> tuple[Any, ...]:
    if issubclass(form, auth_forms.SetPasswordForm | auth_forms.PasswordChangeForm):
        return (user,)
    return ()


def wrong_answers(form: forms.BaseForm) -> list[dict[str, Any]]:
    """Three sets of wrong answers for the form's fields, by each field's kind."""
    text, impossible, small = {}, {}, {}
    for name, field in form.fields.items():
        key = form.add_prefix(name)
        if isinstance(field, forms.MultiValueField):
            parts = len(field.fields)
            for index in range(parts):
                text[f"{key}_{index}"] = "soon"
                small[f"{key}_{index}"] = "-1"
            impossible.update({f"{key}_0": "31", f"{key}_1": "2", f"{key}_2": "2027"})
            if parts == 3:
                small[f"{key}_2"] = ""  # a day and a month without a year
        elif isinstance(field, forms.BooleanField):
            continue
        elif isinstance(field, forms.ChoiceField | forms.ModelChoiceField):
            text[key] = impossible[key] = small[key] = "not-one-of-them"
        elif isinstance(field, forms.IntegerField | forms.DecimalField | forms.FloatField):
            text[key] = "lots"
            impossible[key] = "1.23456789"
            small[key] = "-100000"
        elif isinstance(field, forms.DateField):
            text[key], impossible[key], small[key] = "soon", "2027-02-31", "31/02/2027"
        elif isinstance(field, forms.EmailField):
            text[key] = impossible[key] = small[key] = "not an address"
        elif isinstance(field, forms.CharField):
            text[key] = "x" * ((field.max_length or 100_000) + 1)
            impossible[key] = "two\nlines"
            small[key] = "x"
    return [text, impossible, small]


def errors_of(form: forms.BaseForm) -> list[str]:
    form.is_valid()
    return [str(error) for errors in form.errors.values() for error in errors]


def leaks(messages: list[str], defaults: list[str]) -> list[str]:
    return [message for message in messages for default in defaults if default in message]


def bound_forms(user: Any) -> Iterator[tuple[str, type[forms.BaseForm], dict[str, Any]]]:
    for form in product_forms():
        if form is TransitionForm:
            continue
        yield f"{form.__module__}.{form.__qualname__}", form, kwargs_for(form)
    for model, machine in registry.machines.items():
        for name, fsm_transition in machine.first_transitions().items():
            step = step_of(fsm_transition)
            yield (
                f"TransitionForm for {model.__name__}.{name}",
                TransitionForm,
                {"params": dict(step.params), "date_required": step.dated_by_law},
            )


@pytest.mark.django_db
def test_no_form_shows_a_django_default_message():
    user = staff(Role.PRACTITIONER, TeamFactory())
    defaults = django_defaults()
    assert "This field is required." in defaults
    assert "is not one of the available choices." in defaults
    found: dict[str, list[str]] = {}
    for name, form_class, kwargs in bound_forms(user):
        args = positional_for(form_class, user)
        blank = form_class(*args, data={}, files={}, **kwargs)
        answers = [{}, *wrong_answers(blank)]
        for data in answers:
            form = form_class(*args, data=data, files={}, **kwargs)
            leaked = leaks(errors_of(form), defaults)
            if leaked:
                found.setdefault(name, []).extend(leaked)
    assert not found, found


def test_every_product_form_is_found():
    names = {form.__qualname__ for form in product_forms()}

    assert {"TransitionForm", "ReferralForm", "BookingForm", "EntryForm", "SignInForm"} <= names


@pytest.mark.django_db
def test_no_form_gives_the_same_message_twice_when_left_empty():
    user = staff(Role.PRACTITIONER, TeamFactory())
    repeated = {}
    for name, form_class, kwargs in bound_forms(user):
        messages = errors_of(form_class(*positional_for(form_class, user), data={}, **kwargs))
        twice = {message for message in messages if messages.count(message) > 1}
        if twice:
            repeated[name] = sorted(twice)
    assert not repeated, repeated


def test_a_field_without_messages_of_its_own_gets_ours_from_its_label():
    class Form(TransitionForm):
        pass

    form = Form(
        data={"outcome": "open", "amount": "lots", "reason": ""},
        params={
            "outcome": forms.ChoiceField(label="Outcome", choices=[("a", "A")]),
            "amount": forms.IntegerField(label="Amount (£)"),
            "reason": forms.CharField(label="Reason"),
        },
    )

    assert form.errors["outcome"] == ["Select one of the options for the outcome."]
    assert form.errors["amount"] == ["The amount must be a whole number."]
    assert form.errors["reason"] == ["Enter the reason."]


def test_transition_form_uses_the_govuk_date_input():
    from django.template import Context, Template

    form = TransitionForm(
        data={"on_0": "31", "on_1": "2", "on_2": "2026"},
        params={"sent_on": forms.DateField(label="Date it was sent", required=False)},
    )
    page = Template(
        "{% load govuk %}{% include 'includes/error_summary.html' %}"
        "{% for field in form %}{% govuk_field field %}{% endfor %}"
    ).render(Context({"form": form}))

    assert isinstance(form.fields["on"], DatePartsField)
    assert isinstance(form.fields["sent_on"], DatePartsField)
    for part in ("on_0", "on_1", "on_2", "sent_on_2"):
        assert f'name="{part}"' in page
    assert 'type="date"' not in page
    # The summary's link lands on the day box, which carries the field's own id.
    assert '<a href="#id_on">Enter a real date.</a>' in page
    assert 'id="id_on" name="on_0"' in page
