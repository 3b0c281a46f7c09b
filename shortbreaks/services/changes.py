"""Changes to the local offer: providers propose, staff decide; staff may also edit directly.

A provider's proposal waits in a `ServiceChange` and reaches the published `Service` only when a
team manager or a commissioner approves it, through the engine (`approve`, hooked to
`service_change_apply` in shortbreaks/machines.py). Staff edits and "checked" marks change the
service at once and are written to the audit log.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from decimal import Decimal
from typing import Any

from django.db import IntegrityError, models, transaction

import workflows
from accounts.models import User
from accounts.roles import Role
from budgets.ledger import money
from shortbreaks import messages
from shortbreaks.change_values import LISTS, SCALARS, check_item_ids, clean_values, values_of
from shortbreaks.errors import ChangeAlreadyWaiting
from shortbreaks.models import (
    ChangeStatus,
    Contact,
    CostOption,
    Provider,
    Schedule,
    Service,
    ServiceChange,
    ServiceNeed,
    Unit,
)
from shortbreaks.selectors import offer_deciders
from workflows import clock
from workflows.errors import InvalidParams, NotPermitted
from workflows.outbox import notify
from workflows.services import audit, record_created


def _require_offer_editor(by: User) -> None:
    if not (by.has_role(Role.TEAM_MANAGER) or by.has_role(Role.COMMISSIONER)):
        raise NotPermitted("Only a team manager or a commissioner can change the local offer.")


def waiting_refusal(service: Service) -> ChangeAlreadyWaiting:
    """The 409 for a second proposal while one waits; pages show its reason before one is made."""
    change = service.changes.filter(status=ChangeStatus.PROPOSED).first()
    when = f" on {change.proposed_at:%-d %B %Y}" if change else ""
    return ChangeAlreadyWaiting(
        f"A change to {service.name} proposed{when} is already waiting for approval. "
        "Withdraw it, or wait for the decision, before proposing another.",
        extra={"change": change.pk if change else None},
    )


@transaction.atomic
def service_change_propose(
    *, by: User, provider: Provider, service: Service | None = None, values: Any
) -> ServiceChange:
    """A provider login proposes new values for one of its provider's services, or a new
    service (`service=None`). Nothing is published until staff approve it."""
    if not (by.has_role(Role.PROVIDER) and provider.users.filter(pk=by.pk).exists()):
        raise NotPermitted(f"Only a login of {provider.name} can propose changes to its services.")
    if service is not None:
        if service.provider_id != provider.pk:
            raise NotPermitted(f"{service.name} is not a service of {provider.name}.")
        # Under the service's lock, so that two proposals sent at once are one and a 409.
        service = Service.objects.select_for_update().get(pk=service.pk)
        if service.changes.filter(status=ChangeStatus.PROPOSED).exists():
            raise waiting_refusal(service)
    cleaned = clean_values(values)
    check_item_ids(service, cleaned)
    current = values_of(service)
    if service is not None and cleaned == current:
        raise InvalidParams({"values": ["This proposal changes nothing: change a field first."]})
    try:
        with transaction.atomic():
            change = ServiceChange.objects.create(
                provider=provider, service=service, values=cleaned, current=current, proposed_by=by
            )
    except IntegrityError:
        # Only a writer that did not take the service's lock could get here.
        raise waiting_refusal(service) from None  # type: ignore[arg-type]
    record_created(change, by=by)
    notify(messages.change_waiting(change, offer_deciders()))
    return change


def service_change_decide(
    *,
    by: User,
    change: ServiceChange,
    decision: str,
    note: str = "",
    reason: str = "",
    unit: str = "",
    unit_cost: str = "",
    capacity: int | None = None,
) -> ServiceChange:
    """Approve or reject a proposed change, through the engine. Rejecting needs the `reason`
    the provider is shown; approving a new service needs its `unit`, `unit_cost` and
    `capacity`, which only staff decide."""
    if decision == "approve":
        if reason:
            raise InvalidParams({"reason": ["Approving a change takes no reason."]})
        params: dict[str, Any] = {"unit": unit, "unit_cost": unit_cost, "capacity": capacity}
    elif decision == "reject":
        given = {"unit": unit, "unit_cost": unit_cost, "capacity": capacity}
        stray = [key for key, value in given.items() if value not in ("", None)]
        if stray:
            raise InvalidParams(
                {key: ["Rejecting a change takes only a reason."] for key in stray}
            )
        params = {"reason": reason}
    else:
        raise InvalidParams({"decision": ["Choose approve or reject."]})
    decided: ServiceChange = workflows.transition(change, decision, by=by, note=note, **params)
    return decided


def _new_service(change: ServiceChange) -> Service:
    terms = change.terms
    missing = {
        key: [message]
        for key, message in (
            ("unit", "Choose the unit the new service is paid by."),
            ("unit_cost", "Enter the cost of one unit to the council, like 25.00."),
            ("capacity", "Enter how many children can attend on one day."),
        )
        if not terms.get(key)
    }
    if missing:
        raise InvalidParams(missing)
    if terms["unit"] not in Unit.values:
        raise InvalidParams({"unit": ["Choose session, hour or night."]})
    return Service(
        provider=change.provider,
        unit=terms["unit"],
        unit_cost=money(terms["unit_cost"], "unit_cost"),
        capacity=terms["capacity"],
    )


def _apply(service: Service, values: dict[str, Any]) -> None:
    """Copy proposal-shaped values onto the service and its rows. A row named by id is changed
    in place, keeping its published UUID; a row left out is removed; one without an id is new."""
    for key in SCALARS:
        setattr(service, key, values[key])
    service.assured_on = clock.today()
    service.save()
    converters: dict[str, Callable[[Any], Any]] = {
        "amount": Decimal,
        "opens_at": lambda text: dt.time.fromisoformat(text) if text else None,
        "closes_at": lambda text: dt.time.fromisoformat(text) if text else None,
    }
    models_of: dict[str, type[models.Model]] = {
        "contacts": Contact,
        "cost_options": CostOption,
        "schedules": Schedule,
    }
    for name in LISTS:
        rows = {row.pk: row for row in getattr(service, name).all()}
        kept = []
        for item in values[name]:
            row = rows.get(item["id"]) or models_of[name](service=service)
            for key, value in item.items():
                if key != "id":
                    setattr(row, key, converters[key](value) if key in converters else value)
            row.save()
            kept.append(row.pk)
        getattr(service, name).exclude(pk__in=kept).delete()
    service.needs.exclude(need__in=values["needs"]).delete()
    have = set(service.needs.values_list("need", flat=True))
    ServiceNeed.objects.bulk_create(
        ServiceNeed(service=service, need=need) for need in values["needs"] if need not in have
    )


def service_change_apply(change: ServiceChange, *, by: User, on: dt.date) -> None:
    """The effect of approving a change, in the approval's transaction: the service (or a new
    one) takes the proposed values and is marked as checked today."""
    if change.service_id is None:
        service = _new_service(change)
    else:
        if change.terms:
            raise InvalidParams(
                {key: ["Only a new service is given this when approved."] for key in change.terms}
            )
        service = Service.objects.select_for_update().get(pk=change.service_id)
    _apply(service, change.values)
    if change.service_id is None:
        change.service = service
        change.save(update_fields=["service"])
    audit(service, "change_approved", by=by, params={"change": change.pk})


@transaction.atomic
def service_edit(*, by: User, service: Service, values: Any) -> Service:
    """Staff change a service's directory entry directly: applied at once, and audited."""
    _require_offer_editor(by)
    locked = Service.objects.select_for_update().get(pk=service.pk)
    cleaned = clean_values(values)
    check_item_ids(locked, cleaned)
    before = values_of(locked)
    _apply(locked, cleaned)
    after = values_of(locked)
    changed = sorted(key for key in before if before[key] != after[key])
    audit(locked, "edited", by=by, params={"fields": changed})
    return locked


@transaction.atomic
def service_mark_checked(*, by: User, service: Service) -> Service:
    """Staff confirm a service's entry is still right: it is marked as checked today."""
    _require_offer_editor(by)
    locked = Service.objects.select_for_update().get(pk=service.pk)
    previous = locked.assured_on
    locked.assured_on = clock.today()
    locked.save(update_fields=["assured_on", "updated_at"])
    audit(
        locked,
        "marked_checked",
        by=by,
        source=previous.isoformat() if previous else "",
        target=locked.assured_on.isoformat(),
    )
    return locked
