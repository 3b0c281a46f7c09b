"""Casework use cases: the only writers of casework records. Each is atomic."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from contextlib import nullcontext
from typing import Any

from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from accounts.models import Team, User
from accounts.roles import STAFF_ROLES, Role
from casework import deadlines as due
from casework.models import (
    CLOSED_PLAN_STATES,
    OPEN_CASE_STATES,
    SECTIONS,
    AccessLog,
    Assessment,
    Case,
    CaseStatus,
    Child,
    EHCPlan,
    FamilyMember,
    PlanStatus,
    Referral,
    Review,
)
from workflows import clock
from workflows.errors import InvalidParams, NotPermitted, TransitionNotAllowed
from workflows.services import audit, deadlines_close, record_created, transition

SECTION_FIELDS = [name for name, _, _ in SECTIONS]
PLAN_EDITABLE_FIELDS = [*SECTION_FIELDS, "placement_name", "phase_transfer_on", "phase_transfer"]


def _require_staff(by: User) -> None:
    if not any(by.has_role(role) for role in STAFF_ROLES):
        raise NotPermitted("Only a practitioner or a team manager can do this.")


def _team_of(by: User) -> Team:
    team = by.teams.order_by("pk").first()
    if team is None:
        raise NotPermitted("You are not a member of a team, so you cannot hold cases.")
    return team


def _not_in_future(field: str, day: dt.date | None) -> None:
    if day is not None and day > clock.today():
        raise InvalidParams({field: ["The date cannot be in the future."]})


def child_create(*, by: User, **fields: Any) -> Child:
    _require_staff(by)
    date_of_birth = fields["date_of_birth"]
    _not_in_future("date_of_birth", date_of_birth)
    if Child(date_of_birth=date_of_birth).age_on(clock.today()) > 25:
        raise InvalidParams(
            {"date_of_birth": ["Pathway supports children and young people aged 0 to 25."]}
        )
    return Child.objects.create(team=_team_of(by), **fields)


def family_member_add(*, by: User, child: Child, **fields: Any) -> FamilyMember:
    _require_staff(by)
    return FamilyMember.objects.create(child=child, **fields)


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
    _require_staff(by)
    _not_in_future("received_on", received_on)
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
def referral_with_new_child(*, by: User, child: dict[str, Any], **referral: Any) -> Referral:
    """A referral for a child not yet known to the service: both records, or neither."""
    return referral_receive(by=by, child=child_create(by=by, **child), **referral)


@transaction.atomic
def case_override_consent(*, by: User, case: Case, reason: str) -> Case:
    """A manager lets a referral be accepted without consent to share, with the reason why."""
    if not by.has_role(Role.TEAM_MANAGER):
        raise NotPermitted("Only a team manager can override consent.")
    if not reason.strip():
        raise InvalidParams({"reason": ["Enter the reason."]})
    locked = Case.objects.select_for_update().get(pk=case.pk)
    if locked.status != CaseStatus.REFERRED:
        raise TransitionNotAllowed("Consent can only be overridden while the case is referred.")
    locked.consent_override_reason = reason
    locked.save(update_fields=["consent_override_reason"])
    audit(locked, "override_consent", by=by, note=reason, case_id=locked.pk)
    return locked


@transaction.atomic
def assessment_start(*, by: User, case: Case, started_on: dt.date) -> Assessment:
    _require_staff(by)
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
    _require_staff(by)
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
    _require_staff(by)
    _not_in_future("requested_on", requested_on)
    if EHCPlan.objects.filter(child=child).exclude(status__in=CLOSED_PLAN_STATES).exists():
        raise InvalidParams({"child": [f"{child.full_name} already has an EHC plan or request."]})
    plan = EHCPlan.objects.create(
        child=child,
        case=child.cases.filter(status__in=OPEN_CASE_STATES).first(),
        requested_on=requested_on,
        requested_by=requested_by,
    )
    record_created(plan, by=by, on=requested_on, note="Request for an EHC needs assessment")
    return plan


@transaction.atomic
def plan_update(*, by: User, plan: EHCPlan, **fields: Any) -> EHCPlan:
    """Edit the plan's sections, placement and phase transfer while the plan is open."""
    _require_staff(by)
    unknown = set(fields) - set(PLAN_EDITABLE_FIELDS)
    if unknown:
        raise InvalidParams({name: ["This field cannot be changed here."] for name in unknown})
    locked = EHCPlan.objects.select_for_update().get(pk=plan.pk)
    if not locked.is_open:
        raise TransitionNotAllowed(
            f"The plan is {locked.get_status_display().lower()}: it can no longer be edited."
        )
    for name, value in fields.items():
        setattr(locked, name, value)
    locked.save(update_fields=list(fields) or None)
    return locked


