"""Requests for an EHC needs assessment made online (SEND Regulations 2014 reg 3): the only
writer of `EHCRequest`. Accepting one records the plan's request dated the day the request
arrived, so the 6-week decision (reg 5(1)) and the 20-week final plan (reg 13(2)) run from it."""

from __future__ import annotations

import datetime as dt
import logging
import secrets

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone

from accounts.models import Agency, User, normalise_email
from accounts.roles import Role
from casework import selectors
from casework.models import (
    CLOSED_PLAN_STATES,
    Child,
    Document,
    DocumentKind,
    DocumentVisibility,
    EHCPlan,
    EHCRequest,
    EHCRequestFile,
    PrimaryNeed,
    Relationship,
    RequestedBy,
)
from casework.services import child_create, plan_request
from casework.services.documents import _title_of, document_checked
from casework.services.owners import plan_change_case_officer
from casework.services.people import _not_in_future
from workflows import clock
from workflows.acting import require_staff
from workflows.channels import email_channel
from workflows.errors import InvalidParams, NotPermitted, TransitionNotAllowed, WorkflowError
from workflows.outbox import notify_one
from workflows.services import audit

logger = logging.getLogger(__name__)

DECISION_WEEKS = 6
REQUESTED_BY = {
    Relationship.PARENT: RequestedBy.PARENT,
    Relationship.YOUNG_PERSON: RequestedBy.YOUNG_PERSON,
    Relationship.SCHOOL: RequestedBy.SCHOOL,
    Relationship.OTHER: RequestedBy.OTHER,
}


class RequestLimitReached(WorkflowError):
    """Too many requests from one address today: the API answers 429, the page says so."""

    code = "throttled"


def decision_due_on(received_on: dt.date) -> dt.date:
    """The day the family must be told whether the council will assess (reg 5(1))."""
    return received_on + dt.timedelta(weeks=DECISION_WEEKS)


def _check_date_of_birth(date_of_birth: dt.date) -> None:
    _not_in_future("date_of_birth", date_of_birth)
    if Child(date_of_birth=date_of_birth).age_on(clock.today()) > 25:
        raise InvalidParams(
            {"date_of_birth": ["An assessment can be requested for somebody aged 0 to 25."]}
        )


def _check_limit(email: str, on: dt.date) -> None:
    # Counted in the database, so the limit holds however many processes serve the form.
    limit: int = settings.PATHWAY_EHC_REQUESTS_PER_DAY
    if EHCRequest.objects.filter(requester_email=email, received_on=on).count() >= limit:
        raise RequestLimitReached(
            f"We have received {limit} requests from {email} today, the most we accept from "
            "one address in a day. Try again tomorrow, or phone the SEND team."
        )


def _check_no_open_request(child: Child) -> None:
    if EHCRequest.objects.filter(child=child, plan__isnull=True).exists():
        raise InvalidParams({"child": [f"A request for {child.full_name} is already waiting."]})
    if EHCPlan.objects.filter(child=child).exclude(status__in=CLOSED_PLAN_STATES).exists():
        raise InvalidParams({"child": [f"{child.full_name} already has an EHC plan or request."]})


def _keep_files(request: EHCRequest, uploads: list[UploadedFile]) -> None:
    checked = [(upload, document_checked(upload, field="files")) for upload in uploads]
    for upload, content_type in checked:
        kept = EHCRequestFile(
            request=request,
            title=_title_of(upload),
            token=secrets.token_hex(16),
            content_type=content_type,
            size=upload.size or 0,
        )
        kept.file.save(kept.token, upload, save=False)
        kept.save()


def _confirmation(request: EHCRequest) -> tuple[str, str]:
    service: str = settings.PATHWAY_SERVICE_NAME
    subject = f"{service}: we received your request for an EHC needs assessment"
    body = (
        f"We received your request for an education, health and care needs assessment for "
        f"{request.child_name} on {request.received_on:%-d %B %Y}.\n\n"
        f"We will tell you by {decision_due_on(request.received_on):%-d %B %Y} whether we will "
        "carry out an assessment. Your reference is "
        f"R{request.pk}."
    )
    return subject, body


def _send_to_address(email: str, subject: str, body: str) -> None:
    # The outbox delivers to users; somebody with no account has only an address, so this goes
    # straight to the configured channel (Django's e-mail backend, or GOV.UK Notify). The request
    # is kept whether or not the e-mail leaves: the confirmation page already gave its dates.
    try:
        email_channel().send(to=email, subject=subject, body=body)
    except Exception:
        logger.exception("The confirmation of an EHC request could not be sent.")


def _confirm(request: EHCRequest) -> None:
    subject, body = _confirmation(request)
    if request.made_by is not None:
        notify_one(recipient=request.made_by, kind="ehc_request", subject=subject, body=body)
        return
    email = request.requester_email
    transaction.on_commit(lambda: _send_to_address(email, subject, body))


@transaction.atomic
def ehc_request_receive(
    *,
    child_name: str,
    date_of_birth: dt.date,
    requester_name: str,
    requester_email: str,
    relationship: str,
    reasons: str,
    uploads: list[UploadedFile] | None = None,
) -> EHCRequest:
    """A request from somebody with no account, dated the day it arrived."""
    today = clock.today()
    email = normalise_email(requester_email)
    _check_date_of_birth(date_of_birth)
    if relationship not in Relationship.values:
        raise InvalidParams({"relationship": ["Choose how you know the child or young person."]})
    _check_limit(email, today)
    request = EHCRequest.objects.create(
        child_name=child_name.strip(),
        date_of_birth=date_of_birth,
        requester_name=requester_name.strip(),
        requester_email=email,
        relationship=relationship,
        reasons=reasons,
        received_on=today,
    )
    _keep_files(request, uploads or [])
    _confirm(request)
    return request


