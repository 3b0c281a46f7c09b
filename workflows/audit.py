"""The audit log's writer for changes that are not transitions (a waiver, a consent override)."""

from __future__ import annotations

from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import models

from accounts.models import User
from workflows import clock
from workflows.models import TransitionLog


def audit(
    obj: models.Model,
    action: str,
    *,
    by: User,
    note: str = "",
    case_id: int | None = None,
    source: str = "",
    target: str = "",
    params: dict[str, Any] | None = None,
) -> TransitionLog:
    """Record in the audit log a change that is not a transition (a waiver, a consent override).

    Call it inside the transaction of the change, so that the row exists exactly when the change
    does.
    """
    return TransitionLog.objects.create(
        subject_type=ContentType.objects.get_for_model(obj),
        subject_id=obj.pk,
        case_id=case_id,
        transition=action,
        source=source,
        target=target,
        actor=by,
        effective_on=clock.today(),
        note=note,
        params=params or {},
    )
