"""The engine: every change of state in Pathway goes through `transition` (DESIGN §4).

One transaction does it all — lock the row, check state, permission and conditions, clean the
parameters, run the django-fsm-2 method, save, write the audit row, close and open deadlines. Any
error rolls all of it back.
"""

from __future__ import annotations

import datetime as dt
import inspect
from typing import Any, TypeVar

from django import forms
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import IntegrityError, models, transaction
from django.db.models import Q
from django.utils import timezone
from django_fsm import Transition as FSMTransition

from accounts.models import User
from accounts.roles import Role
from workflows import bounds, clock
from workflows.checks import permission_reasons, unmet_conditions, wrong_state_reason
from workflows.errors import InvalidParams, NotPermitted, TransitionNotAllowed, UnknownTransition
from workflows.models import (
    Deadline,
    DeadlineStatus,
    IdempotencyKey,
    StatutoryException,
    TransitionLog,
)
from workflows.outbox import notify
from workflows.registry import DeadlineRule, Satisfied, registry

M = TypeVar("M", bound=models.Model)


def transition(
    obj: M,
    name: str,
    /,
    *,
    by: User,
    note: str = "",
    on: dt.date | str | None = None,
    **params: Any,
) -> M:
    """Apply transition `name` to `obj` as `by`, effective on `on` (default today).

    Returns the updated record as read under the lock; `obj` itself is left as it was.
    Raises `UnknownTransition`, `TransitionNotAllowed` (wrong state, unmet condition),
    `NotPermitted` or `InvalidParams`.
    """
    machine = registry.machine_for(type(obj))
    if name not in machine.names():
        raise UnknownTransition(f"There is no step called “{name}” for a {machine.label}.")
    with transaction.atomic():
        locked = type(obj)._default_manager.select_for_update().get(pk=obj.pk)
        source = getattr(locked, machine.field_name)
        fsm_transition = machine.transition_from(source, name)
        if fsm_transition is None:
            raise TransitionNotAllowed(wrong_state_reason(machine, name, source))
        refusals = permission_reasons(fsm_transition, locked, by)
        if refusals:
            raise NotPermitted(refusals[0], reasons=refusals)
        unmet = unmet_conditions(fsm_transition, locked)
        if unmet:
            raise TransitionNotAllowed(unmet[0], reasons=unmet)
        effective_on = _effective_date(locked, on)
        cleaned = _clean_params(
            fsm_transition, locked, by=by, on=effective_on, note=note, **params
        )

        getattr(locked, name)(by=by, on=effective_on, note=note, **cleaned)
        locked.save()
        target = getattr(locked, machine.field_name)
        TransitionLog.objects.create(
            subject_type=ContentType.objects.get_for_model(locked),
            subject_id=locked.pk,
            case_id=machine.case_of(locked),
            transition=name,
            source=source,
            target=target,
            actor=by,
            effective_on=effective_on,
            note=note,
            params=cleaned,
        )
        for effect in fsm_transition.custom.get("effects", ()):
            effect(locked, by=by, on=effective_on)
        for messages in fsm_transition.custom.get("notify", ()):
            notify(messages(locked, by=by, on=effective_on))
        deadlines_close(locked, fsm_transition.custom.get("closes", ()), on=effective_on, by=name)
        deadlines_open(locked, fsm_transition.custom.get("opens", ()), on=effective_on)
    return locked


def record_created(
    obj: models.Model, *, by: User, on: dt.date | None = None, note: str = ""
) -> None:
    """Audit the creation of a record with a machine and open the deadlines its creation starts.

    Call it inside the service that creates the record, in the same transaction.
    """
    machine = registry.machine_for(type(obj))
    effective_on = _not_in_future(on or clock.today())
    with transaction.atomic():
        TransitionLog.objects.create(
            subject_type=ContentType.objects.get_for_model(obj),
            subject_id=obj.pk,
            case_id=machine.case_of(obj),
            transition=TransitionLog.CREATED,
            target=getattr(obj, machine.field_name),
            actor=by,
            effective_on=effective_on,
            note=note,
        )
        deadlines_open(obj, machine.opens_on_create, on=effective_on)


def _not_in_future(on: dt.date) -> dt.date:
    if on > clock.today():
        raise InvalidParams({"on": ["The date cannot be in the future."]})
    return on


