"""The commissioning pages' forms: an action's progress, a target, a family's feedback."""

from __future__ import annotations

from typing import Any, cast

from django import forms

from commissioning.models import ActionStatus, Direction
from workflows.date_input import DatePartsField
from workflows.forms import Form


class ActionForm(Form):
    status = forms.ChoiceField(
        label="Status",
        choices=ActionStatus.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose the action's status."},
    )
    note = forms.CharField(
        label="What has happened",
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=5000,
        error_messages={"required": "Write what has happened."},
    )
    on = DatePartsField(
        label="Date of this update",
        required=False,
        past=True,
        help_text="Leave it empty for today. For example, 24 11 2026.",
    )


class TargetForm(Form):
    value = forms.DecimalField(
        label="Target",
        max_digits=12,
        decimal_places=2,
        min_value=0,
        widget=forms.TextInput(attrs={"inputmode": "decimal"}),
        error_messages={
            "required": "Enter the target.",
            "invalid": "Enter a number, like 40 or 72.5.",
            "min_value": "Enter a number of zero or more.",
        },
    )
    direction = forms.ChoiceField(
        label="The target is met when the figure is",
        choices=Direction.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose at least or at most."},
    )
    baseline = forms.DecimalField(
        label="Baseline (optional)",
        required=False,
        max_digits=12,
        decimal_places=2,
        min_value=0,
        widget=forms.TextInput(attrs={"inputmode": "decimal"}),
        error_messages={"invalid": "Enter a number, like 25."},
    )


class FeedbackForm(Form):
    child = forms.TypedChoiceField(
        label="Which child is this about?",
        coerce=int,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose your child."},
    )
    rating = forms.TypedChoiceField(
        label="How good is the support your family gets?",
        coerce=int,
        choices=[
            (5, "5 – very good"),
            (4, "4 – good"),
            (3, "3 – neither good nor poor"),
            (2, "2 – poor"),
            (1, "1 – very poor"),
        ],
        widget=forms.RadioSelect,
        error_messages={"required": "Choose a rating from 1 to 5."},
    )
    comment = forms.CharField(
        label="Anything you would like to tell us (optional)",
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 5}),
    )

    def __init__(self, *args: Any, children: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = cast(forms.TypedChoiceField, self.fields["child"])
        field.choices = children
        if len(children) == 1:
            self.initial.setdefault("child", children[0][0])
