"""Advice for an EHC needs assessment, transfers of a plan between councils, and re-assessments
(DESIGN §3, §5): records on a plan, each with a small machine of its own and one deadline."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.conf import settings
from django.db import models
from django_fsm import FSMField, FSMModelMixin, transition

from accounts.roles import STAFF_ROLES
from casework.deadlines import advice as due
from casework.deadlines import reason_field
from casework.models.case import TEAM_MANAGER
from casework.models.choices import PlanStatus
from casework.models.plan import EHCPlan
from workflows.registry import Step
from workflows.rules import condition, permission, requires_role

STAFF = requires_role(*STAFF_ROLES)


@permission("Only council staff or the adviser who was asked can record this advice.")
def staff_or_the_adviser(request: AdviceRequest, user: Any) -> bool:
    """The adviser answers in Pathway; staff record advice that came by other means."""
    return STAFF(request, user) or (
        request.adviser_id is not None and request.adviser_id == user.pk and user.is_active
    )


class AdviceKind(models.TextChoices):
    """Whose advice (reg 6(1)), and so which agency it counts for."""

    EDUCATIONAL = "educational", "Educational"
    MEDICAL = "medical", "Medical"
    PSYCHOLOGICAL = "psychological", "Psychological"
    SOCIAL_CARE = "social_care", "Social care"
    POST_16 = "post_16", "Post-16 and preparing for adulthood"
    OTHER = "other", "Other"


class Agency(models.TextChoices):
    EDUCATION = "education", "Education"
    HEALTH = "health", "Health"
    SOCIAL_CARE = "social_care", "Social care"
    OTHER = "other", "Other"


AGENCY_OF = {
    AdviceKind.EDUCATIONAL: Agency.EDUCATION,
    AdviceKind.PSYCHOLOGICAL: Agency.EDUCATION,
    AdviceKind.POST_16: Agency.EDUCATION,
    AdviceKind.MEDICAL: Agency.HEALTH,
    AdviceKind.SOCIAL_CARE: Agency.SOCIAL_CARE,
    AdviceKind.OTHER: Agency.OTHER,
}


class AdviceStatus(models.TextChoices):
    REQUESTED = "requested", "Requested"
    RECEIVED = "received", "Received"


class PlanRecord(models.Model):
    """What the records hanging from a plan share: the plan, who recorded them and when. Read a
    plan's records through their own model (`Transfer.objects.filter(plan=...)`)."""

    plan = models.ForeignKey(EHCPlan, on_delete=models.PROTECT, related_name="+")
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        abstract = True

    @property
    def child_id(self) -> int:
        return int(self.plan.child_id)


