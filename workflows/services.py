"""The engine: every change of state in Pathway goes through `transition` (DESIGN §4).

One transaction does it all — lock the row, check state, permission and conditions, clean the
parameters, run the django-fsm-2 method, save, write the audit row, close and open deadlines. Any
error rolls all of it back.
"""

from __future__ import annotations

import copy
import datetime as dt
import inspect
from typing import Any, TypeVar, cast

from django import forms
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ObjectDoesNotExist, ValidationError
from django.db import IntegrityError, connections, models, transaction
from django.db.models import OuterRef, Subquery
from django.utils import timezone
from django_fsm import Transition as FSMTransition

from accounts.models import User
from workflows import bounds, clock
from workflows.audit import audit as audit
from workflows.checks import permission_reasons, unmet_conditions, wrong_state_reason
from workflows.deadlines import deadline_exception_add as deadline_exception_add
from workflows.deadlines import deadline_exception_withdraw as deadline_exception_withdraw
from workflows.deadlines import deadline_waive as deadline_waive
from workflows.deadlines import deadlines_close as deadlines_close
from workflows.deadlines import deadlines_mark_missed as deadlines_mark_missed
from workflows.deadlines import deadlines_not_required as deadlines_not_required
from workflows.deadlines import deadlines_open as deadlines_open
from workflows.deadlines import deadlines_reassign as deadlines_reassign
from workflows.deadlines import deadlines_settle as deadlines_settle
from workflows.errors import InvalidParams, NotPermitted, TransitionNotAllowed, UnknownTransition
from workflows.models import IdempotencyKey, TransitionLog
from workflows.outbox import notify
from workflows.prepared import prepared_values
from workflows.registry import Machine, registry, step_of

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
        locked, latest_effective_on = _locked(obj, machine)
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
        effective_on = _effective_date(on, latest_effective_on)
        dated_refusals = step_of(fsm_transition).refusals_on(locked, effective_on)
        if dated_refusals:
            raise TransitionNotAllowed(dated_refusals[0], reasons=dated_refusals)
        cleaned = _clean_params(
            fsm_transition, locked, by=by, on=effective_on, note=note, **params
        )

        before = _field_values(locked)
        getattr(locked, name)(by=by, on=effective_on, note=note, **cleaned)
        locked.save(update_fields=_changed_fields(locked, before, machine.field_name))
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
        step = step_of(fsm_transition)
        hooks = registry.hooks_of(machine.model, name)
        for effect in step.effects + hooks.effects:
            effect(locked, by=by, on=effective_on)
        for messages in step.notify + hooks.notify:
            notify(messages(locked, by=by, on=effective_on))
        deadlines_settle(
            locked,
            closes=step.closes,
            satisfies=step.satisfies,
            not_required=step.not_required,
            on=effective_on,
            by=name,
        )
        deadlines_open(locked, step.opens, on=effective_on, by=name)
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


def _field_values(obj: models.Model) -> dict[str, Any]:
    # A copy of what a step could change in place (a JSON field's dict or list).
    return {
        field.attname: copy.deepcopy(value) if isinstance(value, dict | list) else value
        for field in obj._meta.concrete_fields
        for value in [getattr(obj, field.attname)]
    }


def _changed_fields(obj: models.Model, before: dict[str, Any], state_field: str) -> list[str]:
    """The fields the step changed, its state field and any stamped on each save (auto_now):
    an UPDATE of those alone, where one of every column cost a millisecond to compile."""
    after = _field_values(obj)
    return [
        field.name
        for field in obj._meta.concrete_fields
        if not field.primary_key
        and (
            after[field.attname] != before[field.attname]
            or field.name == state_field
            or getattr(field, "auto_now", False)
        )
    ]


def _one_to_one(model: type[models.Model], name: str) -> models.OneToOneRel:
    relation = model._meta.get_field(name)
    if not isinstance(relation, models.OneToOneRel):
        # Only the reverse side of a one-to-one is read with the lock: it is one row or none.
        raise TypeError(f"{model._meta.label}.{name} is not the reverse side of a one-to-one.")
    return relation


