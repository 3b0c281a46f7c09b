"""Casework use cases: the only writers of casework records. Each is atomic."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import NotRequired, TypedDict, Unpack

from django.db import IntegrityError, transaction

from accounts.models import User
from accounts.roles import Role
from casework import deadlines as due
from casework.access_log import Read as Read
from casework.access_log import access_record as access_record
from casework.access_log import access_record_many as access_record_many
from casework.models import (
    CLOSED_PLAN_STATES,
    OPEN_CASE_STATES,
    SECTIONS,
    Assessment,
    Case,
    CaseStatus,
    Child,
    EHCPlan,
    PlanStatus,
    Referral,
    Review,
    ReviewOutcome,
    ReviewStatus,
)
from casework.models.plan import REVIEW_OPENS
from casework.services.people import (
    NewChild as NewChild,
)
from casework.services.people import (
    NewFamilyMember as NewFamilyMember,
)
from casework.services.people import (
    PossibleDuplicate as PossibleDuplicate,
)
from casework.services.people import (
    _not_in_future,
    _team_of,
)
from casework.services.people import (
    child_create as child_create,
)
from casework.services.people import (
    family_member_add as family_member_add,
)
from casework.services.people import (
    family_member_update as family_member_update,
)
from casework.services.phase_transfer import phase_transfer_sync
from casework.services.representations import plan_comment as plan_comment
from casework.services.representations import representation_add as representation_add
from workflows import clock
from workflows.acting import require_staff
from workflows.deadlines import deadlines_redate
from workflows.errors import InvalidParams, NotPermitted, TransitionNotAllowed
from workflows.services import audit, deadlines_close, record_created, transition

SECTION_FIELDS = [name for name, _, _ in SECTIONS]
PLAN_EDITABLE_FIELDS = [
    *SECTION_FIELDS,
    "placement_name",
    "phase_transfer_on",
    "phase_transfer",
    "phase_transfer_setting",
]


class ReferralDetails(TypedDict):
    """What `referral_receive` takes besides the child, for `referral_with_new_child`."""

    received_on: dt.date
    source: str
    reason: str
    consent_to_share: bool
    consent_given_by: NotRequired[str]
    consent_recorded_on: NotRequired[dt.date | None]


class PlanChanges(TypedDict, total=False):
    """What `plan_update` may change (PLAN_EDITABLE_FIELDS): only the fields given change."""

    section_a: str
    section_b: str
    section_c: str
    section_d: str
    section_e: str
    section_f: str
    section_g: str
    section_h1: str
    section_h2: str
    section_i: str
    section_j: str
    section_k: str
    placement_name: str
    phase_transfer_on: dt.date | None
    phase_transfer: str
    phase_transfer_setting: str


class ReviewChanges(TypedDict, total=False):
    """What `review_update` may change: only the fields given change."""

    due_on: dt.date | None
    meeting_on: dt.date | None
    report_sent_on: dt.date | None
    outcome: str
    notes: str


@transaction.atomic
def referral_receive(
    *,
    by: User,
    child: Child,
    received_on: dt.date,
    source: str,
    reason: str,
    consent_to_share: bool,
    consent_given_by: str = "",
    consent_recorded_on: dt.date | None = None,
) -> Referral:
    """Record a referral: it opens a new case in the practitioner's team, state `referred`."""
    require_staff(by)
    _not_in_future("received_on", received_on)
    if received_on < child.date_of_birth:
        raise InvalidParams(
            {"received_on": ["The referral date must be after the date of birth."]}
        )
    if Case.objects.filter(child=child, status__in=OPEN_CASE_STATES).exists():
        raise InvalidParams({"child": [f"{child.full_name} already has an open case."]})
    try:
        with transaction.atomic():
            case = Case.objects.create(
                child=child, team=_team_of(by), lead_professional=by, opened_on=received_on
            )
    except IntegrityError:
        # Two referrals for the same child at once: the constraint lets one through.
        raise InvalidParams({"child": [f"{child.full_name} already has an open case."]}) from None
    referral = Referral.objects.create(
        case=case,
        received_on=received_on,
        source=source,
        reason=reason,
        consent_to_share=consent_to_share,
        consent_given_by=consent_given_by,
        consent_recorded_on=consent_recorded_on or (received_on if consent_to_share else None),
        recorded_by=by,
    )
    record_created(
        case, by=by, on=received_on, note=f"Referral from {referral.get_source_display()}"
    )
    return referral


@transaction.atomic
def referral_with_new_child(
    *,
    by: User,
    child: NewChild,
    family: NewFamilyMember | None = None,
    **referral: Unpack[ReferralDetails],
) -> Referral:
    """A referral for a child not yet known to the service, with the parent or carer it names:
    all the records, or none."""
    created = child_create(by=by, **child)
    received = referral_receive(by=by, child=created, **referral)
    if family is not None:
        family_member_add(by=by, child=created, **family)
    return received