class AdviceRequest(FSMModelMixin, PlanRecord):
    """A request for advice and information for an EHC needs assessment (reg 6(1)).

    requested ─submit→ received (the advice, and the day it came)

    One `advice` deadline each, 6 weeks from the request (reg 8(1)); recording the advice closes
    it, met or missed by the day it came.
    """

    status = FSMField(default=AdviceStatus.REQUESTED, choices=AdviceStatus.choices, protected=True)
    kind = models.CharField(max_length=20, choices=AdviceKind.choices)
    adviser = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="advice_asked",
    )
    adviser_email = models.EmailField(blank=True)
    requested_on = models.DateField()
    advice = models.TextField(blank=True)
    received_on = models.DateField(null=True, blank=True)
    late_reason = models.TextField(blank=True)

    class Meta:
        ordering = ["requested_on", "id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} advice for {self.plan.child}"

    @property
    def due_on(self) -> dt.date:
        return due.advice(self, self.requested_on)

    @property
    def agency(self) -> str:
        return AGENCY_OF[AdviceKind(self.kind)]

    @transition(
        field=status,
        source=AdviceStatus.REQUESTED,
        target=AdviceStatus.RECEIVED,
        permission=staff_or_the_adviser,
        custom={
            "step": Step(
                "Record the advice received",
                params={
                    "advice": forms.CharField(error_messages={"required": "Enter the advice."}),
                    "late_reason": forms.CharField(required=False),
                },
                closes=(due.ADVICE,),
            )
        },
    )
    def submit(self, *, by: Any, on: dt.date, note: str, advice: str, late_reason: str) -> None:
        self.advice = advice
        self.received_on = on
        self.late_reason = late_reason


class TransferDirection(models.TextChoices):
    IN = "in", "Transferred in from another council"
    OUT = "out", "Transferred out to another council"


class TransferStatus(models.TextChoices):
    RECORDED = "recorded", "Recorded"
    NOTICE_GIVEN = "notice_given", "Family told"
    SENT = "sent", "Plan and advice sent"


@condition("This step is for a plan transferred in from another council.")
def transferred_in(transfer: Transfer) -> bool:
    return transfer.direction == TransferDirection.IN


@condition("This step is for a plan transferred out to another council.")
def transferred_out(transfer: Transfer) -> bool:
    return transfer.direction == TransferDirection.OUT


class Transfer(FSMModelMixin, PlanRecord):
    """A plan moving between councils with the child or young person (reg 15).

    in:  recorded ─give_notice→ notice_given (the family told, within 6 weeks, reg 15(4))
    out: recorded ─send→ sent (the plan and advice sent to the new council, reg 15(2))
    """

    status = FSMField(
        default=TransferStatus.RECORDED, choices=TransferStatus.choices, protected=True
    )
    direction = models.CharField(max_length=3, choices=TransferDirection.choices)
    other_council = models.CharField(max_length=200)
    moved_on = models.DateField()
    notice_received_on = models.DateField()
    notice_given_on = models.DateField(null=True, blank=True)
    sent_on = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["moved_on", "id"]

    def __str__(self) -> str:
        return f"Transfer of the plan for {self.plan.child} ({self.direction})"

    @property
    def transferred_on(self) -> dt.date:
        return due.transferred_on(self)

    @property
    def due_on(self) -> dt.date | None:
        rule = due.transfer_in_notice if self.direction == "in" else due.transfer_out_sent
        return rule(self, self.notice_received_on)

    @transition(
        field=status,
        source=TransferStatus.RECORDED,
        target=TransferStatus.NOTICE_GIVEN,
        permission=STAFF,
        conditions=[transferred_in],
        custom={
            "step": Step("Record that the family has been told", closes=(due.TRANSFER_IN_NOTICE,))
        },
    )
    def give_notice(self, *, by: Any, on: dt.date, note: str) -> None:
        self.notice_given_on = on

    @transition(
        field=status,
        source=TransferStatus.RECORDED,
        target=TransferStatus.SENT,
        permission=STAFF,
        conditions=[transferred_out],
        custom={
            "step": Step(
                "Record the plan and advice sent to the new council",
                closes=(due.TRANSFER_OUT_SENT,),
            )
        },
    )
    def send(self, *, by: Any, on: dt.date, note: str) -> None:
        self.sent_on = on


class ReassessmentStatus(models.TextChoices):
    REQUESTED = "requested", "Requested"
    REASSESSING = "reassessing", "Re-assessment under way"
    REFUSED = "refused", "Refused"
    COMPLETED = "completed", "Plan issued after the re-assessment"


@condition("A plan is re-assessed only while it is final.")
def plan_is_final(reassessment: Reassessment) -> bool:
    return bool(reassessment.plan.status == PlanStatus.FINAL)


class Reassessment(FSMModelMixin, PlanRecord):
    """A request to re-assess a maintained plan's needs (s44(2)), and its decision (reg 25).

    requested ─reassess→ reassessing ─complete→ completed (the plan issued, reg 27(2))
    requested ─refuse→ refused (with the family's right of appeal)
    """

    status = FSMField(
        default=ReassessmentStatus.REQUESTED, choices=ReassessmentStatus.choices, protected=True
    )
    requested_on = models.DateField()
    decided_on = models.DateField(null=True, blank=True)
    reason = models.TextField(blank=True)
    final_issued_on = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["requested_on", "id"]

    def __str__(self) -> str:
        return f"Re-assessment of the plan for {self.plan.child}"

    @transition(
        field=status,
        source=ReassessmentStatus.REQUESTED,
        target=ReassessmentStatus.REASSESSING,
        permission=TEAM_MANAGER,
        conditions=[plan_is_final],
        custom={
            "step": Step(
                "Decide to re-assess",
                params={"reason": forms.CharField(required=False)},
                closes=(due.REASSESSMENT_DECISION,),
                opens=(due.REASSESSMENT_FINAL,),
            )
        },
    )
    def reassess(self, *, by: Any, on: dt.date, note: str, reason: str) -> None:
        self.decided_on = on
        self.reason = reason

    @transition(
        field=status,
        source=ReassessmentStatus.REQUESTED,
        target=ReassessmentStatus.REFUSED,
        permission=TEAM_MANAGER,
        custom={
            "step": Step(
                "Refuse to re-assess",
                params={"reason": reason_field()},
                closes=(due.REASSESSMENT_DECISION,),
            )
        },
    )
    def refuse(self, *, by: Any, on: dt.date, note: str, reason: str) -> None:
        self.decided_on = on
        self.reason = reason

    @transition(
        field=status,
        source=ReassessmentStatus.REASSESSING,
        target=ReassessmentStatus.COMPLETED,
        permission=TEAM_MANAGER,
        custom={
            "step": Step(
                "Record the plan issued after the re-assessment",
                closes=(due.REASSESSMENT_FINAL,),
            )
        },
    )
    def complete(self, *, by: Any, on: dt.date, note: str) -> None:
        self.final_issued_on = on
