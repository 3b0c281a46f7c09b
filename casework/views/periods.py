"""What the pages show and ask about the family's period on a draft plan or proposed
amendments (SEND Regs 2014 reg 13(1), reg 22(2)(c)). It imports no view, so the package's own
views can use it."""

from __future__ import annotations

from typing import Any

from django import forms

from casework.models import EHCPlan, PlanStatus
from workflows import clock
from workflows.date_input import DatePartsField
from workflows.forms import Form


class RepresentationForm(Form):
    """The family's own words, in plain English: any one of the four is enough."""

    text = forms.CharField(
        label="What do you think of the draft plan?",
        help_text="Tell us anything you would like changed, added or taken out.",
        required=False,
        widget=forms.Textarea,
        max_length=20_000,
    )
    school_requested = forms.CharField(
        label="School or college you would like named in the plan (optional)",
        required=False,
        max_length=200,
    )
    meeting_requested = forms.BooleanField(
        label="I would like a meeting to talk about the plan", required=False
    )
    nothing_more_to_add = forms.BooleanField(
        label="I have nothing more to add: you can finish the plan", required=False
    )

    def __init__(self, *args: Any, amendment: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if amendment:
            self.fields["text"].label = "What do you think of the changes we propose?"

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        said = (
            str(cleaned.get("text", "")).strip()
            or str(cleaned.get("school_requested", "")).strip()
            or cleaned.get("meeting_requested")
            or cleaned.get("nothing_more_to_add")
        )
        if not said and not self.errors:
            self.add_error(
                "text",
                "Tell us what you think, name a school, ask for a meeting, or say that you "
                "have nothing more to add.",
            )
        return cleaned


class RecordedRepresentationForm(RepresentationForm):
    """A representation the family sent on paper or by e-mail, recorded by their officer."""

    made_on = DatePartsField(label="Date the family made it", past=True)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["text"].label = "What the family said"
        self.fields["text"].help_text = ""
        self.fields["school_requested"].label = "School or college they asked for (optional)"
        self.fields["meeting_requested"].label = "They asked for a meeting"
        self.fields["nothing_more_to_add"].label = "They said they have nothing more to add"
        self.order_fields(["made_on"])


def period_sentence(plan: EHCPlan) -> str:
    """How the family can use their period, in their words; empty when there is none running."""
    period = plan.family_period
    if period is None or plan.status != PlanStatus.DRAFT:
        return ""
    what = "the changes we propose to the plan" if period.is_amendment else "the draft plan"
    return (
        f"You have until {period.ends_on:%A %-d %B %Y} to tell us what you think of {what}, "
        "ask for a particular school, or ask for a meeting. If you have nothing more to add, "
        "tell us and we can finish the plan sooner."
    )


def family_period_context(plan: EHCPlan | None) -> dict[str, Any]:
    """For the family's page: their period if one is running, and everything they have told us
    about the plan, in every period, so nothing they sent seems to vanish once it closes."""
    told_us = list(plan.representations.order_by("made_on", "pk")) if plan else []
    period = plan.family_period if plan else None
    if plan is None or period is None or plan.status != PlanStatus.DRAFT:
        return {
            "period": None,
            "representations": told_us,
            "can_represent": False,
        }
    return {
        "period": period,
        "period_sentence": period_sentence(plan),
        "representations": told_us,
        "can_represent": clock.today() <= period.ends_on,
        "representation_form": RepresentationForm(amendment=period.is_amendment),
    }
