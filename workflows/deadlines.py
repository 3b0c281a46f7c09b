"""Deadlines as a small machine of their own: the one place a `Deadline` row changes (DESIGN §5).

    open ──close on or before due_on──▶ met
    open ──close after due_on, or the daily sweep──▶ missed (still running until closed)
    open ──a step makes it unnecessary (`Step.satisfies`)──▶ met
    open ──a newer deadline of the same kind opens──▶ superseded
    open | missed ──a team manager sets a council-policy one aside──▶ waived
    open ──the process it timed ended another way (`Step.not_required`)──▶ not_required
    missed ──satisfied, superseded or no longer required──▶ missed, closed on that day

Nothing but closing turns a missed deadline into anything else (DESIGN §5): a step that makes
a late duty unnecessary, a newer one replacing it, or the end of its process only stops it
running, so every miss stays in the figures.

A deadline is running while it has no `closed_on` and is open or missed
(`Deadline.objects.running()`). A statutory deadline is never waived: a team manager records a
reg 10(4) exception on it instead (a history of `DeadlineException` rows), and it keeps
counting. Every function here runs inside its caller's transaction, or in its own.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import asdict

from django.contrib.contenttypes.models import ContentType
from django.db import models, transaction
from django.db.models import Case, F, Q, Value, When
from django.utils import timezone

from accounts.models import User
from accounts.roles import Role
from workflows import clock
from workflows.audit import audit
from workflows.errors import InvalidParams, NotPermitted, TransitionNotAllowed
from workflows.exceptions import Facts, ground_refusals
from workflows.models import (
    Deadline,
    DeadlineException,
    DeadlineQuerySet,
    DeadlineStatus,
    TransitionLog,
)
from workflows.prepared import prepared_update
from workflows.registry import DeadlineKind, registry

MARK_MISSED = "mark_missed"
"""The audit row's `transition` for the daily sweep; its actor is empty: no person did it."""
REASSIGN = "reassign_owner"
"""The audit row's `transition` when a deadline's owner changes."""


def _values(kinds: Iterable[DeadlineKind]) -> list[str]:
    return [registry.kind(kind.value).value for kind in kinds]


def deadlines_open(
    obj: models.Model, kinds: Iterable[DeadlineKind], *, on: dt.date, by: str = ""
) -> None:
    """Open a deadline of each kind, due from the effective date `on` by the kind's rule, in the
    caller's transaction. A running deadline of the same kind on the record is superseded."""
    machine = registry.machine_for(type(obj))
    subject_type = ContentType.objects.get_for_model(obj)
    new = []
    for kind in kinds:
        declared = registry.kind(kind.value)
        due_on = declared.due(obj, on)
        if due_on is None:
            continue
        owner = declared.owner.find(obj) if declared.owner else machine.owner_of(obj)
        new.append(
            Deadline(
                subject_type=subject_type,
                subject_id=obj.pk,
                case_id=machine.case_of(obj),
                team_id=machine.team_of(obj),
                owner_id=owner,
                label=str(obj)[:200],
                kind=declared.value,
                due_on=due_on,
                opened_on=on,
            )
        )
    if new:
        # A step that reopens a kind (the next annual review) replaces the one still running.
        replaced = (
            Deadline.objects.for_subject(obj)
            .running()
            .filter(kind__in=[deadline.kind for deadline in new])
        )
        _stop_running(replaced, DeadlineStatus.SUPERSEDED, on=on, by=by)
        Deadline.objects.bulk_create(new)


def _stop_running(running: models.QuerySet[Deadline], status: str, *, on: dt.date, by: str) -> int:
    """Close running deadlines with `status`, except missed ones (the nightly sweep marks them),
    which stay missed and are only closed. Returns the number given `status`."""
    running.filter(status=DeadlineStatus.MISSED).update(closed_on=on, closed_by=by)
    return running.filter(status=DeadlineStatus.OPEN).update(
        status=status, closed_on=on, closed_by=by
    )


def deadlines_close(
    obj: models.Model,
    closes: Iterable[DeadlineKind],
    *,
    on: dt.date,
    by: str,
    satisfies: Iterable[DeadlineKind] = (),
) -> None:
    """Close the record's running deadlines of these kinds, as of the effective date `on`.

    Met when `on` is on or before `due_on`, missed when later; a kind in `satisfies` is met
    whatever the date, because the step made it unnecessary. One already marked missed stays
    missed in both cases, only closed. In the caller's transaction.
    """
    deadlines_settle(obj, closes=closes, satisfies=satisfies, on=on, by=by)


