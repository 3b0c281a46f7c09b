"""The family's periods and what the family says in them (DESIGN §5 "The family's periods").

When the council sends a draft plan (SEND Regs 2014 reg 13(1)) or a notice of proposed
amendments after a review (reg 22(2)), the family has at least 15 days, beginning with the day
it was served, to make representations, ask for a school to be named and ask for a meeting. The
final or amended plan cannot be issued with an effective date inside that period unless the
family has said, on or before that date, that it has nothing more to add. Every representation is
kept, dated; none overwrites another.

*Served*: the SEND Regulations say nothing of how a notice is served, so the Interpretation Act
1978 s7 (applied to regulations by s23(1)) governs post: served when the letter would be
delivered in the ordinary course of post, taken as the second working day after posting (first
class post, as CPR 6.26). Handed over or e-mailed: that day.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django import forms
from django.conf import settings
from django.db import models

from casework import deadlines as due
from workflows import clock
from workflows.registry import DeadlineKind

POST_DELIVERY_WORKING_DAYS = 2


class ServedBy(models.TextChoices):
    EMAIL = "email", "E-mail"
    HAND = "hand", "By hand"
    POST = "post", "Post"


class RepresentationPeriod(models.TextChoices):
    DRAFT = "draft", "On the draft plan"
    AMENDMENT = "amendment", "On the proposed amendments"


def served_on(sent_on: dt.date, served_by: str) -> dt.date:
    """The day a notice sent on `sent_on` is served. Not said how it went: counted as posted, the
    latest day the law would deem it served, so the family never has less than its 15 days."""
    if served_by in (ServedBy.EMAIL, ServedBy.HAND):
        return sent_on
    return clock.add_working_days(sent_on, POST_DELIVERY_WORKING_DAYS)


# How a draft or an amendment notice reached the family: the parameters of issue_draft and amend.
SERVICE = {
    "served_by": forms.ChoiceField(
        label="How was it sent to the family?",
        choices=ServedBy.choices,
        required=False,
        widget=forms.RadioSelect,
        help_text="By post, it counts as received on the second working day after posting. "
        "If you do not say, we count it as posted.",
    ),
    "sent_on": forms.DateField(
        label="Date it was sent or handed over (optional)",
        required=False,
        widget=forms.DateInput,
        help_text="Leave this empty if it was sent on the date above.",
        error_messages={"invalid": "Enter a real date."},
    ),
}


@dataclass(frozen=True)
class FamilyPeriod:
    """The family's current period on a plan: which it is, when it was served, when it ends."""

    kind: DeadlineKind
    period: str
    served_on: dt.date
    ends_on: dt.date

    @property
    def is_amendment(self) -> bool:
        return self.period == RepresentationPeriod.AMENDMENT

    @property
    def final_from(self) -> dt.date:
        return clock.add_days(self.ends_on, 1)


def family_period_of(plan: Any) -> FamilyPeriod | None:
    """The period the plan's current draft or amendment notice gives the family; None if none."""
    served = plan.notice_served_on
    if served is None:
        return None
    if plan.being_amended:
        ends_on = due.amendment_representations(plan, served)
        return FamilyPeriod(
            due.AMENDMENT_REPRESENTATIONS, RepresentationPeriod.AMENDMENT, served, ends_on
        )
    ends_on = due.family_comments(plan, served)
    return FamilyPeriod(due.FAMILY_COMMENTS, RepresentationPeriod.DRAFT, served, ends_on)


def current_representations(plan: Any) -> models.QuerySet[Representation]:
    """The representations on the plan's current draft or amendment notice, oldest first."""
    period = family_period_of(plan)
    if period is None:
        return Representation.objects.none()
    return Representation.objects.filter(
        plan=plan, period=period.period, made_on__gte=plan.notice_sent_on
    ).order_by("made_on", "pk")


def family_period_closed(plan: Any, on: dt.date) -> str | None:
    """issue_final's check (reg 13(1) / reg 22(2)(c)): refused while `on`, the final's effective
    date, is inside the family's period, unless the family's last word by then was that it has
    nothing more to add: anything they sent after that (a meeting asked for) reopens the period."""
    period = family_period_of(plan)
    if period is None or on > period.ends_on:
        return None
    last_word = (
        current_representations(plan)
        .filter(made_on__lte=on)
        .order_by("-made_on", "-created_at", "-id")
        .first()
    )
    if last_word is not None and last_word.nothing_more_to_add:
        return None
    if period.is_amendment:
        what, final = "make representations on the proposed amendments", "the amended plan"
    else:
        what, final = "comment on the draft", "the final plan"
    return (
        f"The family has until {period.ends_on:%-d %B %Y} to {what}: {final} can be issued "
        f"from {period.final_from:%-d %B %Y}, or sooner if the family confirms it has nothing "
        "more to add."
    )


class Representation(models.Model):
    """One thing the family said about a draft plan or proposed amendments, with its date."""

    plan = models.ForeignKey(
        "casework.EHCPlan", on_delete=models.PROTECT, related_name="representations"
    )
    period = models.CharField(max_length=10, choices=RepresentationPeriod.choices)
    text = models.TextField(blank=True)
    school_requested = models.CharField(max_length=200, blank=True)
    meeting_requested = models.BooleanField(default=False)
    nothing_more_to_add = models.BooleanField(default=False)
    made_on = models.DateField()
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="Who recorded it: the family themselves, or the officer who received it. "
        "Empty for comments made before representations were kept as a list.",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["made_on", "pk"]

    def __str__(self) -> str:
        return f"Representation of {self.made_on:%d %b %Y} on plan {self.plan_id}"