# A reason that is only spaces or invisible characters says nothing.
ZERO_WIDTH_AND_SPACE = " \t\r\n\u200b\u200c\u200d\u2060\ufeff"
REASON_MAX_LENGTH = 5_000


@transaction.atomic
def case_override_consent(*, by: User, case: Case, reason: str) -> Case:
    """A manager lets a referral be accepted without consent to share, with the reason why."""
    if not by.has_role(Role.TEAM_MANAGER):
        raise NotPermitted("Only a team manager can override consent.")
    if not reason.strip(ZERO_WIDTH_AND_SPACE):
        raise InvalidParams({"reason": ["Enter the reason."]})
    if len(reason) > REASON_MAX_LENGTH:
        raise InvalidParams({"reason": ["The reason must be 5,000 characters or fewer."]})
    locked = Case.objects.select_for_update().get(pk=case.pk)
    if locked.status != CaseStatus.REFERRED:
        raise TransitionNotAllowed("Consent can only be overridden while the case is referred.")
    if locked.consent_override_reason:
        raise TransitionNotAllowed("Consent to share has already been overridden.")
    if Referral.objects.filter(case_id=locked.pk, consent_to_share=True).exists():
        raise TransitionNotAllowed("Consent to share is already recorded: nothing to override.")
    locked.consent_override_reason = reason.strip()
    locked.save(update_fields=["consent_override_reason"])
    audit(
        locked, "override_consent", by=by, note=locked.consent_override_reason, case_id=locked.pk
    )
    return locked


@transaction.atomic
def assessment_start(*, by: User, case: Case, started_on: dt.date) -> Assessment:
    require_staff(by)
    _not_in_future("started_on", started_on)
    if case.status != CaseStatus.ASSESSING:
        raise TransitionNotAllowed(
            "An assessment can be started only while the case is being assessed."
        )
    return Assessment.objects.create(case=case, started_on=started_on)


@transaction.atomic
def assessment_record(
    *,
    by: User,
    assessment: Assessment,
    completed_on: dt.date | None,
    outcome: str,
    summary_of_needs: str,
) -> Assessment:
    require_staff(by)
    _not_in_future("completed_on", completed_on)
    if completed_on is not None and completed_on < assessment.started_on:
        raise InvalidParams({"completed_on": ["The assessment cannot end before it started."]})
    if completed_on is not None and not outcome:
        raise InvalidParams({"outcome": ["Choose the outcome of the assessment."]})
    assessment.completed_on = completed_on
    assessment.outcome = outcome
    assessment.summary_of_needs = summary_of_needs
    assessment.save()
    return assessment


@transaction.atomic
def assessment_save(
    *,
    by: User,
    case: Case,
    started_on: dt.date,
    completed_on: dt.date | None = None,
    outcome: str = "",
    summary_of_needs: str = "",
) -> Assessment:
    """Start the case's assessment, or update the one under way."""
    assessment = case.assessments.filter(completed_on__isnull=True).order_by("-pk").first()
    if assessment is None:
        assessment = assessment_start(by=by, case=case, started_on=started_on)
    else:
        assessment.started_on = started_on
    return assessment_record(
        by=by,
        assessment=assessment,
        completed_on=completed_on,
        outcome=outcome,
        summary_of_needs=summary_of_needs,
    )


@transaction.atomic
def plan_request(*, by: User, child: Child, requested_on: dt.date, requested_by: str) -> EHCPlan:
    """Record a request for an EHC needs assessment: it starts the 6- and 20-week clocks."""
    require_staff(by)
    _not_in_future("requested_on", requested_on)
    if EHCPlan.objects.filter(child=child).exclude(status__in=CLOSED_PLAN_STATES).exists():
        raise InvalidParams({"child": [f"{child.full_name} already has an EHC plan or request."]})
    plan = EHCPlan.objects.create(
        child=child,
        case=child.cases.filter(status__in=OPEN_CASE_STATES).first(),
        requested_on=requested_on,
        requested_by=requested_by,
        case_officer=by,
    )
    record_created(plan, by=by, on=requested_on, note="Request for an EHC needs assessment")
    return plan


@transaction.atomic
def plan_update(*, by: User, plan: EHCPlan, **fields: Unpack[PlanChanges]) -> EHCPlan:
    """Edit the plan's sections, placement and phase transfer while the plan is open."""
    require_staff(by)
    unknown = set(fields) - set(PLAN_EDITABLE_FIELDS)
    if unknown:
        raise InvalidParams({name: ["This field cannot be changed here."] for name in unknown})
    locked = EHCPlan.objects.select_for_update().get(pk=plan.pk)
    if not locked.is_open:
        raise TransitionNotAllowed(
            f"The plan is {locked.get_status_display().lower()}: it can no longer be edited."
        )
    moved = (
        "phase_transfer_on" in fields and fields["phase_transfer_on"] != locked.phase_transfer_on
    )
    if moved and "phase_transfer_setting" not in fields:
        # The setting named was for the transfer on the old date.
        fields["phase_transfer_setting"] = ""
    for name, value in fields.items():
        setattr(locked, name, value)
    locked.save(update_fields=list(fields) or None)
    phase_transfer_sync(locked, on=clock.today())
    return locked


