"""The implementation plan as data, its targets and national comparators, and family feedback.

ImplementationPlan → Theme → Outcome → Measure (optionally computed by a metric, see metrics/);
Action → ActionStep (the lettered milestones) and ProgressNote; Target per measure and period.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q

from accounts.models import Team


class ImplementationPlan(models.Model):
    slug = models.SlugField(max_length=60, unique=True)
    title = models.CharField(max_length=200)
    owner = models.CharField(max_length=200)
    start_on = models.DateField()
    end_on = models.DateField()
    source = models.CharField(
        max_length=300, blank=True, help_text="Where the plan was published."
    )

    class Meta:
        ordering = ["-start_on", "id"]

    def __str__(self) -> str:
        return self.title


class Theme(models.Model):
    plan = models.ForeignKey(ImplementationPlan, on_delete=models.CASCADE, related_name="themes")
    position = models.PositiveSmallIntegerField()
    title = models.CharField(max_length=200)

    class Meta:
        ordering = ["plan", "position"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "position"], name="one_theme_per_position")
        ]

    def __str__(self) -> str:
        return self.title


class Outcome(models.Model):
    theme = models.ForeignKey(Theme, on_delete=models.CASCADE, related_name="outcomes")
    position = models.PositiveSmallIntegerField()
    text = models.TextField()

    class Meta:
        ordering = ["theme", "position"]
        constraints = [
            models.UniqueConstraint(fields=["theme", "position"], name="one_outcome_per_position")
        ]

    def __str__(self) -> str:
        return self.text[:80]


class Measure(models.Model):
    """A measure as the plan words it; `metric` names the metric that computes it, if one does."""

    outcome = models.ForeignKey(Outcome, on_delete=models.CASCADE, related_name="measures")
    position = models.PositiveSmallIntegerField()
    text = models.TextField()
    metric = models.CharField(max_length=60, blank=True)

    class Meta:
        ordering = ["outcome", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["outcome", "position"], name="one_measure_per_position"
            )
        ]

    def __str__(self) -> str:
        return f"{self.text} ({self.metric})" if self.metric else self.text


class ActionStatus(models.TextChoices):
    NOT_STARTED = "not_started", "Not started"
    ON_TRACK = "on_track", "On track"
    AT_RISK = "at_risk", "At risk"
    OVERDUE = "overdue", "Overdue"
    DONE = "done", "Done"


class Action(models.Model):
    """A numbered action of the plan. `due_text` is as written ("By 12/11", "Ongoing");
    `due_on` is the last day of the month it names, where it names one, for "overdue first"."""

    theme = models.ForeignKey(Theme, on_delete=models.CASCADE, related_name="actions")
    number = models.PositiveSmallIntegerField()
    text = models.TextField()
    lead = models.CharField(max_length=300, blank=True)
    due_text = models.CharField(max_length=200, blank=True)
    due_on = models.DateField(null=True, blank=True)
    evidence = models.TextField(blank=True)
    status = models.CharField(
        max_length=20, choices=ActionStatus.choices, default=ActionStatus.NOT_STARTED
    )
    status_changed_on = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["theme__plan", "number"]
        constraints = [
            models.UniqueConstraint(fields=["theme", "number"], name="one_action_per_number")
        ]

    def __str__(self) -> str:
        return f"Action {self.number}"

    def is_overdue(self, today: dt.date) -> bool:
        """Past the date the plan gives it and not done. An action the plan gives no date is
        never overdue by it."""
        if self.status == ActionStatus.DONE or self.due_on is None:
            return False
        return self.status == ActionStatus.OVERDUE or self.due_on < today

    def due_as_written(self) -> str:
        """When it is due, in the plan's own words: its own date, else its steps' dates."""
        if self.due_on is None:
            said = f" (it says “{self.due_text}”)" if self.due_text else ""
            return f"No date in the plan{said}"
        if self.due_text:
            return self.due_text
        steps = [step for step in self.steps.all() if step.due_text]
        return "By step: " + "; ".join(f"({step.letter}) {step.due_text}" for step in steps)


class ActionStep(models.Model):
    """A lettered milestone of an action: "(a) Establish steering group", due, evidence."""

    action = models.ForeignKey(Action, on_delete=models.CASCADE, related_name="steps")
    letter = models.CharField(max_length=2)
    text = models.TextField()
    due_text = models.CharField(max_length=200, blank=True)
    evidence = models.TextField(blank=True)

    class Meta:
        ordering = ["action", "letter"]
        constraints = [
            models.UniqueConstraint(fields=["action", "letter"], name="one_step_per_letter")
        ]

    def __str__(self) -> str:
        return f"({self.letter}) {self.text[:60]}"


class ProgressNote(models.Model):
    """A dated note of progress on an action; with the status it moved the action to."""

    action = models.ForeignKey(Action, on_delete=models.CASCADE, related_name="notes")
    written_on = models.DateField()
    status = models.CharField(max_length=20, choices=ActionStatus.choices)
    text = models.TextField()
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="progress_notes"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-written_on", "-id"]

    def __str__(self) -> str:
        return f"{self.action} on {self.written_on}: {self.get_status_display()}"


class Direction(models.TextChoices):
    AT_LEAST = "at_least", "At least"
    AT_MOST = "at_most", "At most"


class Target(models.Model):
    """What the council aims for on a measure in a financial year (`2026-27`)."""

    measure = models.ForeignKey(Measure, on_delete=models.CASCADE, related_name="targets")
    period = models.CharField(max_length=7, help_text="Financial year, like 2026-27.")
    value = models.DecimalField(max_digits=12, decimal_places=2)
    direction = models.CharField(
        max_length=10, choices=Direction.choices, default=Direction.AT_LEAST
    )
    baseline = models.DecimalField(max_digits=12, decimal_places=2, null=True, blank=True)
    illustrative = models.BooleanField(
        default=False, help_text="An example figure, not one the council has agreed."
    )
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="targets_set",
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["measure", "period"]
        constraints = [
            models.UniqueConstraint(fields=["measure", "period"], name="one_target_per_period"),
            models.CheckConstraint(condition=Q(value__gte=0), name="target_not_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.get_direction_display()} {self.value} in {self.period}"


class Comparator(models.Model):
    """A published national figure to show beside the council's: data with source and year."""

    metric = models.CharField(max_length=60)
    label = models.CharField(max_length=200)
    value = models.DecimalField(max_digits=14, decimal_places=2)
    unit = models.CharField(max_length=10, choices=[("count", "count"), ("percent", "%")])
    year = models.CharField(max_length=20)
    source = models.CharField(max_length=300)

    class Meta:
        ordering = ["metric", "-year"]
        constraints = [
            models.UniqueConstraint(fields=["metric", "year"], name="one_comparator_per_year")
        ]

    def __str__(self) -> str:
        return f"{self.label}: {self.value} ({self.year})"