def require_may_request(by: User) -> Relationship:
    """How a signed-in requester stands to the child: the family, or a school or college."""
    if by.has_role(Role.FAMILY) and not selectors.is_staff_member(by):
        return Relationship.PARENT
    professional = selectors.professional_of(by)
    if professional is None or professional.organisation.agency != Agency.EDUCATION:
        raise NotPermitted(
            "Only the family, a school or college, or somebody without an account can request "
            "an assessment here. Council staff record requests on the child's plan."
        )
    return Relationship.SCHOOL


@transaction.atomic
def ehc_request_for_child(
    *, by: User, child: Child, reasons: str, uploads: list[UploadedFile] | None = None
) -> EHCRequest:
    """A request by the child's family, or by a school or college that may see the child."""
    relationship = require_may_request(by)
    if relationship == Relationship.PARENT:
        if not selectors.children_visible_to(by).filter(pk=child.pk).exists():
            raise InvalidParams({"child": ["Choose one of your children."]})
    elif not selectors.children_readable_by(by).filter(pk=child.pk).exists():
        raise InvalidParams({"child": ["Choose a child you work with."]})
    today = clock.today()
    _check_limit(by.email, today)
    _check_no_open_request(child)
    request = EHCRequest.objects.create(
        child=child,
        child_name=child.full_name,
        date_of_birth=child.date_of_birth,
        requester_name=by.full_name or by.email,
        requester_email=by.email,
        relationship=relationship,
        reasons=reasons,
        received_on=today,
        made_by=by,
    )
    _keep_files(request, uploads or [])
    _confirm(request)
    return request


def _new_child(by: User, request: EHCRequest) -> Child:
    # The form asks for one name; the last word is taken as the family name, as on most forms,
    # and staff correct it on the child's record if it is wrong. The primary need is unknown
    # until the assessment, so "other" stands until then. The queue has shown staff the
    # children like this one (`possible_matches`): choosing to add a new child confirms it is
    # a different child.
    given, _, family = request.child_name.rpartition(" ")
    return child_create(
        by=by,
        given_name=(given or family)[:100],
        family_name=family[:100],
        date_of_birth=request.date_of_birth,
        primary_need=PrimaryNeed.OTH,
        confirm_not_duplicate=True,
    )


@transaction.atomic
def ehc_request_accept(
    *, by: User, request: EHCRequest, child: Child | None, case_officer: User | None = None
) -> EHCRequest:
    """Accept the request onto a child's record (an existing child, or a new one from the
    request): the plan's request is recorded, dated the day the request was received."""
    require_staff(by)
    locked = EHCRequest.objects.select_for_update().get(pk=request.pk)
    if locked.plan_id is not None:
        raise TransitionNotAllowed(
            f"This request was accepted on {timezone.localdate(locked.accepted_at):%-d %B %Y}."
            if locked.accepted_at
            else "This request has already been accepted."
        )
    if locked.child_id is not None and child is not None and child.pk != locked.child_id:
        raise InvalidParams({"child": ["This request is for a child already on your records."]})
    if child is None and locked.child_id is not None:
        child = locked.child
    if child is not None and not selectors.children_visible_to(by).filter(pk=child.pk).exists():
        raise InvalidParams({"child": ["Choose a child of your team."]})
    if (
        child is not None
        and locked.child_id is None
        and child.date_of_birth != locked.date_of_birth
    ):
        # A request is for the child it names: a plan on another child's record would start
        # that child's statutory clock on somebody else's request.
        raise InvalidParams(
            {
                "child": [
                    f"{child.full_name} was born on {child.date_of_birth:%-d %B %Y}; the request "
                    f"is for a child born on {locked.date_of_birth:%-d %B %Y}. Choose the child "
                    "it is for, or add a new child."
                ]
            }
        )
    target = child if child is not None else _new_child(by, locked)
    plan = plan_request(
        by=by,
        child=target,
        requested_on=locked.received_on,
        requested_by=REQUESTED_BY[Relationship(locked.relationship)],
    )
    if case_officer is not None and case_officer.pk != by.pk:
        plan = plan_change_case_officer(by=by, plan=plan, case_officer=case_officer)
    uploader = locked.made_by or by
    for kept in locked.files.all():
        # The stored file becomes the document's: nothing is copied, and nothing is deleted.
        Document.objects.create(
            child=target,
            title=kept.title,
            kind=DocumentKind.EVIDENCE,
            visibility=DocumentVisibility.TEAM,
            token=secrets.token_hex(16),
            file=kept.file.name,
            content_type=kept.content_type,
            size=kept.size,
            uploaded_by=uploader,
        )
    locked.child = target
    locked.plan = plan
    locked.accepted_by = by
    locked.accepted_at = timezone.now()
    locked.save(update_fields=["child", "plan", "accepted_by", "accepted_at"])
    audit(locked, "accept", by=by, case_id=plan.case_id, params={"plan": plan.pk})
    return locked
