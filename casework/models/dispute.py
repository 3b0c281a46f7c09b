"""Disagreements over an EHC plan: mediation, appeals to the First-tier Tribunal (SEND), its
orders and the council's concessions (SEND Regulations 2014 regs 32-45; DESIGN §5 "Appeals").

A `Dispute` is a dated record, not a machine: what may follow what is checked by
`casework.services.disputes`. An order of the Tribunal, or a concession, requires one or more
steps of the council, each with its own time limit; each step is a `TribunalOrderStep`, the
subject of its own `tribunal_order` deadline, so that several steps of one order run at once.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django_fsm import FSMField, FSMModelMixin

from casework.models.plan import EHCPlan


class DisputeKind(models.TextChoices):
    MEDIATION_REQUESTED = "mediation_requested", "The family asked for mediation"
    MEDIATION_HELD = "mediation_held", "Mediation held"
    MEDIATION_CERTIFICATE = "mediation_certificate", "Mediation certificate issued"
    APPEAL_REGISTERED = "appeal_registered", "Appeal registered with the Tribunal"
    TRIBUNAL_DECISION = "tribunal_decision", "The Tribunal's decision"
    CONCESSION = "concession", "The council conceded the appeal"


class TribunalOrder(models.TextChoices):
    ASSESS = "assess", "Carry out an EHC needs assessment"
    REASSESS = "reassess", "Carry out a re-assessment"
    MAKE_PLAN = "make_plan", "Make and maintain an EHC plan"
    AMEND = "amend", "Amend the plan"
    NAME_SCHOOL = "name_school", "Name the school or college in the plan"
    CEASE = "cease", "Continue to maintain the plan"


class DisputeAbout(models.TextChoices):
    """Which decision a dispute is about, as SEN2 groups them (requests, assessment, other)."""

    REQUEST = "request", "The decision not to assess"
    ASSESSMENT = "assessment", "The outcome of the assessment"
    OTHER = "other", "A later decision"


class Dispute(models.Model):
    plan = models.ForeignKey(EHCPlan, on_delete=models.PROTECT, related_name="disputes")
    kind = models.CharField(max_length=30, choices=DisputeKind.choices)
    on = models.DateField()
    order = models.CharField(max_length=20, choices=TribunalOrder.choices, blank=True)
    about = models.CharField(
        max_length=20, choices=DisputeAbout.choices, default=DisputeAbout.OTHER
    )
    notes = models.TextField(blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["on", "id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} on {self.on:%-d %B %Y}"


class OrderStepStatus(models.TextChoices):
    """A step has no state of its own: its deadline says whether it was taken on time."""

    ORDERED = "ordered", "Ordered"


class TribunalOrderStep(FSMModelMixin, models.Model):
    """One step an order or a concession requires, with its time limit in weeks from the order
    (reg 44(2)) or from the council's notice to the Tribunal (reg 45); 0 weeks is "immediately".
    """

    dispute = models.ForeignKey(Dispute, on_delete=models.PROTECT, related_name="steps")
    step = models.CharField(max_length=40)
    label = models.CharField(max_length=200)
    weeks = models.PositiveSmallIntegerField()
    status = FSMField(
        default=OrderStepStatus.ORDERED, choices=OrderStepStatus.choices, protected=True
    )

    class Meta:
        ordering = ["dispute", "weeks", "id"]

    def __str__(self) -> str:
        return self.label
