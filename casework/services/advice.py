"""Advice requests (reg 6, 8), transfers between councils (reg 15) and re-assessments (regs 25,
27): the only writers of those records. Each is atomic; every change of state goes through
`workflows.transition`, every deadline through `workflows.deadlines`."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction

from accounts.models import User, normalise_email
from accounts.roles import STAFF_ROLES, Role
from casework import selectors
from casework.deadlines import ANNUAL_REVIEW
from casework.deadlines import advice as due
from casework.models import DocumentKind, EHCPlan, PlanStatus
from casework.models.advice import (
    AdviceKind,
    AdviceRequest,
    Reassessment,
    ReassessmentStatus,
    Transfer,
    TransferDirection,
)
from casework.services.documents import document_add, document_checked
from workflows import clock
from workflows.acting import require_staff
from workflows.deadlines import deadline_reschedule, deadlines_not_required
from workflows.errors import InvalidParams, NotPermitted, TransitionNotAllowed
from workflows.models import Deadline, DeadlineStatus
from workflows.registry import DeadlineKind
from workflows.services import record_created, transition


def _require_manager(by: User) -> None:
    if not by.has_role(Role.TEAM_MANAGER):
        raise NotPermitted("Only a team manager can do this.")


def _dated(field: str, day: dt.date, *, not_before: dt.date | None, what: str) -> None:
    """A fact's date: not in the future, and not before the fact it follows."""
    if day > clock.today():
        raise InvalidParams({field: ["The date cannot be in the future."]})
    if not_before is not None and day < not_before:
        raise InvalidParams(
            {field: [f"The date cannot be before {what}, {not_before:%-d %B %Y}."]}
        )


def _locked_plan(plan: EHCPlan) -> EHCPlan:
    return EHCPlan.objects.select_for_update().get(pk=plan.pk)


def reassessment_under_way(plan: EHCPlan) -> bool:
    return Reassessment.objects.filter(plan=plan, status=ReassessmentStatus.REASSESSING).exists()


def _require_final(plan: EHCPlan, what: str) -> None:
    if plan.status != PlanStatus.FINAL:
        raise TransitionNotAllowed(
            f"{what} needs a final plan; this plan is {plan.get_status_display().lower()}."
        )


@transaction.atomic
def advice_request(
    *,
    by: User,
    plan: EHCPlan,
    kind: str,
    requested_on: dt.date,
    adviser: User | None = None,
    adviser_email: str = "",
) -> AdviceRequest:
    """Ask for advice for the plan's needs assessment (reg 6(1)): it starts its 6 weeks
    (reg 8(1)). Only while the plan is being assessed or re-assessed."""
    require_staff(by)
    locked = _locked_plan(plan)
    if locked.status != PlanStatus.ASSESSING and not reassessment_under_way(locked):
        raise TransitionNotAllowed(
            "Advice is asked for during a needs assessment or a re-assessment; this plan is "
            f"{locked.get_status_display().lower()}."
        )
    if kind not in AdviceKind.values:
        raise InvalidParams({"kind": ["Choose whose advice this is."]})
    _dated("requested_on", requested_on, not_before=locked.requested_on, what="the request")
    email = normalise_email(adviser_email)
    if adviser is None and not email:
        raise InvalidParams(
            {"adviser_email": ["Enter the adviser's e-mail address, or choose the adviser."]}
        )
    if adviser is not None:
        in_team = adviser.is_active and adviser.teams.filter(pk=locked.child.team_id).exists()
        staff_adviser = in_team and any(adviser.has_role(role) for role in STAFF_ROLES)
        # A professional from another agency answers in Pathway (DESIGN §3); reg 6(1) names
        # the bodies asked, not their membership of the child's team, so any may be asked.
        outside_adviser = adviser.is_active and adviser.has_role(Role.PROFESSIONAL)
        if not (staff_adviser or outside_adviser):
            raise InvalidParams(
                {"adviser": ["Choose a member of the child's team or a professional."]}
            )
        email = email or adviser.email
    request = AdviceRequest.objects.create(
        plan=locked,
        kind=kind,
        adviser=adviser,
        adviser_email=email,
        requested_on=requested_on,
        recorded_by=by,
    )
    record_created(request, by=by, on=requested_on, note=f"Advice requested from {email}")
    return request


@transaction.atomic
def advice_submit(
    *,
    by: User,
    request: AdviceRequest,
    advice: str,
    received_on: dt.date | None = None,
    late_reason: str = "",
    documents: Sequence[UploadedFile] = (),
) -> AdviceRequest:
    """The advice has come: it closes the request's `advice` deadline, met on or before its due
    day and missed after it (reg 8(1): within 6 weeks of the request). Staff record advice that
    came by other means on the day it came; the adviser answering in Pathway gives it today, so
    an adviser cannot date their own advice back inside the 6 weeks. Documents sent with it are
    kept on the child's record, seen by staff and the team around the child."""
    today = clock.today()
    if received_on is None:
        received_on = today
    if not advice.strip():
        raise InvalidParams({"advice": ["Enter the advice."]})
    _dated("received_on", received_on, not_before=request.requested_on, what="it was asked for")
    if not selectors.is_staff_member(by) and received_on != today:
        raise InvalidParams(
            {"received_on": ["Advice given in Pathway is received on the day it is sent."]}
        )
    late_reason = late_reason.strip()
    if late_reason and received_on <= request.due_on:
        raise InvalidParams({"late_reason": ["The advice is on time: leave this empty."]})
    for upload in documents:
        document_checked(upload, field="documents")
    updated = transition(
        request, "submit", by=by, on=received_on, advice=advice, late_reason=late_reason
    )
    child = updated.plan.child
    for upload in documents:
        document_add(
            by=by, child=child, upload=upload, kind=DocumentKind.ADVICE, advice_request=updated
        )
    return updated


