"""What the state factories share: they reach their state the way the product does."""

from __future__ import annotations

import datetime as dt
from typing import Any

import factory


class ThroughServices(factory.Factory):
    """A record reached through the product's services and `workflows.transition`, so that its
    audit rows, deadlines, ledger entries and notifications exist as they would in use.

    Each state factory's `_create` takes the state before it (its parent class's `_create`) one
    step on; the declarations are the people and dates those steps need. Such a record cannot be
    built without the database, so `build` is refused.
    """

    class Meta:
        abstract = True
        strategy = factory.CREATE_STRATEGY

    @classmethod
    def _generate(cls, strategy: str, params: dict[str, Any]) -> Any:
        if strategy != factory.CREATE_STRATEGY:
            raise TypeError(
                f"{cls.__name__} goes through the services: create it, do not build it."
            )
        return super()._generate(strategy, params)


def within(day: dt.date, start: dt.date, end: dt.date) -> dt.date:
    return min(max(day, start), end)
