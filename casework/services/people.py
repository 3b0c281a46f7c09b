"""Casework use cases about people: a child new to the service (refused as a possible duplicate
unless confirmed), and the parents and carers recorded with them. Each is atomic."""

from __future__ import annotations

import datetime as dt
from typing import NotRequired, TypedDict, Unpack

from django.db import transaction

from accounts.models import Team, User
from casework import people_reads, selectors
from casework.access_log import Read as Read
from casework.access_log import access_record as access_record
from casework.access_log import access_record_many as access_record_many
from casework.models import (
    SECTIONS,
    Child,
    FamilyMember,
)
from casework.services.representations import plan_comment as plan_comment
from casework.services.representations import representation_add as representation_add
from workflows import clock
from workflows.acting import require_staff
from workflows.errors import InvalidParams, NotPermitted, WorkflowError
from workflows.services import audit

SECTION_FIELDS = [name for name, _, _ in SECTIONS]
PLAN_EDITABLE_FIELDS = [
    *SECTION_FIELDS,
    "placement_name",
    "phase_transfer_on",
    "phase_transfer",
    "phase_transfer_setting",
]


class NewChild(TypedDict):
    """The child of a referral for a child not yet known to the service."""

    given_name: str
    family_name: str
    date_of_birth: dt.date
    primary_need: str
    nhs_number: NotRequired[str]
    gender: NotRequired[str]
    ethnicity: NotRequired[str]
    postcode: NotRequired[str]
    school: NotRequired[str]
    confirm_not_duplicate: NotRequired[bool]


class NewFamilyMember(TypedDict):
    """The parent or carer a referral names, recorded with the child (`family_member_add`)."""

    name: str
    relationship: str
    email: NotRequired[str]
    phone: NotRequired[str]
    address: NotRequired[str]
    has_parental_responsibility: NotRequired[bool]


class PossibleDuplicate(WorkflowError):
    """A child with the same names and date of birth, or NHS number, is already recorded.

    The user is shown the matches they may read, and only a count of the others: they typed
    the names themselves, but another team's child's record is not theirs to see (DESIGN §9),
    and a count is enough to know to ask before recording the child twice."""

    code = "possible_duplicate"

    def __init__(self, *, matches: list[Child], others: int) -> None:
        self.matches = matches
        self.others = others
        reasons = [
            f"{child.full_name}, born {child.date_of_birth:%-d %B %Y}, is already recorded."
            for child in matches
        ]
        if others:
            reasons.append(
                f"{others} {'child' if others == 1 else 'children'} with these details "
                f"{'is' if others == 1 else 'are'} recorded by another team: ask them before "
                "you go on."
            )
        super().__init__(
            "A child with the same name and date of birth, or the same NHS number, is already "
            "recorded. Check this is a different child before you go on.",
            reasons=reasons,
            extra={
                "matches": [
                    {
                        "id": child.pk,
                        "name": child.full_name,
                        "date_of_birth": child.date_of_birth.isoformat(),
                    }
                    for child in matches
                ],
                "others": others,
            },
        )


def _team_of(by: User) -> Team:
    team = by.teams.order_by("pk").first()
    if team is None:
        raise NotPermitted("You are not a member of a team, so you cannot hold cases.")
    return team


def _not_in_future(field: str, day: dt.date | None) -> None:
    if day is not None and day > clock.today():
        raise InvalidParams({field: ["The date cannot be in the future."]})


