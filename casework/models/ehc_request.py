"""Requests for an EHC needs assessment made online (Children and Families Act 2014 s.36(1): the
parent, the young person or their school or college may ask; SEND Regulations 2014 reg 3,
"Consideration of request"): by the family, by a school or college, or by somebody with no
account. A request waits in the queue until staff accept it, which records the plan's request
(reg 5(1): the decision whether to assess is due within 6 weeks of receiving the request)."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from casework.models.people import Child
from casework.models.plan import EHCPlan


class EHCRequestStatus(models.TextChoices):
    NEW = "new", "New"
    ACCEPTED = "accepted", "Accepted"


class Relationship(models.TextChoices):
    PARENT = "parent", "I am their parent or carer"
    YOUNG_PERSON = "young_person", "I am the young person (aged 16 to 25)"
    SCHOOL = "school", "I work at their school, college or nursery"
    OTHER = "other", "Someone else"


def request_file_path(upload: EHCRequestFile, filename: str) -> str:
    # As for documents: the sender's name for the file is the title, never part of a path.
    return f"ehc-requests/{upload.token}"


class EHCRequest(models.Model):
    child = models.ForeignKey(
        Child, null=True, blank=True, on_delete=models.PROTECT, related_name="ehc_requests"
    )
    child_name = models.CharField(max_length=200)
    date_of_birth = models.DateField()
    requester_name = models.CharField(max_length=200)
    requester_email = models.EmailField(max_length=254, blank=True)
    relationship = models.CharField(max_length=20, choices=Relationship.choices)
    reasons = models.TextField()
    # The day it arrived, in Europe/London: the 6- and 20-week clocks run from it.
    received_on = models.DateField()
    made_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    plan = models.OneToOneField(
        EHCPlan, null=True, blank=True, on_delete=models.PROTECT, related_name="online_request"
    )
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    accepted_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["received_on", "id"]
        indexes = [
            models.Index(fields=["requester_email", "received_on"], name="ehc_request_sender_day")
        ]

    def __str__(self) -> str:
        return f"Request for an assessment of {self.child_name}, received {self.received_on}"

    @property
    def status(self) -> str:
        # Accepted exactly when the plan exists: one fact, so the two can never disagree.
        return EHCRequestStatus.ACCEPTED if self.plan_id else EHCRequestStatus.NEW


class EHCRequestFile(models.Model):
    """Evidence sent with a request; it becomes a document on the child's record on acceptance."""

    request = models.ForeignKey(EHCRequest, on_delete=models.PROTECT, related_name="files")
    title = models.CharField(max_length=200)
    token = models.CharField(max_length=32, unique=True, editable=False)
    file = models.FileField(upload_to=request_file_path, max_length=200)
    content_type = models.CharField(max_length=100)
    size = models.PositiveBigIntegerField()

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return self.title
