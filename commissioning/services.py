"""Commissioning writes: loading a plan from its data file, targets, action progress, feedback."""

from __future__ import annotations

import datetime as dt
import json
import re
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from django.db import IntegrityError, transaction

from accounts.models import User
from accounts.roles import Role
from budgets import periods
from casework.models import Child
from casework.selectors import children_visible_to
from commissioning.metrics.catalogue import METRICS
from commissioning.models import (
    Action,
    ActionStatus,
    ActionStep,
    Comparator,
    Direction,
    Feedback,
    ImplementationPlan,
    Measure,
    Outcome,
    ProgressNote,
    Target,
    Theme,
    quarter_start,
)
from workflows import clock
from workflows.errors import InvalidParams, NotPermitted
from workflows.services import audit

DATA = Path(__file__).resolve().parent / "data"
COMPARATORS_FILE = DATA / "national-comparators.json"
# "By 12/11", "2/12 – 9/12", "From 6/12": month/two-digit year, not part of a day/month/year.
MONTH_YEAR = re.compile(r"(?<![\d/])(\d{1,2})/(\d{2})(?![\d/])")


def plan_file(slug: str) -> Path:
    path = DATA / f"{slug}.json"
    if not re.fullmatch(r"[a-z0-9-]+", slug) or not path.exists():
        known = sorted(p.stem for p in DATA.glob("*.json") if p != COMPARATORS_FILE)
        raise InvalidParams({"plan": [f"No plan called {slug!r}: choose one of {known}."]})
    return path