def deadlines_settle(
    obj: models.Model,
    *,
    on: dt.date,
    by: str,
    closes: Iterable[DeadlineKind] = (),
    satisfies: Iterable[DeadlineKind] = (),
    not_required: Iterable[DeadlineKind] = (),
) -> None:
    """What a step does to the record's running deadlines, in one UPDATE: those it `closes` are
    met on or before `due_on` and missed after it, those it `satisfies` are met, those it makes
    `not_required` are that. A deadline the sweep has marked missed stays missed whatever date
    the step is given (a backdated step must not rewrite a timescale already reported as
    missed): it is only closed. In the caller's transaction.

    One statement, not one for each outcome, compiled once: the engine's transitions spent a
    third of their time compiling up to seven updates of the same rows, each 2 ms of Django for
    0.02 ms of SQLite."""
    satisfied, closing, unneeded = _values(satisfies), _values(closes), _values(not_required)
    kinds = sorted({*satisfied, *closing, *unneeded})
    if not kinds:
        return

    def settle(
        subject_type: int, subject_id: int, on: dt.date, by: str
    ) -> tuple[models.QuerySet[Deadline], dict[str, object]]:
        still_open = Q(status=DeadlineStatus.OPEN)
        # In this order: a kind both satisfied and closed is met, as it was when each was its
        # own statement, satisfied first.
        outcomes = [
            (satisfied, Q(), DeadlineStatus.MET),
            (closing, Q(due_on__gte=on), DeadlineStatus.MET),
            (closing, Q(), DeadlineStatus.MISSED),
            (unneeded, Q(), DeadlineStatus.NOT_REQUIRED),
        ]
        status = Case(
            *(
                When(still_open & Q(kind__in=which) & when, then=Value(outcome.value))
                for which, when, outcome in outcomes
                if which
            ),
            default=F("status"),
        )
        running = Deadline.objects.filter(
            subject_type_id=subject_type, subject_id=subject_id, kind__in=kinds
        ).running()
        return running, {"status": status, "closed_on": on, "closed_by": by}

    # Compiled once for each combination of kinds (`workflows.prepared`).
    prepared_update(
        f"workflows.deadlines.settle {satisfied} {closing} {unneeded}",
        settle,
        subject_type=ContentType.objects.get_for_model(obj).pk,
        subject_id=obj.pk,
        on=on,
        by=by,
    )


def deadlines_not_required(
    obj: models.Model, kinds: Iterable[DeadlineKind], *, on: dt.date, by: str
) -> int:
    """Close the record's open deadlines of these kinds as no longer required: neither met nor
    missed, so no timescale report counts them. A missed one stays missed, closed on `on`."""
    running = Deadline.objects.for_subject(obj).running().filter(kind__in=_values(kinds))
    return _stop_running(running, DeadlineStatus.NOT_REQUIRED, on=on, by=by)


def deadlines_redate(
    obj: models.Model, kinds: Iterable[DeadlineKind], *, was: dt.date, on: dt.date, by: User
) -> int:
    """The step that opened the record's open deadlines of these kinds on `was` really took
    effect on `on` (a date corrected by `by`): each is due again by its kind's rule from `on`,
    with an audit row. Missed and closed ones are left as they are."""
    changed = 0
    for deadline in (
        Deadline.objects.for_subject(obj)
        .filter(kind__in=_values(kinds), opened_on=was, status=DeadlineStatus.OPEN)
        .running()
    ):
        due_on = registry.kind(deadline.kind).due(obj, on)
        if due_on is None:
            continue
        source = {"due_on": deadline.due_on.isoformat(), "opened_on": was.isoformat()}
        deadline.due_on, deadline.opened_on = due_on, on
        deadline.save(update_fields=["due_on", "opened_on"])
        audit(
            deadline,
            "redate",
            by=by,
            case_id=deadline.case_id,
            source=deadline.status,
            target=deadline.status,
            params=source,
        )
        changed += 1
    return changed


