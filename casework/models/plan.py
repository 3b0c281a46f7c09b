"""The EHC plan and its machine (DESIGN §4, §5)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib.contenttypes.fields import GenericRelation
from django.db import models
from django_fsm import FSMField, FSMModelMixin, transition

from casework import deadlines as due
from casework.messages import plan_decision_letter
from casework.models.case import PRACTITIONER, REASON, TEAM_MANAGER, Case
from casework.models.choices import PhaseTransfer, PlanStatus, RequestedBy
from casework.models.people import Child
from casework.models.representation import (
    SERVICE,
    FamilyPeriod,
    Representation,
    ServedBy,
    current_representations,
    family_period_closed,
    family_period_of,
    served_on,
)
from casework.models.team import is_review_convener
from workflows import clock
from workflows.errors import InvalidParams
from workflows.registry import Step
from workflows.rules import condition, permission

CLOSED_PLAN_STATES = {PlanStatus.REFUSED, PlanStatus.NOT_ISSUED, PlanStatus.CEASED}
REVIEW_PERIODS = (due.ANNUAL_REVIEW, due.UNDER_FIVE_REVIEW)
REVIEW_OPENS = (*REVIEW_PERIODS, due.REVIEW_REPORT, due.REVIEW_DECISION)


SECTIONS = [
    ("section_a", "A", "The views, interests and aspirations of the child and family"),
    ("section_b", "B", "Special educational needs"),
    ("section_c", "C", "Health needs related to the special educational needs"),
    ("section_d", "D", "Social care needs"),
    ("section_e", "E", "Outcomes"),
    ("section_f", "F", "Special educational provision"),
    ("section_g", "G", "Health provision"),
    (
        "section_h1",
        "H1",
        "Social care provision under the Chronically Sick and Disabled Persons Act",
    ),
    ("section_h2", "H2", "Other social care provision"),
    ("section_i", "I", "Placement"),
    ("section_j", "J", "Personal budget"),
    ("section_k", "K", "Advice and information"),
]


@condition("Sections B (needs), E (outcomes) and F (provision) must be written first.")
def core_sections_written(plan: EHCPlan) -> bool:
    return all(getattr(plan, name).strip() for name in ("section_b", "section_e", "section_f"))


@condition("No review meeting has been recorded: add the review first.")
def review_meeting_recorded(plan: EHCPlan) -> bool:
    return plan.reviews.held().exists()


def on_the_meeting_date(plan: EHCPlan, on: dt.date) -> str | None:
    """The review starts on the day of its meeting, so the next review period, the report and
    the decision count from the meeting (CFA 2014 s44(1), SEND Regs 2014 reg 20), never from the
    day it was recorded."""
    held = plan.reviews.held().first()
    if held is None or held.meeting_on is None or held.meeting_on == on:
        return None
    return f"The review meeting was held on {held.meeting_on:%-d %B %Y}: the review starts then."


@permission("Only a practitioner or the child's review convener can do this.")
def practitioner_or_convener(plan: EHCPlan, user: Any) -> bool:
    """The setting that convenes the review records its meeting (reg 20(1)); the council's
    decision that follows stays with its managers."""
    return PRACTITIONER(plan, user) or is_review_convener(plan.child_id, user, on=clock.today())


class EHCPlan(FSMModelMixin, models.Model):
    """An Education, Health and Care plan, from the request for a needs assessment onwards.

    requested ─agree_to_assess→ assessing ─issue_draft→ draft ─issue_final→ final
    requested ─refuse_to_assess→ refused;  assessing ─decide_not_to_issue→ not_issued
    final ─start_review→ under_review ─maintain→ final | ─amend→ draft | ─cease→ ceased

    maintain, amend and cease decide the plan's current review with their outcome, as their
    effect (`casework.services.review_decide`, wired in `casework.machines`).
    """

    child = models.ForeignKey(Child, on_delete=models.PROTECT, related_name="plans")
    case = models.ForeignKey(
        Case, null=True, blank=True, on_delete=models.PROTECT, related_name="plans"
    )
    # Who answers for the EHC process when no social-care case is open (DESIGN §5 Owners). Empty
    # only on plans from before it was recorded; `plan_request` names the user recording it.
    case_officer = models.ForeignKey(
        "accounts.User",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="plans_as_case_officer",
    )
    status = FSMField(default=PlanStatus.REQUESTED, choices=PlanStatus.choices, protected=True)
    requested_on = models.DateField()
    requested_by = models.CharField(max_length=20, choices=RequestedBy.choices)
    assessment_decision_on = models.DateField(null=True, blank=True)
    draft_issued_on = models.DateField(null=True, blank=True)
    # How and when the current draft or amendment notice reached the family (reg 13(1), 22(2)).
    notice_served_by = models.CharField(max_length=10, choices=ServedBy.choices, blank=True)
    notice_sent_on = models.DateField(null=True, blank=True)
    notice_served_on = models.DateField(null=True, blank=True)
    family_comments_received_on = models.DateField(null=True, blank=True)
    family_comments = models.TextField(blank=True)
    first_final_issued_on = models.DateField(null=True, blank=True)
    last_final_issued_on = models.DateField(null=True, blank=True)
    being_amended = models.BooleanField(default=False)
    decision_reason = models.TextField(blank=True)
    exception_reason = models.TextField(blank=True)
    # The family's last day to appeal (Tribunal Procedure (HESC) Rules 2008 r20(1)(c)): set by
    # each appealable decision and moved by a later mediation certificate; not a council deadline.
    appeal_decision_on = models.DateField(null=True, blank=True)
    appeal_by = models.DateField(null=True, blank=True)
    placement_name = models.CharField(max_length=200, blank=True)
    phase_transfer_on = models.DateField(null=True, blank=True)
    phase_transfer = models.CharField(max_length=20, choices=PhaseTransfer.choices, blank=True)
    # The school or college the child will attend after the transfer, as the plan names it: a
    # final plan issued with it filled in meets the phase-transfer deadline (reg 18).
    phase_transfer_setting = models.CharField(max_length=200, blank=True)
    section_a = models.TextField(blank=True)
    section_b = models.TextField(blank=True)
    section_c = models.TextField(blank=True)
    section_d = models.TextField(blank=True)
    section_e = models.TextField(blank=True)
    section_f = models.TextField(blank=True)
    section_g = models.TextField(blank=True)
    section_h1 = models.TextField(blank=True)
    section_h2 = models.TextField(blank=True)
    section_i = models.TextField(blank=True)
    section_j = models.TextField(blank=True)
    section_k = models.TextField(blank=True)
    # The plan's deadlines, for reports that count deadlines by the plan's child.
    deadlines = GenericRelation(
        "workflows.Deadline",
        content_type_field="subject_type",
        object_id_field="subject_id",
        related_query_name="ehc_plan",
    )

    class Meta:
        ordering = ["-requested_on", "-id"]
        verbose_name = "EHC plan"

    def __str__(self) -> str:
        return f"EHC plan for {self.child} (requested {self.requested_on:%d %b %Y})"

    @property
    def is_open(self) -> bool:
        return self.status not in CLOSED_PLAN_STATES

    @property
    def family_period(self) -> FamilyPeriod | None:
        return family_period_of(self)

    @property
    def current_representations(self) -> models.QuerySet[Representation]:
        return current_representations(self)

    def _serve_notice(self, *, on: dt.date, served_by: str, sent_on: dt.date | None) -> None:
        sent = sent_on or on
        if sent < on:
            raise InvalidParams({"sent_on": ["It cannot be sent before the date above."]})
        if sent > clock.today():
            raise InvalidParams({"sent_on": ["The date cannot be in the future."]})
        self.notice_served_by = served_by
        self.notice_sent_on = sent
        self.notice_served_on = served_on(sent, served_by)

    @transition(
        field=status,
        source=PlanStatus.REQUESTED,
        target=PlanStatus.ASSESSING,
        permission=TEAM_MANAGER,
        custom={
            "step": Step(
                "Agree to assess",
                closes=(due.DECISION_TO_ASSESS,),
                decision=True,
                done="Agreed to assess: the needs assessment has started",
                opens=(due.DECISION_NOT_TO_ISSUE,),
                notify=(plan_decision_letter("agree_to_assess"),),
            )
        },
    )
    def agree_to_assess(self, *, by: Any, on: dt.date, note: str) -> None:
        self.assessment_decision_on = on

    @transition(
        field=status,
        source=PlanStatus.REQUESTED,
        target=PlanStatus.REFUSED,
        permission=TEAM_MANAGER,
        custom={
            "step": Step(
                "Refuse to assess",
                params=REASON,
                decision=True,
                destructive=True,
                done="Refused to assess: the family will be told, with their right to appeal",
                consequence="The request for an EHC needs assessment will be refused and the "
                "family told of their right to appeal. This cannot be undone.",
                closes=(due.DECISION_TO_ASSESS,),
                not_required=(due.FINAL_PLAN,),
            )
        },
    )
    def refuse_to_assess(self, *, by: Any, on: dt.date, note: str, reason: str) -> None:
        self.assessment_decision_on = on
        self.decision_reason = reason

    @transition(
        field=status,
        source=PlanStatus.ASSESSING,
        target=PlanStatus.DRAFT,
        permission=PRACTITIONER,
        conditions=[core_sections_written],
        custom={
            "step": Step(
                "Issue the draft plan",
                params=SERVICE,
                done="Draft plan issued: the family has 15 days to comment",
                not_required=(due.DECISION_NOT_TO_ISSUE,),
                opens=(due.FAMILY_COMMENTS,),
            )
        },
    )
    def issue_draft(
        self,
        *,
        by: Any,
        on: dt.date,
        note: str,
        served_by: str = "",
        sent_on: dt.date | None = None,
    ) -> None:
        self.draft_issued_on = on
        self._serve_notice(on=on, served_by=served_by, sent_on=sent_on)
        self.family_comments_received_on = None
        self.family_comments = ""

    @transition(
        field=status,
        source=PlanStatus.ASSESSING,
        target=PlanStatus.NOT_ISSUED,
        permission=TEAM_MANAGER,
        custom={
            "step": Step(
                "Decide not to issue a plan",
                params=REASON,
                destructive=True,
                done="Decided not to issue a plan: the family will be told",
                consequence="No EHC plan will be issued and the family told of their right to "
                "appeal. This cannot be undone.",
                closes=(due.DECISION_NOT_TO_ISSUE,),
                not_required=(due.FINAL_PLAN,),
            )
        },
    )
    def decide_not_to_issue(self, *, by: Any, on: dt.date, note: str, reason: str) -> None:
        self.decision_reason = reason

    @transition(
        field=status,
        source=PlanStatus.DRAFT,
        target=PlanStatus.FINAL,
        permission=TEAM_MANAGER,
        conditions=[core_sections_written],
        custom={
            "step": Step(
                "Issue the final plan",
                closes=(due.FINAL_PLAN, due.AMENDED_FINAL),
                decision=True,
                done="Final plan issued",
                satisfies=(due.FAMILY_COMMENTS, due.AMENDMENT_REPRESENTATIONS),
                checks=(family_period_closed,),
                opens=(due.ANNUAL_REVIEW, due.UNDER_FIVE_REVIEW),
            )
        },
    )
    def issue_final(self, *, by: Any, on: dt.date, note: str) -> None:
        if self.first_final_issued_on is None:
            self.first_final_issued_on = on
        self.last_final_issued_on = on
        self.being_amended = False

    @transition(
        field=status,
        source=PlanStatus.FINAL,
        target=PlanStatus.UNDER_REVIEW,
        permission=practitioner_or_convener,
        conditions=[review_meeting_recorded],
        custom={
            "step": Step(
                "Hold the review meeting",
                closes=(due.ANNUAL_REVIEW, due.UNDER_FIVE_REVIEW),
                done="Review meeting recorded: a team manager now decides the plan's future",
                opens=REVIEW_OPENS,
                checks=(on_the_meeting_date,),
            )
        },
    )
    def start_review(self, *, by: Any, on: dt.date, note: str) -> None:
        pass

    @transition(
        field=status,
        source=PlanStatus.UNDER_REVIEW,
        target=PlanStatus.FINAL,
        permission=TEAM_MANAGER,
        custom={
            "step": Step(
                "Maintain the plan",
                closes=(due.REVIEW_DECISION,),
                decision=True,
                done="Plan maintained as it is",
            )
        },
    )
    def maintain(self, *, by: Any, on: dt.date, note: str) -> None:
        pass

    @transition(
        field=status,
        source=PlanStatus.UNDER_REVIEW,
        target=PlanStatus.DRAFT,
        permission=TEAM_MANAGER,
        custom={
            "step": Step(
                "Amend the plan",
                params=SERVICE,
                decision=True,
                done="Amended draft plan issued",
                closes=(due.REVIEW_DECISION,),
                opens=(due.AMENDED_FINAL, due.AMENDMENT_REPRESENTATIONS),
            )
        },
    )
    def amend(
        self,
        *,
        by: Any,
        on: dt.date,
        note: str,
        served_by: str = "",
        sent_on: dt.date | None = None,
    ) -> None:
        self.being_amended = True
        self.draft_issued_on = on
        self._serve_notice(on=on, served_by=served_by, sent_on=sent_on)
        self.family_comments_received_on = None
        self.family_comments = ""

    @transition(
        field=status,
        source=PlanStatus.UNDER_REVIEW,
        target=PlanStatus.CEASED,
        permission=TEAM_MANAGER,
        custom={
            "step": Step(
                "Cease the plan",
                params=REASON,
                decision=True,
                destructive=True,
                done="Plan ceased: the family will be told",
                consequence="The EHC plan will stop and the family told of their right to "
                "appeal. This cannot be undone.",
                closes=(due.REVIEW_DECISION,),
                not_required=(due.REVIEW_REPORT, due.PHASE_TRANSFER, *REVIEW_PERIODS),
            )
        },
    )
    def cease(self, *, by: Any, on: dt.date, note: str, reason: str) -> None:
        self.decision_reason = reason