def _as_date(on: object) -> dt.date:
    if on is None or on == "":
        return clock.today()
    if isinstance(on, dt.date):
        return on
    if not isinstance(on, str):
        raise InvalidParams({"on": ["Enter the date as text, like 2026-03-27."]})
    try:
        parsed: dt.date = forms.DateField().clean(on)
    except ValidationError:
        raise InvalidParams({"on": ["Enter a real date, like 2026-03-27."]}) from None
    out_of_bounds = bounds.date_out_of_bounds(parsed)
    if out_of_bounds:
        raise InvalidParams({"on": [out_of_bounds]})
    return parsed


def _effective_date(obj: models.Model, on: object) -> dt.date:
    on = _not_in_future(_as_date(on))
    previous = (
        TransitionLog.objects.filter(
            subject_type=ContentType.objects.get_for_model(obj), subject_id=obj.pk
        )
        .order_by("-effective_on")
        .values_list("effective_on", flat=True)
        .first()
    )
    if previous is not None and on < previous:
        raise InvalidParams(
            {"on": [f"The date cannot be before the last change, on {previous:%-d %B %Y}."]}
        )
    return on


def _clean_params(
    fsm_transition: FSMTransition, obj: models.Model, /, **arguments: Any
) -> dict[str, Any]:
    """Clean declared parameters with their form fields; refuse any the step does not take."""
    declared: dict[str, forms.Field] = fsm_transition.custom.get("params", {})
    fixed = {"by", "on", "note"}
    given = {key: value for key, value in arguments.items() if key not in fixed}
    errors: dict[str, list[str]] = {
        key: ["This step does not take this field."] for key in given if key not in declared
    }
    cleaned: dict[str, Any] = {}
    for key, form_field in declared.items():
        try:
            cleaned[key] = form_field.clean(given.get(key))
        except ValidationError as error:
            errors[key] = list(error.messages)
            continue
        if isinstance(cleaned[key], dt.date):
            out_of_bounds = bounds.date_out_of_bounds(cleaned[key])
            if out_of_bounds:
                errors[key] = [out_of_bounds]
    if errors:
        raise InvalidParams(errors)
    inspect.signature(fsm_transition.method).bind(obj, **arguments | cleaned)
    return cleaned


def _running(obj: models.Model) -> models.QuerySet[Deadline]:
    return Deadline.objects.filter(
        subject_type=ContentType.objects.get_for_model(obj),
        subject_id=obj.pk,
        closed_on__isnull=True,
    ).exclude(status=DeadlineStatus.WAIVED)


def deadlines_close(
    obj: models.Model,
    closes: list[str | Satisfied] | tuple[str | Satisfied, ...],
    *,
    on: dt.date,
    by: str,
) -> None:
    """Close the record's running deadlines of these kinds, as of the effective date `on`.

    Met when `on` is on or before `due_on`, missed when later; a `Satisfied` kind is met whatever
    the date, because the step made it unnecessary. Call it inside the caller's transaction.
    """
    kinds = [item for item in closes if isinstance(item, str)]
    satisfied = [item.kind for item in closes if isinstance(item, Satisfied)]
    running = _running(obj)
    if satisfied:
        running.filter(kind__in=satisfied).update(
            status=DeadlineStatus.MET, closed_on=on, closed_by=by
        )
    if kinds:
        # Two updates, not a loop: met or missed is decided by the effective date against due_on.
        running.filter(kind__in=kinds, due_on__gte=on).update(
            status=DeadlineStatus.MET, closed_on=on, closed_by=by
        )
        running.filter(kind__in=kinds, due_on__lt=on).update(
            status=DeadlineStatus.MISSED, closed_on=on, closed_by=by
        )


def deadlines_open(
    obj: models.Model,
    rules: tuple[DeadlineRule, ...] | list[DeadlineRule],
    *,
    on: dt.date,
) -> None:
    """Open a deadline for each rule, due from the effective date `on`; in the caller's
    transaction. A running deadline of the same kind on the record is replaced."""
    machine = registry.machine_for(type(obj))
    new = []
    for rule in rules:
        due_on = rule.due(obj, on)
        if due_on is not None:
            new.append(
                Deadline(
                    subject_type=ContentType.objects.get_for_model(obj),
                    subject_id=obj.pk,
                    case_id=machine.case_of(obj),
                    team_id=machine.team_of(obj),
                    owner_id=machine.owner_of(obj),
                    label=str(obj)[:200],
                    kind=rule.kind,
                    due_on=due_on,
                    opened_on=on,
                )
            )
    if new:
        # A step that reopens a kind (the next annual review) replaces the one still running.
        _running(obj).filter(kind__in=[deadline.kind for deadline in new]).update(
            status=DeadlineStatus.WAIVED,
            waiver_reason="Replaced by a newer deadline of the same kind.",
        )
        Deadline.objects.bulk_create(new)


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


