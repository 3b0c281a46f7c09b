"""Scoped reads of online requests for an assessment (beside `casework.selectors`, which is full):
the queue staff see, and the children each request may be about."""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import Q, QuerySet

from accounts.models import User
from casework.models import Child, EHCRequest
from casework.selectors import children_visible_to, is_staff_member


def ehc_requests_visible_to(user: User) -> QuerySet[EHCRequest]:
    """Staff see the requests for their teams' children and every request not yet matched to a
    child: somebody without an account cannot say which team the child belongs to."""
    if not is_staff_member(user):
        return EHCRequest.objects.none()
    return EHCRequest.objects.filter(
        Q(child__isnull=True) | Q(child__in=children_visible_to(user))
    ).distinct()


def _words(name: str) -> set[str]:
    return {word for word in name.casefold().replace("-", " ").split() if word}


def possible_matches(user: User, requests: Iterable[EHCRequest]) -> dict[int, list[Child]]:
    """For each request, the caller's teams' children born the same day whose given or family
    name is one of the names the requester gave: one query for the whole page."""
    pending = [request for request in requests if request.child_id is None]
    births = {request.date_of_birth for request in pending}
    matches: dict[int, list[Child]] = {request.pk: [] for request in requests}
    if not births:
        return matches
    children = list(
        children_visible_to(user).filter(date_of_birth__in=births).order_by("family_name", "pk")
    )
    for request in pending:
        words = _words(request.child_name)
        matches[request.pk] = [
            child
            for child in children
            if child.date_of_birth == request.date_of_birth
            and words & (_words(child.given_name) | _words(child.family_name))
        ]
    return matches
