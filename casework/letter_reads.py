"""Reads of decision letters shared by the API and the pages (DESIGN §3 "letters", §9).

A letter is a document shared with the family, so it is read by whoever reads what the family
shares: staff of the child's team, the child's family, and professionals in the child's team
while the family's consent stands (`selectors.children_shared_with`)."""

from __future__ import annotations

from django.db.models import QuerySet

from accounts.models import User
from casework import selectors
from casework.models import Letter


def letters_visible_to(user: User) -> QuerySet[Letter]:
    return Letter.objects.filter(
        plan__child__in=selectors.children_shared_with(user).values("pk")
    ).select_related("plan", "document")


def letters_of_plan(plan_id: int) -> QuerySet[Letter]:
    """A plan's letters for a page that has already checked who may see the plan."""
    return Letter.objects.filter(plan_id=plan_id).order_by("sent_on", "pk")
