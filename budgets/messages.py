"""What the submitter and the family are told when a budget is decided (written to the outbox)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.urls import reverse

from casework.messages import to_family
from workflows.outbox import Message


def approved(budget: Any, *, by: Any, on: dt.date) -> list[Message]:
    amount = f"£{budget.agreed_amount:,.2f}"
    staff = (
        [
            Message(
                recipient_id=budget.submitted_by_id,
                kind="budget",
                subject=f"Budget approved: {budget.child} ({budget.period_label})",
                body=f"{by} approved the personal budget of {amount} for {budget.child}.",
                link=reverse("budgets:budget", args=[budget.pk]),
            )
        ]
        if budget.submitted_by_id
        else []
    )
    family = to_family(
        budget.child,
        "budget",
        f"{budget.child.given_name}'s personal budget has been approved",
        f"{budget.child.given_name}'s personal budget for {budget.period_label} is {amount}. "
        "You can see what it has been spent on, and what is left, in the budget statement.",
    )
    return staff + family


def returned(budget: Any, *, by: Any, on: dt.date) -> list[Message]:
    if not budget.submitted_by_id:
        return []
    return [
        Message(
            recipient_id=budget.submitted_by_id,
            kind="budget",
            subject=f"Budget returned for changes: {budget.child}",
            body=f"{by} returned the personal budget for {budget.child}: {budget.status_reason}",
            link=reverse("budgets:budget", args=[budget.pk]),
        )
    ]
