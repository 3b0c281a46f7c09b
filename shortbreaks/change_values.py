"""The directory fields of a service as one JSON object, the forms that check them, and the
snapshot of a service in the same shape.

A proposed change stores these values until it is approved; the API takes them as JSON and the
provider's page builds them from the same forms, so both give the same field messages. Errors are
keyed by field (`min_age`) or, in a list, by list, position and field (`cost_options.0.amount`).
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from django import forms

from shortbreaks.models import Access, Need, Service, ServiceType, Weekday
from shortbreaks.models.directory import validate_byday
from workflows.errors import InvalidParams
from workflows.forms import Form

SCALARS = (
    "name",
    "description",
    "type",
    "access",
    "min_age",
    "max_age",
    "eligibility",
    "how_to_apply",
    "accessibility",
    "email",
    "url",
    "temporarily_closed",
    "alert",
)
LISTS = ("contacts", "cost_options", "schedules")
# A real service has a few of each; a bound keeps a proposal small enough to review.
MAX_ITEMS = 10


class ServiceValuesForm(Form):
    name = forms.CharField(label="Name of the service", max_length=200)
    description = forms.CharField(
        label="Description", widget=forms.Textarea, required=False, max_length=5_000
    )
    type = forms.ChoiceField(
        label="Type of short break", choices=[("", "Choose a type"), *ServiceType.choices]
    )
    access = forms.ChoiceField(
        label="How a family gets it", choices=[("", "Choose one"), *Access.choices]
    )
    min_age = forms.IntegerField(label="Youngest age", min_value=0, max_value=25)
    max_age = forms.IntegerField(label="Oldest age", min_value=0, max_value=25)
    eligibility = forms.CharField(
        label="Who it is for", widget=forms.Textarea, required=False, max_length=5_000
    )
    how_to_apply = forms.CharField(
        label="How to apply or be referred",
        widget=forms.Textarea,
        required=False,
        max_length=5_000,
    )
    accessibility = forms.CharField(
        label="Accessibility",
        help_text="Access for wheelchairs, changing places, quiet rooms and so on.",
        widget=forms.Textarea,
        required=False,
        max_length=5_000,
    )
    email = forms.EmailField(label="Email address for the service", required=False)
    url = forms.URLField(label="Website", required=False, max_length=200, assume_scheme="https")
    temporarily_closed = forms.BooleanField(
        label="The service is temporarily closed", required=False
    )
    alert = forms.CharField(
        label="Notice shown with the service",
        help_text="Such as a closure or a change of venue.",
        required=False,
        max_length=500,
    )
    needs = forms.MultipleChoiceField(
        label="Needs it is set up to meet", choices=Need.choices, required=False
    )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        low, high = cleaned.get("min_age"), cleaned.get("max_age")
        if low is not None and high is not None and low > high:
            self.add_error("max_age", "The oldest age cannot be below the youngest.")
        return cleaned


class ItemForm(Form):
    """One row of a list; `id` names the row of the service it changes, empty for a new row."""

    id = forms.IntegerField(required=False, min_value=1, widget=forms.HiddenInput)

    def is_blank(self) -> bool:
        """Every visible answer left empty: a spare fieldset on the page, which is ignored."""
        return not any(
            str(self.data.get(self.add_prefix(name)) or "").strip()
            for name in self.fields
            if name != "id"
        )


class ContactForm(ItemForm):
    name = forms.CharField(label="Name or role", max_length=200)
    title = forms.CharField(label="Job title", required=False, max_length=200)
    email = forms.EmailField(label="Email address", required=False)
    phone = forms.CharField(label="Phone number", required=False, max_length=30)


class CostOptionForm(ItemForm):
    option = forms.CharField(
        label="What the charge is for", help_text="Such as ‘Per session’.", max_length=200
    )
    amount = forms.DecimalField(
        label="Amount a family pays, in pounds",
        help_text="0 if it is free.",
        min_value=Decimal("0"),
        max_value=Decimal("100000"),
        max_digits=12,
        decimal_places=2,
        error_messages={
            "invalid": "Enter the amount as a number, like 5 or 12.50.",
            "min_value": "The amount cannot be less than 0.",
        },
    )
    amount_description = forms.CharField(
        label="More about the cost", required=False, max_length=300
    )


class ScheduleForm(ItemForm):
    byday = forms.CharField(
        label="Days",
        help_text="Two-letter codes separated by commas: MO,TU,WE,TH,FR,SA,SU.",
        max_length=20,
        validators=[validate_byday],
    )
    opens_at = forms.TimeField(label="Opens at", required=False, help_text="Like 10:00.")
    closes_at = forms.TimeField(label="Closes at", required=False, help_text="Like 15:30.")
    description = forms.CharField(label="When it runs, in words", required=False, max_length=300)

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        opens, closes = cleaned.get("opens_at"), cleaned.get("closes_at")
        if opens and closes and closes <= opens:
            self.add_error("closes_at", "The closing time must be after the opening time.")
        return cleaned


ITEM_FORMS: dict[str, type[ItemForm]] = {
    "contacts": ContactForm,
    "cost_options": CostOptionForm,
    "schedules": ScheduleForm,
}


def _item_json(cleaned: Mapping[str, Any]) -> dict[str, Any]:
    item: dict[str, Any] = {"id": cleaned.get("id")}
    for key, value in cleaned.items():
        if key == "id":
            continue
        if key == "amount":
            item[key] = f"{value:.2f}"
        elif key in {"opens_at", "closes_at"}:
            item[key] = value.strftime("%H:%M") if value else None
        else:
            item[key] = value
    return item


def clean_values(values: Any) -> dict[str, Any]:
    """The proposed values checked and in their stored shape; `InvalidParams` with every field's
    messages when any is wrong."""
    if not isinstance(values, Mapping):
        raise InvalidParams({"values": ["Send the service's values as a JSON object."]})
    unknown = set(values) - {*SCALARS, "needs", *LISTS}
    errors: dict[str, list[str]] = {key: ["This field cannot be proposed."] for key in unknown}
    main = ServiceValuesForm(data={key: values[key] for key in values if key not in LISTS})
    if main.is_valid():
        cleaned: dict[str, Any] = dict(main.cleaned_data)
    else:
        cleaned = {}
        errors |= {key: [str(text) for text in messages] for key, messages in main.errors.items()}
    for name, form_class in ITEM_FORMS.items():
        items = values.get(name, [])
        if not isinstance(items, list) or len(items) > MAX_ITEMS:
            errors[name] = [f"Send a list of at most {MAX_ITEMS}."]
            continue
        rows = []
        for index, item in enumerate(items):
            if not isinstance(item, Mapping):
                errors[f"{name}.{index}"] = ["Send each one as a JSON object."]
                continue
            strays = set(item) - {"id", *form_class.base_fields}
            for key in strays:
                errors[f"{name}.{index}.{key}"] = ["This field cannot be proposed."]
            form = form_class(data=dict(item))
            if name == "cost_options" and not isinstance(item.get("amount", ""), str):
                # Money travels as a decimal string: a JSON number may already be a float.
                errors[f"{name}.{index}.amount"] = ['Enter the amount as text, like "12.50".']
            elif form.is_valid():
                rows.append(_item_json(form.cleaned_data))
            else:
                for key, messages in form.errors.items():
                    errors[f"{name}.{index}.{key}"] = [str(text) for text in messages]
        ids = [row["id"] for row in rows if row["id"]]
        if len(set(ids)) != len(ids):
            errors[name] = ["Each existing row can be changed only once."]
        cleaned[name] = rows
    if errors:
        raise InvalidParams(errors)
    if "needs" in cleaned:
        # A set, kept in the order `values_of` gives, so ticking the same needs is no change.
        cleaned["needs"] = sorted(set(cleaned["needs"]))
    return cleaned


def values_of(service: Service | None) -> dict[str, Any]:
    """The service's values in the shape of a proposal: what a change is compared with."""
    if service is None:
        return {}
    snapshot: dict[str, Any] = {key: getattr(service, key) for key in SCALARS}
    snapshot["needs"] = sorted(service.needs.values_list("need", flat=True))
    snapshot["contacts"] = [
        {
            "id": row.pk,
            "name": row.name,
            "title": row.title,
            "email": row.email,
            "phone": row.phone,
        }
        for row in service.contacts.all()
    ]
    snapshot["cost_options"] = [
        {
            "id": row.pk,
            "option": row.option,
            "amount": f"{row.amount:.2f}",
            "amount_description": row.amount_description,
        }
        for row in service.cost_options.all()
    ]
    snapshot["schedules"] = [
        {
            "id": row.pk,
            "byday": row.byday,
            "opens_at": row.opens_at.strftime("%H:%M") if row.opens_at else None,
            "closes_at": row.closes_at.strftime("%H:%M") if row.closes_at else None,
            "description": row.description,
        }
        for row in service.schedules.all()
    ]
    return snapshot


def weekdays_of(byday: str) -> list[str]:
    labels = dict(Weekday.choices)
    return [labels[code] for code in (byday or "").split(",") if code in labels]


def check_item_ids(service: Service | None, values: Mapping[str, Any]) -> None:
    """Every row a proposal names is a row of this service (a new service has none)."""
    errors: dict[str, list[str]] = {}
    for name in LISTS:
        existing = set(getattr(service, name).values_list("pk", flat=True)) if service else set()
        for index, item in enumerate(values.get(name, [])):
            if item["id"] and item["id"] not in existing:
                errors[f"{name}.{index}.id"] = ["This is not one of the service's rows."]
    if errors:
        raise InvalidParams(errors)