def _locked(obj: M, machine: Machine) -> tuple[M, dt.date | None]:
    """The record read afresh under a row lock (FOR UPDATE on PostgreSQL), with the relations its
    machine reads with the lock and the effective date of its latest step, in one query compiled
    once for each kind of record (`workflows.prepared`). Compiling it was a millisecond of each
    transition, and on PostgreSQL each further query a round trip: the lock, the referral and the
    latest date were three (`docs/performance.md`)."""
    model = type(obj)
    names = [field.attname for field in model._meta.concrete_fields]
    companions = [
        (
            relation,
            companion_model,
            [field.attname for field in companion_model._meta.concrete_fields],
        )
        for relation in (_one_to_one(model, name) for name in machine.read_with_lock)
        for companion_model in (cast(type[models.Model], relation.related_model),)
    ]
    columns = names + [
        f"{relation.name}__{attname}"
        for relation, _, attnames in companions
        for attname in attnames
    ]

    def row(pk: int, subject_type: int) -> models.QuerySet[M, Any]:
        latest = (
            TransitionLog.objects.filter(subject_type_id=subject_type, subject_id=OuterRef("pk"))
            .order_by("-effective_on")
            .values("effective_on")[:1]
        )
        return cast(
            models.QuerySet[M, Any],
            # `of`: the companions are on the nullable side of an outer join, which PostgreSQL
            # does not lock; only the record itself needs the lock.
            model._default_manager.select_for_update(of=("self",))
            .filter(pk=pk)
            .annotate(latest_effective_on=Subquery(latest))
            .values(*columns, "latest_effective_on"),
        )

    _, rows = prepared_values(
        f"workflows.transition.lock {model._meta.label}",
        row,
        pk=obj.pk,
        subject_type=ContentType.objects.get_for_model(model).pk,
    )
    if not rows:
        # As `.get()` would: callers catch the model's own DoesNotExist.
        missing: type[ObjectDoesNotExist] = cast(Any, model).DoesNotExist
        raise missing(f"{model._meta.verbose_name} {obj.pk} no longer exists.")
    values = rows[0]
    alias = connections["default"].alias
    locked = model.from_db(alias, names, values[: len(names)])
    start = len(names)
    for relation, companion_model, attnames in companions:
        read = values[start : start + len(attnames)]
        start += len(attnames)
        companion = None if read[0] is None else companion_model.from_db(alias, attnames, read)
        if companion is not None:
            relation.field.set_cached_value(companion, locked)
        relation.set_cached_value(locked, companion)
    return locked, values[-1]


def _effective_date(on: object, previous: dt.date | None) -> dt.date:
    on = _not_in_future(_as_date(on))
    if previous is not None and on < previous:
        raise InvalidParams(
            {"on": [f"The date cannot be before the last change, on {previous:%-d %B %Y}."]}
        )
    return on


def _clean_params(
    fsm_transition: FSMTransition, obj: models.Model, /, **arguments: Any
) -> dict[str, Any]:
    """Clean declared parameters with their form fields; refuse any the step does not take."""
    declared = step_of(fsm_transition).params
    fixed = {"by", "on", "note"}
    given = {key: value for key, value in arguments.items() if key not in fixed}
    errors: dict[str, list[str]] = {
        key: ["This step does not take this field."] for key in given if key not in declared
    }
    cleaned: dict[str, Any] = {}
    for key, form_field in declared.items():
        value = given.get(key)
        # A form field turns a list or a number into its printed form; words must come as text.
        if (
            isinstance(form_field, forms.CharField)
            and value is not None
            and not isinstance(value, str)
        ):
            errors[key] = ["Enter this as text."]
            continue
        try:
            cleaned[key] = form_field.clean(value)
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