def due_date(text: str) -> dt.date | None:
    """The last day of the last month/year a due date names: "2/12 – 9/12" → 30 Sep 2012."""
    found = MONTH_YEAR.findall(text)
    if not found:
        return None
    month, year = (int(part) for part in found[-1])
    if not 1 <= month <= 12:
        return None
    first_of_next = dt.date(2000 + year + month // 12, month % 12 + 1, 1)
    return first_of_next - dt.timedelta(days=1)


def _action_due(action: dict[str, Any]) -> dt.date | None:
    dates = [due_date(action["due"])] + [due_date(step["due"]) for step in action["steps"]]
    known = [day for day in dates if day is not None]
    return max(known) if known else None


@transaction.atomic
def plan_load(*, slug: str) -> tuple[ImplementationPlan, bool]:
    """Load a plan from `commissioning/data/<slug>.json`; running it again changes nothing.

    The plan's text is kept as written. Progress recorded since (action status, notes) and
    targets a commissioner has changed are left alone: the file seeds them, it does not own them.
    """
    data = json.loads(plan_file(slug).read_text(encoding="utf-8"))
    plan, created = ImplementationPlan.objects.update_or_create(
        slug=data["slug"],
        defaults={
            "title": data["title"],
            "owner": data["owner"],
            "start_on": dt.date.fromisoformat(data["start_on"]),
            "end_on": dt.date.fromisoformat(data["end_on"]),
            "source": data["source"],
        },
    )
    measures_by_metric: dict[str, list[Measure]] = {}
    for theme_position, theme_data in enumerate(data["themes"], start=1):
        theme, _ = Theme.objects.update_or_create(
            plan=plan, position=theme_position, defaults={"title": theme_data["title"]}
        )
        for outcome_position, outcome_data in enumerate(theme_data["outcomes"], start=1):
            outcome, _ = Outcome.objects.update_or_create(
                theme=theme, position=outcome_position, defaults={"text": outcome_data["text"]}
            )
            for measure_position, measure_data in enumerate(outcome_data["measures"], start=1):
                key = measure_data["metric"]
                if key and key not in METRICS:
                    raise InvalidParams({"metric": [f"No metric called {key!r}."]})
                measure, _ = Measure.objects.update_or_create(
                    outcome=outcome,
                    position=measure_position,
                    defaults={"text": measure_data["text"], "metric": key},
                )
                if key:
                    measures_by_metric.setdefault(key, []).append(measure)
        for action_data in theme_data["actions"]:
            action, _ = Action.objects.update_or_create(
                theme=theme,
                number=action_data["number"],
                defaults={
                    "text": action_data["text"],
                    "lead": action_data["lead"],
                    "due_text": action_data["due"],
                    "due_on": _action_due(action_data),
                    "evidence": action_data["evidence"],
                },
            )
            for step in action_data["steps"]:
                ActionStep.objects.update_or_create(
                    action=action,
                    letter=step["letter"],
                    defaults={
                        "text": step["text"],
                        "due_text": step["due"],
                        "evidence": step["evidence"],
                    },
                )
    for target in data.get("illustrative_targets", {}).get("targets", []):
        for measure in measures_by_metric[target["metric"]]:
            Target.objects.get_or_create(
                measure=measure,
                period=target["period"],
                defaults={
                    "value": Decimal(target["value"]),
                    "direction": target["direction"],
                    "baseline": Decimal(target["baseline"]) if target.get("baseline") else None,
                    "illustrative": True,
                },
            )
    comparators_load()
    return plan, created


def comparators_load() -> int:
    """National figures from their data file; one row per metric and year."""
    data = json.loads(COMPARATORS_FILE.read_text(encoding="utf-8"))
    for row in data["comparators"]:
        Comparator.objects.update_or_create(
            metric=row["metric"],
            year=row["year"],
            defaults={
                "label": row["label"],
                "value": Decimal(row["value"]),
                "unit": row["unit"],
                "source": row["source"],
            },
        )
    return len(data["comparators"])


def _require_commissioner(by: User) -> None:
    if not by.has_role(Role.COMMISSIONER):
        raise NotPermitted("Only commissioners can change the plan, its targets and actions.")


def _decimal(value: Any, field: str) -> Decimal:
    if isinstance(value, float):
        raise InvalidParams({field: ["Give the figure as a decimal string, like 12.5."]})
    try:
        number = Decimal(str(value).strip())
    except (InvalidOperation, ValueError):
        raise InvalidParams({field: ["Enter a number, like 12 or 12.5."]}) from None
    if not number.is_finite() or number < 0:
        raise InvalidParams({field: ["Enter a number of zero or more."]})
    if number.as_tuple().exponent < -2 or abs(number) >= Decimal("1e10"):  # type: ignore[operator]
        raise InvalidParams({field: ["Give at most 10 digits and 2 decimal places."]})
    return number


def target_set(
    *,
    by: User,
    measure: Measure,
    period: str,
    value: Any,
    direction: str = Direction.AT_LEAST,
    baseline: Any = None,
) -> Target:
    """Set (or replace) the target for a measure in a financial year; no longer illustrative."""
    _require_commissioner(by)
    errors: dict[str, list[str]] = {}
    try:
        periods.parse(period)
    except ValueError as error:
        errors["period"] = [str(error)]
    if direction not in Direction.values:
        errors["direction"] = ["Choose at least or at most."]
    if not measure.metric:
        errors["measure"] = ["This measure is not computed from records, so it has no target."]
    if errors:
        raise InvalidParams(errors)
    amount = _decimal(value, "value")
    base = None if baseline in (None, "") else _decimal(baseline, "baseline")
    with transaction.atomic():
        target, created = Target.objects.select_for_update().get_or_create(
            measure=measure,
            period=period,
            defaults={"value": amount, "direction": direction, "baseline": base},
        )
        before = "" if created else f"{target.direction} {target.value}"
        target.value = amount
        target.direction = direction
        target.baseline = base
        target.illustrative = False
        target.updated_by = by
        target.save()
        audit(
            target,
            "set_target",
            by=by,
            source=before,
            target=f"{direction} {amount}",
            params={"period": period, "measure": measure.pk},
        )
    return target


def action_update(
    *, by: User, action: Action, status: str, note: str, on: dt.date | None = None
) -> ProgressNote:
    """Move an action to a status, with a dated note of what happened."""
    _require_commissioner(by)
    on = on or clock.today()
    errors: dict[str, list[str]] = {}
    if status not in ActionStatus.values:
        errors["status"] = ["Choose a status from the list."]
    if not note.strip():
        errors["note"] = ["Write what has happened."]
    if on > clock.today():
        errors["on"] = ["The date of a progress note cannot be in the future."]
    if errors:
        raise InvalidParams(errors)
    with transaction.atomic():
        locked = Action.objects.select_for_update().get(pk=action.pk)
        before = locked.status
        locked.status = status
        locked.status_changed_on = on
        locked.save(update_fields=["status", "status_changed_on"])
        progress = ProgressNote.objects.create(
            action=locked, written_on=on, status=status, text=note.strip(), author=by
        )
        audit(locked, "update_action", by=by, note=note, source=before, target=status)
    action.refresh_from_db()
    return progress


def feedback_give(*, by: User, child: Child, rating: int, comment: str = "") -> Feedback:
    """A family's rating of the support their child gets: one per child per quarter, so a
    second rating in the quarter replaces the first, whose values go to the audit log."""
    if not by.has_role(Role.FAMILY) or not children_visible_to(by).filter(pk=child.pk).exists():
        raise NotPermitted("Only the child's family can give feedback on their support.")
    if not isinstance(rating, int) or isinstance(rating, bool) or not 1 <= rating <= 5:
        raise InvalidParams({"rating": ["Choose a rating from 1 to 5."]})
    today = clock.today()
    given = {
        "team_id": child.team_id,
        "given_by": by,
        "given_on": today,
        "rating": rating,
        "comment": comment.strip(),
    }
    quarter = {"child": child, "period_start": quarter_start(today)}
    with transaction.atomic():
        previous = Feedback.objects.select_for_update().filter(**quarter).first()
        if previous is None:
            try:
                with transaction.atomic():
                    return Feedback.objects.create(**quarter, **given)
            except IntegrityError:  # the family's other login rated at the same moment
                previous = Feedback.objects.select_for_update().get(**quarter)
        audit(
            previous,
            "replace_feedback",
            by=by,
            source=str(previous.rating),
            target=str(rating),
            params={
                "given_on": previous.given_on.isoformat(),
                "given_by": previous.given_by_id,
                "comment": previous.comment,
            },
        )
        for name, value in given.items():
            setattr(previous, name, value)
        previous.save()
    return previous