@transaction.atomic
def plan_comment(*, by: User, plan: EHCPlan, comments: str) -> EHCPlan:
    """The family's comments on the draft plan, within its 15 days."""
    if not by.has_role(Role.FAMILY):
        raise NotPermitted("Only the child's family can comment on the draft plan.")
    if not comments.strip():
        raise InvalidParams({"comments": ["Enter your comments."]})
    locked = EHCPlan.objects.select_for_update().get(pk=plan.pk)
    today = clock.today()
    if locked.status != PlanStatus.DRAFT or locked.draft_issued_on is None:
        raise TransitionNotAllowed("You can comment only while the plan is a draft.")
    if today > due.family_comments(locked, locked.draft_issued_on):
        raise TransitionNotAllowed("The 15 days to comment on this draft have ended.")
    locked.family_comments = comments
    locked.family_comments_received_on = today
    locked.save(update_fields=["family_comments", "family_comments_received_on"])
    deadlines_close(locked, (due.FAMILY_COMMENTS,), on=today, by="family_comments")
    audit(locked, "family_comments", by=by, note=comments, case_id=locked.case_id)
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
    _require_staff(by)
    if (plan is None) == (case is None):
        raise InvalidParams({"plan": ["Choose either a plan or a case to review."]})
    _not_in_future("meeting_on", meeting_on)
    subject = plan or case
    if subject is not None and subject.reviews.filter(decision_on__isnull=True).exists():
        raise InvalidParams({"plan" if plan else "case": ["A review is already under way."]})
    review = Review.objects.create(
        plan=plan, case=case, due_on=due_on, meeting_on=meeting_on, notes=notes
    )
    if meeting_on is not None:
        _begin_review(review, by=by)
    return review


def _begin_review(review: Review, *, by: User) -> None:
    """The meeting has been held: the plan or case moves into review, effective that day."""
    if review.plan is not None and review.plan.status == PlanStatus.FINAL:
        transition(review.plan, "start_review", by=by, on=review.meeting_on)
    if review.case is not None and review.case.status == CaseStatus.ACTIVE:
        transition(review.case, "begin_review", by=by, on=review.meeting_on)


@transaction.atomic
def review_update(*, by: User, review: Review, **fields: Any) -> Review:
    """Record the meeting, the report sent, the outcome or notes of a review."""
    _require_staff(by)
    if review.decision_on is not None:
        raise TransitionNotAllowed("A decision has been made on this review: it is closed.")
    for name in ("meeting_on", "report_sent_on"):
        _not_in_future(name, fields.get(name))
    if (
        fields.get("report_sent_on")
        and review.meeting_on
        and fields["report_sent_on"] < review.meeting_on
    ):
        raise InvalidParams({"report_sent_on": ["The report cannot be sent before the meeting."]})
    meeting_newly_held = review.meeting_on is None and fields.get("meeting_on") is not None
    for name, value in fields.items():
        setattr(review, name, value)
    review.save()
    if meeting_newly_held:
        _begin_review(review, by=by)
    if fields.get("report_sent_on") and review.plan is not None:
        deadlines_close(
            review.plan, (due.REVIEW_REPORT,), on=fields["report_sent_on"], by="report_sent"
        )
    return review


# Rows per INSERT: a page is one; an export of a whole return is a few, well inside every
# database's limit on parameters.
ACCESS_LOG_BATCH = 1000
# One read for the access log: (the child's id, the record's type, the record's id).
Read = tuple[int, str, int]


def reads_are_logged(by: User) -> bool:
    """Staff reads are logged (DESIGN §9), and an administrator's exports; a family reading its
    own child's records, or a provider its own bookings, is not."""
    return bool(by.is_superuser) or any(by.has_role(role) for role in STAFF_ROLES)


def access_record(*, by: User, child_id: int, record: Any, via: str) -> None:
    """Log a staff member's read of a child-level record (families' own reads are not logged)."""
    access_record_many(
        by=by, reads=[(child_id, type(record)._meta.model_name, record.pk)], via=via
    )


def access_record_many(*, by: User, reads: Iterable[Read], via: str) -> int:
    """Log every child-level record one response shows a staff member, in one INSERT however
    many there are (a list page, a nested resource, an export); the number of rows written."""
    if not reads_are_logged(by):
        return 0
    unique = list(dict.fromkeys(read for read in reads if read[0] is not None))
    if not unique:
        return 0
    # Written as one multi-row INSERT by hand: the most read list (a caseload page) logs 50 rows
    # on every request, and building and compiling 50 model instances cost more than the page's
    # own query (DESIGN §12). The values are the model's own: see AccessLog.
    at = connection.ops.adapt_datetimefield_value(timezone.now())
    table = connection.ops.quote_name(AccessLog._meta.db_table)
    column = {field.name: field.column for field in AccessLog._meta.concrete_fields}
    columns = ", ".join(
        connection.ops.quote_name(column[name])
        for name in ("user", "child", "record_type", "record_id", "at", "via")
    )
    batches = [
        unique[start : start + ACCESS_LOG_BATCH]
        for start in range(0, len(unique), ACCESS_LOG_BATCH)
    ]
    # One statement is atomic by itself; a savepoint around it would cost two more round trips.
    together = transaction.atomic() if len(batches) > 1 else nullcontext()
    with together, connection.cursor() as cursor:
        for batch in batches:
            rows = ", ".join(["(%s, %s, %s, %s, %s, %s)"] * len(batch))
            cursor.execute(
                f"INSERT INTO {table} ({columns}) VALUES {rows}",  # noqa: S608 - names are the model's
                [
                    value
                    for child_id, kind, record_id in batch
                    for value in (by.pk, child_id, kind, record_id, at, via)
                ],
            )
    return len(unique)