@transaction.atomic
def review_create(
    *,
    by: User,
    plan: EHCPlan | None = None,
    case: Case | None = None,
    due_on: dt.date | None = None,
    meeting_on: dt.date | None = None,
    notes: str = "",
) -> Review:
    """Schedule a review of a plan or a case; with a meeting date, the review begins then."""
    require_staff(by)
    if (plan is None) == (case is None):
        raise InvalidParams({"plan": ["Choose either a plan or a case to review."]})
    _not_in_future("meeting_on", meeting_on)
    subject = plan or case
    if subject is not None and subject.reviews.current().exists():
        raise InvalidParams({"plan" if plan else "case": ["A review is already under way."]})
    review = Review.objects.create(plan=plan, case=case, due_on=due_on, notes=notes)
    record_created(review, by=by)
    if meeting_on is not None:
        review = _hold_meeting(review, by=by, meeting_on=meeting_on)
    return review


def _hold_meeting(review: Review, *, by: User, meeting_on: dt.date) -> Review:
    """The meeting has been held: the plan or case moves into review, effective that day."""
    review = transition(review, "hold_meeting", by=by, meeting_on=meeting_on)
    if review.plan is not None and review.plan.status == PlanStatus.FINAL:
        transition(review.plan, "start_review", by=by, on=meeting_on)
    if review.case is not None and review.case.status == CaseStatus.ACTIVE:
        transition(review.case, "begin_review", by=by, on=meeting_on)
    return review


# Set only by the review's machine: its state, and the day of the decision (`review_decide`).
REVIEW_MACHINE_FIELDS = {"status", "decision_on"}


@transaction.atomic
def review_update(*, by: User, review: Review, **fields: Unpack[ReviewChanges]) -> Review:
    """Record the meeting, the report sent, the recommended outcome or notes of a review."""
    require_staff(by)
    owned = REVIEW_MACHINE_FIELDS & set(fields)
    if owned:
        raise InvalidParams({name: ["This field cannot be changed here."] for name in owned})
    # Read again under the lock, and write only the fields given: a decision taken on the plan
    # meanwhile is neither missed nor overwritten.
    locked = Review.objects.select_for_update().get(pk=review.pk)
    if locked.status == ReviewStatus.DECIDED:
        raise TransitionNotAllowed("A decision has been made on this review: it is closed.")
    report_sent_on = fields.get("report_sent_on")
    _not_in_future("meeting_on", fields.get("meeting_on"))
    _not_in_future("report_sent_on", report_sent_on)
    if report_sent_on and locked.meeting_on and report_sent_on < locked.meeting_on:
        raise InvalidParams({"report_sent_on": ["The report cannot be sent before the meeting."]})
    changes_meeting = "meeting_on" in fields
    meeting_on = fields.pop("meeting_on", None)
    held = locked.status == ReviewStatus.HELD
    corrected_from = locked.meeting_on if changes_meeting and held else None
    if changes_meeting and held and meeting_on is not None:
        fields["meeting_on"] = meeting_on  # a corrected date: the review stays held
    for name, value in fields.items():
        setattr(locked, name, value)
    locked.save(update_fields=list(fields) or None)
    if changes_meeting and not held and meeting_on is not None:
        locked = _hold_meeting(locked, by=by, meeting_on=meeting_on)
    if corrected_from and meeting_on and locked.plan is not None:
        # What the meeting opened counts from the day it was really held (s44(1), reg 20).
        deadlines_redate(locked.plan, REVIEW_OPENS, was=corrected_from, on=meeting_on, by=by)
    if changes_meeting and held and meeting_on is None:
        locked = transition(locked, "clear_meeting", by=by)
    if report_sent_on and locked.plan is not None:
        deadlines_close(locked.plan, (due.REVIEW_REPORT,), on=report_sent_on, by="report_sent")
    return locked


@transaction.atomic
def review_decide(*, by: User, review: Review, outcome: str, decision_on: dt.date) -> Review:
    """Decide a review: the one writer of the outcome decided and of the day of the decision.

    The plan's maintain, amend and cease and the case's complete_review reach it as their
    effect (`ReviewDecidedBy`), in their own transaction; the review is then closed.
    """
    _not_in_future("decision_on", decision_on)
    return transition(review, "decide", by=by, outcome=outcome, decision_on=decision_on)


@dataclass(frozen=True)
class ReviewDecidedBy:
    """The effect of a step on a plan or a case that decides its current review, on the step's
    effective date: with `outcome`, or with the outcome recorded at the meeting when None."""

    outcome: ReviewOutcome | None = None

    def __call__(self, subject: EHCPlan | Case, *, by: User, on: dt.date) -> None:
        for review in subject.reviews.current():
            review_decide(
                by=by,
                review=review,
                outcome=review.outcome if self.outcome is None else self.outcome,
                decision_on=on,
            )
