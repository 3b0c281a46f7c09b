"""Reads about people, scoped like every casework read (DESIGN §9): finding a child by name,
date of birth, NHS number or UPN; the children who may be one about to be recorded; the parents
and carers staff may keep up to date."""

from __future__ import annotations

import datetime as dt

from django.db.models import (
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
)
from django.db.models.functions import Replace

from accounts.models import User
from casework.models import (
    Case,
    Child,
    FamilyMember,
)
from casework.selectors import children_readable_by, children_visible_to, is_staff_member


def _date_typed(word: str) -> dt.date | None:
    """A date as staff type it: 2019-03-04, or 4/3/2019 (day first, as in the UK)."""
    for pattern in ("%Y-%m-%d", "%d/%m/%Y"):
        try:
            return dt.datetime.strptime(word, pattern).date()
        except ValueError:
            continue
    return None


def children_matching(children: QuerySet[Child], text: str) -> QuerySet[Child]:
    """The children among `children` that a person search finds: every word must match a
    name, the date of birth or the UPN; ten digits, spaced or not, are an NHS number."""
    text = text.strip()
    if not text:
        return children
    digits = text.replace(" ", "")
    if len(digits) == 10 and digits.isdigit():
        return children.annotate(nhs_digits=Replace("nhs_number", Value(" "), Value(""))).filter(
            nhs_digits=digits
        )
    for word in text.split():
        born = _date_typed(word)
        if born is not None:
            children = children.filter(date_of_birth=born)
        else:
            children = children.filter(
                Q(given_name__icontains=word)
                | Q(family_name__icontains=word)
                | Q(upn__iexact=word)
            )
    return children


def children_found_by(user: User, text: str) -> QuerySet[Child]:
    """A person search on the pages: the children the user may read, each with the pk of its
    newest case, so that a result links to it without a query per row."""
    newest_case = Case.objects.filter(child=OuterRef("pk")).order_by("-opened_on", "-pk")
    return (
        children_matching(children_readable_by(user), text)
        .annotate(case_pk=Subquery(newest_case.values("pk")[:1]))
        .order_by("family_name", "given_name", "pk")
    )


def children_like(
    *, given_name: str, family_name: str, date_of_birth: dt.date | None, nhs_number: str = ""
) -> QuerySet[Child]:
    """The children already recorded who may be this one: the same first and last names (in
    any case) and date of birth, or the same NHS number. Across every team on purpose: a child
    who moved team is still the same child. Callers show only what the user may read. Without
    a date of birth only the NHS number is compared."""
    same = (
        Q(
            given_name__iexact=given_name.strip(),
            family_name__iexact=family_name.strip(),
            date_of_birth=date_of_birth,
        )
        if date_of_birth is not None
        else Q(pk__in=[])
    )
    digits = nhs_number.replace(" ", "")
    if digits:
        same |= Q(nhs_digits=digits)
    return (
        Child.objects.annotate(nhs_digits=Replace("nhs_number", Value(" "), Value("")))
        .filter(same)
        .order_by("pk")
    )


def family_members_editable_by(user: User) -> QuerySet[FamilyMember]:
    """The family members of the children of the user's own teams: staff keep them up to date."""
    if not is_staff_member(user):
        return FamilyMember.objects.none()
    return FamilyMember.objects.filter(child__in=children_visible_to(user)).select_related("child")
