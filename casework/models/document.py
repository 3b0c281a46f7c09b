"""Uploaded documents (DESIGN §3 "documents"): a file on a child's record, kept through Django's
storage API and never deleted: a document put there by mistake is withdrawn with a reason, and
staff still read it. It may hang from one of the child's case, plan, advice request or review."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from casework.models.advice import AdviceRequest
from casework.models.case import Case
from casework.models.people import Child
from casework.models.plan import EHCPlan
from casework.models.review import Review


class DocumentKind(models.TextChoices):
    ADVICE = "advice", "Advice"
    REPORT = "report", "Report"
    PLAN = "plan", "Plan"
    LETTER = "letter", "Letter"
    VIEWS = "views", "Views"
    EVIDENCE = "evidence", "Evidence"
    OTHER = "other", "Other"


class DocumentVisibility(models.TextChoices):
    STAFF = "staff", "Council staff"
    TEAM = "team", "Council staff and the team around the child"
    FAMILY = "family", "Council staff, the team around the child and the family"


def document_path(document: Document, filename: str) -> str:
    # The uploader's name for the file is kept as the title, never as a path: a stored name
    # says nothing about the child and cannot climb out of the folder.
    return f"documents/{document.child_id}/{document.token}"


class Document(models.Model):
    child = models.ForeignKey(Child, on_delete=models.PROTECT, related_name="documents")
    case = models.ForeignKey(
        Case, null=True, blank=True, on_delete=models.PROTECT, related_name="documents"
    )
    plan = models.ForeignKey(
        EHCPlan, null=True, blank=True, on_delete=models.PROTECT, related_name="documents"
    )
    advice_request = models.ForeignKey(
        AdviceRequest,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="documents",
    )
    review = models.ForeignKey(
        Review, null=True, blank=True, on_delete=models.PROTECT, related_name="documents"
    )
    title = models.CharField(max_length=200)
    kind = models.CharField(max_length=20, choices=DocumentKind.choices)
    visibility = models.CharField(
        max_length=10, choices=DocumentVisibility.choices, default=DocumentVisibility.TEAM
    )
    token = models.CharField(max_length=32, unique=True, editable=False)
    file = models.FileField(upload_to=document_path, max_length=200)
    content_type = models.CharField(max_length=100)
    size = models.PositiveBigIntegerField()
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    withdrawn_at = models.DateTimeField(null=True, blank=True)
    withdrawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    withdraw_reason = models.TextField(blank=True)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return self.title