def deadlines_mark_missed(*, today: dt.date | None = None) -> int:
    """Mark open deadlines whose due day has passed as missed, each with an audit row; safe to run
    any number of times (a missed one is not marked again)."""
    today = today or clock.today()
    with transaction.atomic():
        overdue = list(
            Deadline.objects.filter(status=DeadlineStatus.OPEN, due_on__lt=today)
            .running()
            .exclude(kind__in=registry.others_time())
            .select_for_update()
            .values_list("pk", "kind", "due_on")
        )
        if not overdue:
            return 0
        Deadline.objects.filter(pk__in=[pk for pk, _, _ in overdue]).update(
            status=DeadlineStatus.MISSED
        )
        deadline_type = ContentType.objects.get_for_model(Deadline)
        TransitionLog.objects.bulk_create(
            TransitionLog(
                subject_type=deadline_type,
                subject_id=pk,
                # No case_id: a case's history lists what people did; this row is the deadline's.
                transition=MARK_MISSED,
                source=DeadlineStatus.OPEN,
                target=DeadlineStatus.MISSED,
                actor=None,
                effective_on=today,
                params={"kind": kind, "due_on": due_on},
            )
            for pk, kind, due_on in overdue
        )
    return len(overdue)


def deadline_waive(deadline: Deadline, *, by: User, reason: str) -> Deadline:
    """Set aside a council-policy deadline; statutory ones take an exception instead."""
    return _decide(deadline, by=by, reason=reason)


def deadline_exception_add(
    deadline: Deadline, *, by: User, ground: str, reason: str, facts: Facts
) -> DeadlineException:
    """Record an exception on a statutory deadline, on a ground of reg 10(4) whose dates are
    checked (`workflows.exceptions`). It is added to the deadline's history, never written over
    another; the deadline keeps counting, and reports show it apart."""
    if not by.has_role(Role.TEAM_MANAGER):
        raise NotPermitted("Only a team manager can record an exception.")
    with transaction.atomic():
        locked = Deadline.objects.select_for_update().get(pk=deadline.pk)
        kind = registry.kind(locked.kind)
        if not kind.exceptions:
            raise TransitionNotAllowed(
                f"The regulations allow no exception to “{kind.label}”"
                + (f" ({kind.basis})." if kind.basis else ".")
            )
        if locked.status in Deadline.SET_ASIDE:
            raise TransitionNotAllowed("This deadline is no longer counted: it has been closed.")
        problems = ground_refusals(ground, facts, opened_on=locked.opened_on, due_on=locked.due_on)
        if not problems and ground not in kind.exceptions:
            problems = {"exception": ["This ground does not apply to this deadline."]}
        if not reason.strip():
            problems["reason"] = ["Enter the reason."]
        if facts.advice_requested_on and facts.advice_requested_on > clock.today():
            problems["advice_requested_on"] = ["The date cannot be in the future."]
        if problems:
            raise InvalidParams(problems)
        if DeadlineException.objects.filter(
            deadline=locked,
            withdrawn_at__isnull=True,
            ground=ground,
            reason=reason,
            **asdict(facts),
        ).exists():
            # A form sent twice: the history keeps one live exception for one set of facts.
            raise TransitionNotAllowed("This exception is already recorded on this deadline.")
        added = DeadlineException.objects.create(
            deadline=locked,
            ground=ground,
            reason=reason,
            added_by=by,
            **asdict(facts),
        )
        _keep_current_exception(locked)
        audit(
            locked,
            "record_exception",
            by=by,
            note=reason,
            case_id=locked.case_id,
            source=locked.status,
            target=locked.status,
            params={"kind": locked.kind, "exception": ground, "exception_id": added.pk},
        )
    return added