@transaction.atomic
def transfer_record(
    *,
    by: User,
    plan: EHCPlan,
    direction: str,
    other_council: str,
    moved_on: dt.date,
    notice_received_on: dt.date,
) -> Transfer:
    """A plan moving between councils with the family (reg 15). Transferred in, the next review
    is due by the later of its own date and 3 months after the transfer (reg 15(5))."""
    _require_manager(by)
    locked = _locked_plan(plan)
    _require_final(locked, "A transfer")
    if direction not in TransferDirection.values:
        raise InvalidParams({"direction": ["Choose in or out."]})
    if not other_council.strip():
        raise InvalidParams({"other_council": ["Enter the other council."]})
    _dated("notice_received_on", notice_received_on, not_before=None, what="")
    transfer = Transfer.objects.create(
        plan=locked,
        direction=direction,
        other_council=other_council.strip(),
        moved_on=moved_on,
        notice_received_on=notice_received_on,
        recorded_by=by,
    )
    record_created(transfer, by=by, on=notice_received_on, note=f"With {transfer.other_council}")
    if direction == TransferDirection.IN:
        _review_no_sooner_than(locked, due.review_after_transfer_in(transfer), by=by)
    return transfer


def _review_no_sooner_than(plan: EHCPlan, day: dt.date, *, by: User) -> None:
    for deadline in Deadline.objects.for_subject(plan).of_kind(ANNUAL_REVIEW).running():
        if deadline.status == DeadlineStatus.OPEN and deadline.due_on < day:
            deadline_reschedule(
                deadline,
                due_on=day,
                by=by,
                reason="Transferred in: reviewed by 3 months after the transfer (reg 15(5)).",
            )


def _transfer_step(by: User, transfer: Transfer, name: str, field: str, on: dt.date) -> Transfer:
    require_staff(by)
    _dated(field, on, not_before=transfer.notice_received_on, what="the notice of the move")
    return transition(transfer, name, by=by, on=on)


@transaction.atomic
def transfer_notice_give(*, by: User, transfer: Transfer, given_on: dt.date) -> Transfer:
    """The family has been told of the transferred plan (reg 15(4))."""
    return _transfer_step(by, transfer, "give_notice", "given_on", given_on)


@transaction.atomic
def transfer_send(*, by: User, transfer: Transfer, sent_on: dt.date) -> Transfer:
    """The plan and its advice have gone to the new council (reg 15(2))."""
    return _transfer_step(by, transfer, "send", "sent_on", sent_on)


@transaction.atomic
def reassessment_request(*, by: User, plan: EHCPlan, requested_on: dt.date) -> Reassessment:
    """A request to re-assess a final plan: the decision is due within 15 days (reg 25(1))."""
    _require_manager(by)
    locked = _locked_plan(plan)
    _require_final(locked, "A re-assessment")
    _dated("requested_on", requested_on, not_before=locked.requested_on, what="the plan's request")
    if Reassessment.objects.filter(
        plan=locked, status__in=[ReassessmentStatus.REQUESTED, ReassessmentStatus.REASSESSING]
    ).exists():
        raise TransitionNotAllowed("A re-assessment of this plan is already under way.")
    reassessment = Reassessment.objects.create(
        plan=locked, requested_on=requested_on, recorded_by=by
    )
    record_created(reassessment, by=by, on=requested_on, note="Request to re-assess")
    return reassessment


DECISIONS = {"reassess": "reassess", "refuse": "refuse"}


@transaction.atomic
def reassessment_decide(
    *, by: User, reassessment: Reassessment, decision: str, decided_on: dt.date, reason: str = ""
) -> Reassessment:
    """Re-assess (the finalised plan then due in 14 weeks, reg 27(2)) or refuse, with reasons."""
    _require_manager(by)
    if decision not in DECISIONS:
        raise InvalidParams({"decision": ["Choose reassess or refuse."]})
    if decision == "refuse" and not reason.strip():
        raise InvalidParams({"reason": ["Enter the reason for refusing."]})
    _dated("decided_on", decided_on, not_before=reassessment.requested_on, what="the request")
    return transition(reassessment, DECISIONS[decision], by=by, on=decided_on, reason=reason)


@transaction.atomic
def reassessment_complete(
    *, by: User, reassessment: Reassessment, issued_on: dt.date
) -> Reassessment:
    """The finalised plan after the re-assessment has been sent (reg 27(2))."""
    _require_manager(by)
    _dated("issued_on", issued_on, not_before=reassessment.decided_on, what="the decision")
    return transition(reassessment, "complete", by=by, on=issued_on)


@dataclass(frozen=True)
class PlanRecordsMoot:
    """The effect of a plan step that ends the process these records' deadlines timed: advice
    outstanding when the council decides not to issue a plan, a transfer or re-assessment of a
    plan that is ceased. Their running deadlines of `kinds` become not required (never a missed
    one: `deadlines_not_required` leaves a statutory miss as it is)."""

    step: str
    kinds: tuple[DeadlineKind, ...]

    def __call__(self, plan: EHCPlan, *, by: User, on: dt.date) -> None:
        for model in (AdviceRequest, Transfer, Reassessment):
            for record in model.objects.filter(plan=plan):
                deadlines_not_required(record, self.kinds, on=on, by=self.step)