def deadline_waive(deadline: Deadline, *, by: User, reason: str) -> Deadline:
    """Set aside a council-policy deadline; statutory ones take an exception instead."""
    return _decide_deadline(deadline, by=by, reason=reason, waive=True)


def deadline_record_exception(
    deadline: Deadline, *, by: User, exception: str, reason: str
) -> Deadline:
    """Record a reg 10(4) exception: the deadline still counts, and reports show it apart."""
    if exception not in StatutoryException.values:
        raise InvalidParams({"exception": ["Choose one of the exceptions in regulation 10(4)."]})
    return _decide_deadline(deadline, by=by, reason=reason, exception=exception)


def _decide_deadline(
    deadline: Deadline, *, by: User, reason: str, waive: bool = False, exception: str = ""
) -> Deadline:
    if not by.has_role(Role.TEAM_MANAGER):
        raise NotPermitted("Only a team manager can waive a deadline or record an exception.")
    if not reason.strip():
        raise InvalidParams({"reason": ["Enter the reason."]})
    with transaction.atomic():
        locked = Deadline.objects.select_for_update().get(pk=deadline.pk)
        if waive and registry.kind(locked.kind).statutory:
            raise TransitionNotAllowed(
                "A statutory deadline cannot be waived: record an exception instead."
            )
        if not waive and not registry.kind(locked.kind).statutory:
            raise TransitionNotAllowed("Exceptions apply to statutory deadlines only.")
        if locked.status == DeadlineStatus.WAIVED or (waive and locked.closed_on is not None):
            raise TransitionNotAllowed("This deadline has already been closed.")
        if waive:
            locked.status = DeadlineStatus.WAIVED
            locked.closed_on = clock.today()
            locked.waiver_reason = reason
        else:
            locked.exception = exception
            locked.waiver_reason = reason
        locked.save()
        audit(
            locked,
            "waive" if waive else "record_exception",
            by=by,
            note=reason,
            case_id=locked.case_id,
            source=deadline.status,
            target=locked.status,
            params={"kind": locked.kind, "exception": exception},
        )
    return locked


def deadlines_mark_missed(*, today: dt.date | None = None) -> int:
    """Mark open deadlines whose due day has passed as missed; safe to run any number of times."""
    today = today or clock.today()
    not_ours = [kind.kind for kind in registry.deadline_kinds.values() if not kind.council_duty]
    return (
        Deadline.objects.filter(
            Q(status=DeadlineStatus.OPEN) & Q(due_on__lt=today) & Q(closed_on__isnull=True)
        )
        .exclude(kind__in=not_ours)
        .update(status=DeadlineStatus.MISSED)
    )


# Idempotency keys (DESIGN §8: repeated requests do no harm) ---------------------------------

IDEMPOTENCY_KEYS_KEPT = dt.timedelta(hours=24)


def idempotency_claim(*, by: User, key: str, fingerprint: str) -> IdempotencyKey | None:
    """Claim `key` for a request of `by`'s; call it inside the request's own transaction.

    None when the key is new (or older than a day, and so forgotten): the request goes ahead and
    the claim commits or rolls back with it. Otherwise the stored request with its answer. On
    PostgreSQL a request claiming a key that another is still using waits, at the unique index,
    until that one has committed (then its answer is returned) or rolled back (then it goes ahead).
    """
    IdempotencyKey.objects.filter(
        user=by, key=key, created_at__lt=timezone.now() - IDEMPOTENCY_KEYS_KEPT
    ).delete()
    try:
        with transaction.atomic():
            IdempotencyKey.objects.create(user=by, key=key, fingerprint=fingerprint)
    except IntegrityError:
        return IdempotencyKey.objects.get(user=by, key=key)
    return None


def idempotency_record(*, by: User, key: str, status: int, body: str) -> None:
    """Keep the answer to the request that claimed `key`, in the same transaction."""
    IdempotencyKey.objects.filter(user=by, key=key).update(
        response_status=status, response_body=body
    )


def idempotency_keys_purge(*, now: dt.datetime | None = None) -> int:
    """Forget keys older than a day; safe to run any number of times."""
    cutoff = (now or timezone.now()) - IDEMPOTENCY_KEYS_KEPT
    deleted, _ = IdempotencyKey.objects.filter(created_at__lt=cutoff).delete()
    return deleted