def deadline_exception_withdraw(
    exception: DeadlineException, *, by: User, reason: str
) -> DeadlineException:
    """Withdraw an exception: its row stays, stamped with who withdrew it, when and why."""
    if not by.has_role(Role.TEAM_MANAGER):
        raise NotPermitted("Only a team manager can withdraw an exception.")
    if not reason.strip():
        raise InvalidParams({"reason": ["Enter why the exception is withdrawn."]})
    with transaction.atomic():
        locked = DeadlineException.objects.select_for_update().get(pk=exception.pk)
        if locked.withdrawn_at is not None:
            raise TransitionNotAllowed("This exception has already been withdrawn.")
        locked.withdrawn_by = by
        locked.withdrawn_at = timezone.now()
        locked.withdrawal_reason = reason
        locked.save(update_fields=["withdrawn_by", "withdrawn_at", "withdrawal_reason"])
        deadline = Deadline.objects.select_for_update().get(pk=locked.deadline_id)
        _keep_current_exception(deadline)
        audit(
            deadline,
            "withdraw_exception",
            by=by,
            note=reason,
            case_id=deadline.case_id,
            source=deadline.status,
            target=deadline.status,
            params={"kind": deadline.kind, "exception": locked.ground, "exception_id": locked.pk},
        )
    return locked


def _keep_current_exception(deadline: Deadline) -> None:
    """`Deadline.exception` is the ground of its latest live exception, or empty."""
    latest = deadline.exceptions.filter(withdrawn_at__isnull=True).order_by("-added_at", "-pk")
    deadline.exception = latest.values_list("ground", flat=True).first() or ""
    deadline.save(update_fields=["exception"])


def deadlines_reassign(
    deadlines: DeadlineQuerySet, *, owner_id: int | None, by: User, reason: str
) -> int:
    """Give these deadlines' running ones a new owner (the case officer or the lead professional
    changed), each with an audit row; in the caller's transaction. Returns how many moved."""
    moving = list(
        deadlines.running()
        .exclude(owner_id=owner_id)
        .select_for_update()
        .values_list("pk", "owner_id", "case_id", "kind")
    )
    if not moving:
        return 0
    Deadline.objects.filter(pk__in=[pk for pk, _, _, _ in moving]).update(owner_id=owner_id)
    deadline_type = ContentType.objects.get_for_model(Deadline)
    TransitionLog.objects.bulk_create(
        TransitionLog(
            subject_type=deadline_type,
            subject_id=pk,
            case_id=case_id,
            transition=REASSIGN,
            actor=by,
            effective_on=clock.today(),
            note=reason,
            params={"kind": kind, "from_owner": old_owner, "to_owner": owner_id},
        )
        for pk, old_owner, case_id, kind in moving
    )
    return len(moving)


def _decide(deadline: Deadline, *, by: User, reason: str) -> Deadline:
    if not by.has_role(Role.TEAM_MANAGER):
        raise NotPermitted("Only a team manager can waive a deadline.")
    if not reason.strip():
        raise InvalidParams({"reason": ["Enter the reason."]})
    with transaction.atomic():
        locked = Deadline.objects.select_for_update().get(pk=deadline.pk)
        kind = registry.kind(locked.kind)
        if kind.statutory:
            raise TransitionNotAllowed(
                "A statutory deadline cannot be waived: record an exception instead."
            )
        if locked.status in Deadline.SET_ASIDE or locked.closed_on is not None:
            raise TransitionNotAllowed("This deadline has already been closed.")
        locked.status = DeadlineStatus.WAIVED
        locked.closed_on = clock.today()
        locked.waiver_reason = reason
        locked.save()
        audit(
            locked,
            "waive",
            by=by,
            note=reason,
            case_id=locked.case_id,
            source=deadline.status,
            target=locked.status,
            params={"kind": locked.kind},
        )
    return locked


def deadline_reschedule(deadline: Deadline, *, due_on: dt.date, by: User, reason: str) -> Deadline:
    """Move an open deadline's due date where the law moves it (a plan transferred in from
    another council is reviewed by the later of its own date and 3 months after the transfer,
    SEND Regs 2014 reg 15(5)), with an audit row. A missed or closed deadline keeps its date:
    nothing turns a statutory miss into anything else. In the caller's transaction."""
    locked = Deadline.objects.select_for_update().get(pk=deadline.pk)
    if locked.status != DeadlineStatus.OPEN or locked.closed_on is not None:
        raise TransitionNotAllowed("Only an open deadline can be given another due date.")
    previous = locked.due_on
    locked.due_on = due_on
    locked.save(update_fields=["due_on"])
    audit(
        locked,
        "reschedule",
        by=by,
        note=reason,
        case_id=locked.case_id,
        source=locked.status,
        target=locked.status,
        params={"kind": locked.kind, "from": previous, "to": due_on},
    )
    return locked
