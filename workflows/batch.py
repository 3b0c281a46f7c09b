"""Batch work that goes on when one item fails (issue #15 item 11).

A periodic task that handles many items — every due instalment, every sweep statement — does each
in its own transaction through `each_in_own_transaction`. An item that raises is rolled back alone,
recorded as a `BatchFailure` and reported to its team's managers; the task goes on with the rest.
Every batch task is idempotent, so the failed item is simply tried again by the next run.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import TypeVar

from django.db import transaction
from django.db.models import QuerySet

from accounts.models import User
from accounts.roles import Role
from workflows import clock
from workflows.models import BatchFailure, Notification

log = logging.getLogger(__name__)

Item = TypeVar("Item")


@dataclass
class BatchResult:
    done: int = 0
    failed: int = 0


def each_in_own_transaction(
    task: str,
    items: Iterable[Item],
    do: Callable[[Item], int],
    *,
    describe: Callable[[Item], str] = str,
    team_of: Callable[[Item], int | None] = lambda item: None,
) -> BatchResult:
    """Run `do(item)` for each item in a transaction of its own; `do` returns how many things it
    did. A failing item is rolled back, reported and skipped."""
    result = BatchResult()
    for item in items:
        try:
            with transaction.atomic():
                result.done += do(item)
        except ConnectionError:
            raise  # the task's own retry policy handles a lost connection
        except Exception as error:
            result.failed += 1
            log.exception("%s failed for %s; going on with the others.", task, describe(item))
            batch_failure_report(
                task=task, item=describe(item), team_id=team_of(item), error=error
            )
    return result


def batch_failure_report(
    *, task: str, item: str, team_id: int | None, error: BaseException
) -> BatchFailure:
    """Record a failed item and tell who should act on it: the managers of its team, or every
    active administrator for an item that belongs to no one team (a sweep over all teams)."""
    with transaction.atomic():
        failure = BatchFailure.objects.create(
            task=task,
            item=item[:200],
            team_id=team_id,
            error=f"{type(error).__name__}: {error}"[:2000],
        )
        today = clock.today()
        # Written straight into the outbox, not through `outbox.notify`: the outbox's own
        # sweep and sender run through this module. The next periodic send delivers them.
        Notification.objects.bulk_create(
            [
                Notification(
                    recipient_id=recipient,
                    kind="batch_failure",
                    subject=f"Scheduled work failed: {item}"[:200],
                    body=(
                        f"The scheduled task “{task}” could not finish {item} on "
                        f"{today:%-d %B %Y}. Everything else in the run was done; this item "
                        "will be tried again at the next run. If it keeps failing, ask the "
                        "service desk to look at the batch failures in the admin."
                    ),
                    # One message a day for each failing item, however often the task runs.
                    dedupe_key=f"batch:{task}:{item}:{today:%Y%m%d}:{recipient}"[:200],
                )
                for recipient in _who_is_told(team_id)
            ],
            ignore_conflicts=True,
        )
    return failure


def _who_is_told(team_id: int | None) -> list[int]:
    people: QuerySet[User] = User.objects.filter(is_active=True)
    if team_id is None:
        people = people.filter(is_superuser=True)
    else:
        people = people.filter(memberships__team_id=team_id, groups__name=Role.TEAM_MANAGER)
    return list(people.order_by("pk").values_list("pk", flat=True).distinct())