def quarter_start(day: dt.date) -> dt.date:
    """The first day of the financial quarter `day` is in (they start in April, July, October
    and January, like the calendar's)."""
    return dt.date(day.year, (day.month - 1) // 3 * 3 + 1, 1)


class Feedback(models.Model):
    """A family's rating of the support they get, 1 (very poor) to 5 (very good): one per child
    per financial quarter, the period the satisfaction figure is reported by; a newer rating in
    the quarter replaces it (commissioning.services.feedback_give keeps the old one's audit)."""

    child = models.ForeignKey("casework.Child", on_delete=models.PROTECT, related_name="feedback")
    team = models.ForeignKey(Team, on_delete=models.PROTECT, related_name="feedback")
    given_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="feedback_given"
    )
    given_on = models.DateField()
    period_start = models.DateField(help_text="The first day of the quarter it is given in.")
    rating = models.PositiveSmallIntegerField(
        validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    comment = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-given_on", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(rating__gte=1) & Q(rating__lte=5), name="feedback_rating_1_to_5"
            ),
            models.UniqueConstraint(
                fields=["child", "period_start"], name="one_feedback_per_child_per_quarter"
            ),
            models.CheckConstraint(
                condition=Q(given_on__gte=F("period_start")), name="feedback_in_its_quarter"
            ),
        ]
        indexes = [
            # family_satisfaction_pct: feedback by date.
            models.Index(fields=["given_on"], name="feedback_given_on"),
        ]

    def __str__(self) -> str:
        return f"Feedback {self.rating}/5 on {self.given_on}"
