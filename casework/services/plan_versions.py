"""Freezing a plan at each issue (DESIGN §3 "plan versions"): the only writer of `PlanVersion`."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db import transaction
from django.db.models import Max

from accounts.models import User
from casework.models import SECTIONS, EHCPlan, PlanVersion, PlanVersionKind


@transaction.atomic
def plan_version_freeze(
    *, by: User, plan: EHCPlan, kind: PlanVersionKind, on: dt.date
) -> PlanVersion:
    """The plan as it stands, frozen as its next version. Called from the issuing step, under
    the plan's row lock, so two issues of one plan cannot take the same number."""
    last = plan.versions.aggregate(last=Max("number"))["last"] or 0
    return PlanVersion.objects.create(
        plan=plan,
        number=last + 1,
        kind=kind,
        issued_on=on,
        requested_on=plan.requested_on,
        draft_issued_on=plan.draft_issued_on,
        final_issued_on=plan.last_final_issued_on if kind == PlanVersionKind.FINAL else None,
        sections={name: getattr(plan, name) for name, _letter, _title in SECTIONS},
        placement_name=plan.placement_name,
        phase_transfer_on=plan.phase_transfer_on,
        phase_transfer_setting=plan.phase_transfer_setting,
        issued_by=by,
    )


@dataclass(frozen=True)
class VersionFrozen:
    """The effect of `issue_draft` and `issue_final` (hooked in `casework.machines`): the issue
    is frozen in the step's own transaction, however the step is taken."""

    kind: PlanVersionKind

    def __call__(self, plan: EHCPlan, *, by: User, on: dt.date) -> None:
        plan_version_freeze(by=by, plan=plan, kind=self.kind, on=on)
