"""Writers of a child's team around the child (DESIGN §3): members join, change part and leave.

Staff of the child's team add and change members; a member is never deleted, only ended, and a
professional's access to the child ends on the day their membership does.
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.db.models import Q

from accounts.models import Organisation, User
from casework.models import Child, TeamMember, TeamPart
from workflows import clock
from workflows.acting import require_staff
from workflows.audit import audit
from workflows.errors import InvalidParams


def _key_worker_overlapping(
    child: Child, *, starts_on: dt.date, ends_on: dt.date | None, besides: int | None
) -> TeamMember | None:
    """A key worker of the child whose time [starts_on, ends_on) meets this one's; a key worker
    whose membership ends on the day another's starts hands over that day."""
    others = TeamMember.objects.filter(child=child, part=TeamPart.KEY_WORKER)
    if besides is not None:
        others = others.exclude(pk=besides)
    others = others.filter(Q(ends_on__isnull=True) | Q(ends_on__gt=starts_on))
    if ends_on is not None:
        others = others.filter(starts_on__lt=ends_on)
    return others.order_by("starts_on", "pk").first()


def _one_key_worker(
    child: Child, *, part: str, starts_on: dt.date, ends_on: dt.date | None, besides: int | None
) -> None:
    if part != TeamPart.KEY_WORKER:
        return
    current = _key_worker_overlapping(child, starts_on=starts_on, ends_on=ends_on, besides=besides)
    if current is not None:
        raise InvalidParams(
            {
                "key_worker": [
                    f"{child.full_name} already has a key worker, {current.name}: end their "
                    "time as key worker first, or give this person another part."
                ]
            }
        )


def _dates(starts_on: dt.date, ends_on: dt.date | None) -> None:
    if starts_on > clock.today():
        raise InvalidParams({"from": ["The start date cannot be in the future."]})
    if ends_on is not None and ends_on < starts_on:
        raise InvalidParams({"to": ["The end date must be the same as or after the start date."]})


@transaction.atomic
def team_member_add(
    *,
    by: User,
    child: Child,
    part: str,
    starts_on: dt.date,
    user: User | None = None,
    name: str = "",
    organisation: Organisation | None = None,
    profession: str = "",
    email: str = "",
    phone: str = "",
) -> TeamMember:
    """Add someone to the child's team: a professional user (their name, organisation and
    profession come from their profile unless given) or a named contact outside Pathway."""
    require_staff(by)
    Child.objects.select_for_update().filter(pk=child.pk).first()  # one key worker at a time
    profile = getattr(user, "professional", None) if user is not None else None
    if profile is not None:
        name = name or user.full_name or user.email  # type: ignore[union-attr]
        organisation = organisation or profile.organisation
        profession = profession or profile.profession
        email = email or user.email  # type: ignore[union-attr]
    if not name.strip():
        raise InvalidParams({"name": ["Enter the person's name."]})
    if not profession:
        raise InvalidParams({"profession": ["Select the person's profession."]})
    _dates(starts_on, None)
    _one_key_worker(child, part=part, starts_on=starts_on, ends_on=None, besides=None)
    member = TeamMember.objects.create(
        child=child,
        user=user,
        name=name.strip(),
        organisation=organisation,
        profession=profession,
        part=part,
        email=email,
        phone=phone,
        starts_on=starts_on,
        added_by=by,
    )
    audit(member, "team_member_add", by=by, target=part, params={"child": child.pk})
    return member


@transaction.atomic
def team_member_change(
    *,
    by: User,
    member: TeamMember,
    part: str | None = None,
    ends_on: dt.date | None = None,
) -> TeamMember:
    """Change a member's part or end their membership on `ends_on` (today ends their access at
    once); an ended membership stays on the record and is never reopened: the person is added
    again."""
    require_staff(by)
    member = TeamMember.objects.select_for_update().get(pk=member.pk)
    if member.ends_on is not None and member.ends_on <= clock.today():
        raise InvalidParams({"to": ["This membership has ended: add the person again instead."]})
    new_part = part or member.part
    new_end = ends_on if ends_on is not None else member.ends_on
    _dates(member.starts_on, new_end)
    if ends_on is not None and ends_on > clock.today():
        raise InvalidParams({"to": ["The end date cannot be in the future."]})
    _one_key_worker(
        member.child, part=new_part, starts_on=member.starts_on, ends_on=new_end, besides=member.pk
    )
    source = member.part
    member.part, member.ends_on = new_part, new_end
    member.save(update_fields=["part", "ends_on"])
    audit(
        member,
        "team_member_end" if ends_on is not None else "team_member_change",
        by=by,
        source=source,
        target=new_part,
        params={"child": member.child_id, "to": new_end},
    )
    return member
