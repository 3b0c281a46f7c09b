"""The team around the child (DESIGN §3): who works with a child, the family's consent to each
agency seeing the record, and the case notes everyone in the team writes."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q

from accounts.models import ConsentAgency, Organisation, Profession, Professional
from accounts.roles import Role
from casework.models.people import Child


class TeamPart(models.TextChoices):
    KEY_WORKER = "key_worker", "Key worker"
    LEAD_PROFESSIONAL = "lead_professional", "Lead professional"
    ADVISER = "adviser", "Adviser"
    REVIEW_CONVENER = "review_convener", "Review convener"
    PROVIDER = "provider", "Provider"


class TeamMemberQuerySet(models.QuerySet["TeamMember"]):
    def current(self, on: dt.date) -> TeamMemberQuerySet:
        """Members on `on`: started on or before it and not ended by it. `ends_on` is the day the
        membership ended, so ending it today ends the professional's access at once."""
        return self.filter(Q(ends_on__isnull=True) | Q(ends_on__gt=on), starts_on__lte=on)


class TeamMember(models.Model):
    """A person in a child's team around the child: a professional who signs in to Pathway
    (`user`), or a named contact outside it. Never deleted: ending a membership sets `ends_on`,
    and the professional's access to the child ends with it."""

    child = models.ForeignKey(Child, on_delete=models.PROTECT, related_name="team_members")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="team_memberships",
    )
    name = models.CharField(max_length=200)
    organisation = models.ForeignKey(
        Organisation, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    profession = models.CharField(max_length=30, choices=Profession.choices)
    part = models.CharField(max_length=20, choices=TeamPart.choices)
    email = models.EmailField(blank=True)
    phone = models.CharField(max_length=30, blank=True)
    starts_on = models.DateField()
    ends_on = models.DateField(null=True, blank=True)
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = TeamMemberQuerySet.as_manager()

    class Meta:
        ordering = ["child", "starts_on", "id"]
        constraints = [
            # One key worker at a time (DESIGN §3): the service refuses overlapping dates with
            # a message; this holds the open-ended case even for a write around the service.
            models.UniqueConstraint(
                fields=["child"],
                condition=Q(part="key_worker", ends_on__isnull=True),
                name="one_open_key_worker_per_child",
            ),
            models.CheckConstraint(
                condition=Q(ends_on__isnull=True) | Q(ends_on__gte=models.F("starts_on")),
                name="team_member_ends_after_it_starts",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.get_part_display()} for {self.child})"


class ConsentGivenBy(models.TextChoices):
    PARENT = "parent", "A parent or carer"
    YOUNG_PERSON = "young_person", "The young person"


class Consent(models.Model):
    """The family's consent to one agency's professionals seeing the child's record, given or
    withdrawn. Append-only: the latest record for an agency (by date, then entry) stands."""

    child = models.ForeignKey(Child, on_delete=models.PROTECT, related_name="consents")
    agency = models.CharField(max_length=20, choices=ConsentAgency.choices)
    given = models.BooleanField()
    on = models.DateField()
    by = models.CharField(max_length=20, choices=ConsentGivenBy.choices)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["child", "agency", "on", "id"]
        indexes = [models.Index(fields=["child", "agency", "on"], name="consent_child_agency")]

    def __str__(self) -> str:
        word = "given" if self.given else "withdrawn"
        return f"{self.get_agency_display()} consent {word} for {self.child} on {self.on}"


class CaseNoteKind(models.TextChoices):
    CONTACT = "contact", "Contact"
    VISIT = "visit", "Visit"
    MEETING = "meeting", "Meeting"
    PHONE_CALL = "phone_call", "Phone call"
    DECISION = "decision", "Decision"
    OTHER = "other", "Other"


class NoteVisibility(models.TextChoices):
    STAFF = "staff", "Council staff only"
    TEAM = "team", "The team around the child"
    FAMILY = "family", "The team and the family"


class CaseNote(models.Model):
    """A dated entry on a child's record by staff or a team member. Never deleted or edited: a
    mistake is put right by a later note that names the one it corrects.

    `visibility` is who reads it besides the council's staff of the child's team, who read every
    note: "team" adds the professionals who see the child, "family" adds the family too. DESIGN §9
    shows the chronology to the family "where shared with the family" and to professionals "where
    shared with the team", so each note says which. It defaults to "team": the team around the
    child exists so that what one agency learns the others need not ask again, while a family
    reads only what was written to be shared with them, and a safeguarding concern is kept to
    staff by choosing so.
    """

    child = models.ForeignKey(Child, on_delete=models.PROTECT, related_name="case_notes")
    kind = models.CharField(max_length=20, choices=CaseNoteKind.choices)
    on = models.DateField()
    text = models.TextField()
    present = models.CharField(max_length=500, blank=True)
    visibility = models.CharField(
        max_length=10, choices=NoteVisibility.choices, default=NoteVisibility.TEAM
    )
    corrects = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="corrections"
    )
    written_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["child", "on", "id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} on {self.on} for {self.child}"


def is_review_convener(child_id: int, user: Any, *, on: dt.date) -> bool:
    """The user convenes the child's reviews on `on` (DESIGN §3 "annual reviews run by the
    setting", SEND Regs 2014 reg 20(1): the head teacher may be required to arrange and hold
    the meeting): a current team member in that part, a professional, whose agency the family's
    consent still covers."""
    if not (user.is_authenticated and user.is_active and user.has_role(Role.PROFESSIONAL)):
        return False
    profile = Professional.objects.select_related("organisation").filter(user=user).first()
    if profile is None:
        return False
    member = TeamMember.objects.current(on).filter(
        child_id=child_id, user=user, part=TeamPart.REVIEW_CONVENER
    )
    if not member.exists():
        return False
    latest = (
        Consent.objects.filter(
            child_id=child_id, agency=profile.organisation.consent_agency, on__lte=on
        )
        .order_by("-on", "-id")
        .values_list("given", flat=True)
        .first()
    )
    return bool(latest)
