"""Consent to share recorded after the referral: who gave it and on what date. With it the
case's `consent_recorded` condition holds, so the referral can be accepted (DESIGN §4)."""

from __future__ import annotations

import datetime as dt

from django.db import transaction

from accounts.models import User
from casework.models import Case, CaseStatus, Referral
from workflows import clock
from workflows.acting import require_staff
from workflows.errors import InvalidParams, TransitionNotAllowed
from workflows.services import audit


@transaction.atomic
def referral_record_consent(*, by: User, case: Case, given_by: str, given_on: dt.date) -> Referral:
    """Record that consent to share was given after the referral, while the case is referred."""
    require_staff(by)
    errors: dict[str, list[str]] = {}
    if not given_by.strip():
        errors["given_by"] = ["Enter who gave consent."]
    elif len(given_by) > 200:
        errors["given_by"] = ["Who gave consent must be 200 characters or fewer."]
    locked = (
        Referral.objects.select_for_update().select_related("case").filter(case_id=case.pk).first()
    )
    if locked is None:
        raise TransitionNotAllowed(
            "This case was not opened from a referral, so there is no referral to record "
            "consent on."
        )
    if given_on > clock.today():
        errors["given_on"] = ["The date consent was given must be today or in the past."]
    elif given_on < locked.received_on:
        errors["given_on"] = ["The date consent was given must be on or after the referral."]
    if errors:
        raise InvalidParams(errors)
    if locked.case.status != CaseStatus.REFERRED:
        raise TransitionNotAllowed("Consent can be recorded here only while the case is referred.")
    if locked.consent_to_share:
        raise TransitionNotAllowed("Consent to share is already recorded.")
    if locked.case.consent_override_reason:
        raise TransitionNotAllowed(
            "A team manager has already overridden consent to share: there is nothing to record."
        )
    locked.consent_to_share = True
    locked.consent_given_by = given_by.strip()
    locked.consent_recorded_on = given_on
    locked.save(update_fields=["consent_to_share", "consent_given_by", "consent_recorded_on"])
    audit(
        locked.case,
        "record_consent",
        by=by,
        note=f"Consent to share given by {locked.consent_given_by}",
        case_id=locked.case_id,
        params={"given_on": given_on.isoformat()},
    )
    return locked