def child_create(
    *,
    by: User,
    given_name: str,
    family_name: str,
    date_of_birth: dt.date,
    primary_need: str,
    nhs_number: str = "",
    upn: str = "",
    gender: str = "",
    ethnicity: str = "",
    disabilities: list[str] | None = None,
    postcode: str = "",
    ward: str = "",
    school: str = "",
    confirm_not_duplicate: bool = False,
) -> Child:
    """A child new to the service; refused as a `PossibleDuplicate` when one like them is
    recorded, unless the user has confirmed this is a different child."""
    require_staff(by)
    if date_of_birth > clock.today():
        raise InvalidParams({"date_of_birth": ["Date of birth must be in the past."]})
    if Child(date_of_birth=date_of_birth).age_on(clock.today()) > 25:
        raise InvalidParams(
            {"date_of_birth": ["Pathway supports children and young people aged 0 to 25."]}
        )
    digits = nhs_number.replace(" ", "")
    if (
        confirm_not_duplicate
        and digits
        and people_reads.children_like(
            given_name="", family_name="", date_of_birth=None, nhs_number=digits
        ).exists()
    ):
        # Two children may share a name and a birthday, never an NHS number: that one is not
        # confirmed away.
        raise InvalidParams(
            {
                "nhs_number": [
                    "A child with this NHS number is already recorded, and an NHS number "
                    "belongs to one person. Check the number, or find the child with the search."
                ]
            }
        )
    if not confirm_not_duplicate:
        like = list(
            people_reads.children_like(
                given_name=given_name,
                family_name=family_name,
                date_of_birth=date_of_birth,
                nhs_number=nhs_number,
            )
        )
        if like:
            readable = set(
                selectors.children_readable_by(by)
                .filter(pk__in=[child.pk for child in like])
                .values_list("pk", flat=True)
            )
            matches = [child for child in like if child.pk in readable]
            raise PossibleDuplicate(matches=matches, others=len(like) - len(matches))
    return Child.objects.create(
        team=_team_of(by),
        given_name=given_name,
        family_name=family_name,
        date_of_birth=date_of_birth,
        primary_need=primary_need,
        nhs_number=nhs_number,
        upn=upn,
        gender=gender,
        ethnicity=ethnicity,
        disabilities=disabilities or [],
        postcode=postcode,
        ward=ward,
        school=school,
    )


class FamilyMemberChanges(TypedDict, total=False):
    """What `family_member_update` may change: only the fields given change."""

    name: str
    relationship: str
    email: str
    phone: str
    address: str
    has_parental_responsibility: bool


def _family_member_checked(changes: FamilyMemberChanges) -> None:
    missing = {
        field: [message]
        for field, message in (
            ("name", "Enter the parent or carer's full name."),
            ("relationship", "Enter the parent or carer's relationship to the child."),
        )
        if field in changes and not str(changes[field]).strip()  # type: ignore[literal-required]
    }
    if missing:
        raise InvalidParams(missing)


def _staff_of_child(by: User, child: Child) -> None:
    require_staff(by)
    if not selectors.children_visible_to(by).filter(pk=child.pk).exists():
        raise NotPermitted("Only staff of the child's team can do this.")


@transaction.atomic
def family_member_add(
    *,
    by: User,
    child: Child,
    name: str,
    relationship: str,
    email: str = "",
    phone: str = "",
    address: str = "",
    has_parental_responsibility: bool = False,
) -> FamilyMember:
    _staff_of_child(by, child)
    _family_member_checked({"name": name, "relationship": relationship})
    member = FamilyMember.objects.create(
        child=child,
        name=name.strip(),
        relationship=relationship.strip(),
        email=email.strip().casefold(),
        phone=phone.strip(),
        address=address.strip(),
        has_parental_responsibility=has_parental_responsibility,
    )
    audit(member, "family_member_add", by=by, params={"child": child.pk})
    return member


@transaction.atomic
def family_member_update(
    *, by: User, member: FamilyMember, **changes: Unpack[FamilyMemberChanges]
) -> FamilyMember:
    """Correct or complete a parent's or carer's details. The audit names the fields changed,
    not their values: contact details may be withheld from others for good reason."""
    _staff_of_child(by, member.child)
    _family_member_checked(changes)
    locked = FamilyMember.objects.select_for_update().get(pk=member.pk)
    cleaned: dict[str, object] = {
        field: value.strip() if isinstance(value, str) else value
        for field, value in changes.items()
    }
    if isinstance(cleaned.get("email"), str):
        cleaned["email"] = str(cleaned["email"]).casefold()
    changed = sorted(field for field, value in cleaned.items() if getattr(locked, field) != value)
    if not changed:
        return locked
    for field in changed:
        setattr(locked, field, cleaned[field])
    locked.save(update_fields=changed)
    audit(
        locked, "family_member_change", by=by, params={"child": locked.child_id, "fields": changed}
    )
    return locked
