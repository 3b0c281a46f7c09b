"""Decision letters (DESIGN §3 "letters", §5 "Appeals"): the PDF a family is sent when a decision
about their child's EHC plan is taken, kept as a family-visible document on the child's record.

Written only by `casework.services.letters`, inside the step's own transaction."""

from __future__ import annotations

from django.db import models

from casework.models.document import Document
from casework.models.plan import EHCPlan


class LetterKind(models.TextChoices):
    """The plan's steps that the law says the family must be told of, named as the steps are."""

    REFUSE_TO_ASSESS = "refuse_to_assess", "Decision not to carry out a needs assessment"
    DECIDE_NOT_TO_ISSUE = "decide_not_to_issue", "Decision not to issue an EHC plan"
    ISSUE_DRAFT = "issue_draft", "Draft EHC plan"
    ISSUE_FINAL = "issue_final", "Final EHC plan"
    MAINTAIN = "maintain", "Decision to keep the EHC plan as it is"
    AMEND = "amend", "Proposal to amend the EHC plan"
    CEASE = "cease", "Decision to stop maintaining the EHC plan"


class Letter(models.Model):
    plan = models.ForeignKey(EHCPlan, on_delete=models.PROTECT, related_name="letters")
    kind = models.CharField(max_length=30, choices=LetterKind.choices)
    # The step's effective date: the date the letter bears and its periods count from.
    sent_on = models.DateField()
    # The family's last day to appeal as the letter states it; a later mediation certificate
    # moves the plan's date, not what this letter said.
    appeal_by = models.DateField(null=True, blank=True)
    document = models.OneToOneField(Document, on_delete=models.PROTECT, related_name="letter")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["sent_on", "id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} ({self.sent_on:%d %b %Y})"
