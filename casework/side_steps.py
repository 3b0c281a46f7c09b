"""Steps of a case beside its machine's own, shown with them on the case page: recording consent
to share given after the referral, and a team manager's override of it (DESIGN §4, §11). A step
the user may not take is text with why."""

from __future__ import annotations

from typing import Any

from django.urls import reverse

from accounts.models import User
from accounts.roles import Role
from casework.models import Case, CaseStatus, consent_recorded
from workflows.selectors import StepNow

MANAGER_DECIDES = "A team manager decides this."
OVERRIDE_LABEL = "Override consent to share"
RECORD_CONSENT_LABEL = "Record consent to share"


def override_refusal(case: Case) -> str:
    """Why nobody can override consent on this case now, or empty."""
    if case.status != CaseStatus.REFERRED:
        return "Consent can only be overridden while the case is referred."
    if consent_recorded(case):
        return "Consent to share is already recorded or overridden: nothing to override."
    return ""


def record_consent_refusal(case: Case) -> str:
    """Why consent cannot be recorded on this case now, or empty."""
    if case.status != CaseStatus.REFERRED:
        return "Consent to share is recorded here only while the case is referred."
    if consent_recorded(case):
        return "Consent to share is already recorded or overridden: there is nothing to record."
    return ""


def consent_steps(case: Case, user: User) -> list[dict[str, Any]]:
    """Recording consent given later, for anyone on the team, and the override: a link for a
    team manager, the reason as text for anyone else; neither once consent is no longer missing."""
    if override_refusal(case):
        return []
    manager = user.has_role(Role.TEAM_MANAGER)
    record = StepNow(
        name="record_consent",
        label=RECORD_CONSENT_LABEL,
        allowed=True,
        reasons=[],
        destructive=False,
        decision=False,
    )
    step = StepNow(
        name="override_consent",
        label=OVERRIDE_LABEL,
        allowed=manager,
        reasons=[] if manager else [MANAGER_DECIDES],
        destructive=False,
        decision=True,
    )
    url = reverse("casework:case-consent-override", args=[case.pk]) if manager else ""
    return [
        {"step": record, "url": reverse("casework:case-consent-record", args=[case.pk])},
        {"step": step, "url": url},
    ]
