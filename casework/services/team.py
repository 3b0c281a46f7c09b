"""Writers of a child's team around the child (DESIGN §3): members join, change part and leave;
the family's consent to each agency is given and withdrawn.

Staff of the child's team add and change members; a member is never deleted, only ended, and a
professional's access to the child ends on the day their membership does. Consent is recorded by
staff or by the family, one record more each time, never changed.
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.db.models import Q

from accounts.models import ConsentAgency, Organisation, User
from accounts.roles import Role
from casework.models import Child, Consent, ConsentGivenBy, FamilyMember, TeamMember, TeamPart
from workflows import clock
from workflows.acting import require_staff
from workflows.audit import audit
from workflows.errors import InvalidParams, NotPermitted

# How a family member who is the young person themself is recorded (FamilyMember.relationship
# is free text): their login records consent as the young person, every other one as a parent.
YOUNG_PERSON_RELATIONSHIPS = frozenset({"self", "young person", "the young person"})
CONSENT_FROM_AGE = 16


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


def _one_convener(child: Child, *, part: str, besides: int | None) -> None:
    """One review convener at a time: the person who arranges the review meeting (reg 20)."""
    if part != TeamPart.REVIEW_CONVENER:
        return
    others = TeamMember.objects.current(clock.today()).filter(
        child=child, part=TeamPart.REVIEW_CONVENER
    )
    if besides is not None:
        others = others.exclude(pk=besides)
    current = others.first()
    if current is not None:
        raise InvalidParams(
            {
                "part": [
                    f"{current.name} already convenes {child.full_name}'s reviews: end their "
                    "part first, or choose another part."
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
    if user is not None:
        already = TeamMember.objects.current(clock.today()).filter(child=child, user=user).first()
        if already is not None:
            raise InvalidParams(
                {
                    "user": [
                        f"{already.name} is already in {child.full_name}'s team, as "
                        f"{already.get_part_display().lower()}: change their part instead."
                    ]
                }
            )
    if profile is not None:
        # A professional appears under their own name, never one typed for them.
        name = user.full_name or user.email  # type: ignore[union-attr]
        organisation = organisation or profile.organisation
        profession = profession or profile.profession
        email = email or user.email  # type: ignore[union-attr]
    if not name.strip():
        raise InvalidParams({"name": ["Enter the person's name."]})
    if not profession:
        raise InvalidParams({"profession": ["Select the person's profession."]})
    _dates(starts_on, None)
    if starts_on < child.date_of_birth:
        raise InvalidParams(
            {"from": [f"The start date cannot be before {child.given_name} was born."]}
        )
    _one_key_worker(child, part=part, starts_on=starts_on, ends_on=None, besides=None)
    _one_convener(child, part=part, besides=None)
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
    if new_end is None:
        _one_convener(member.child, part=new_part, besides=member.pk)
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


def is_young_person(member: FamilyMember) -> bool:
    return member.relationship.strip().lower() in YOUNG_PERSON_RELATIONSHIPS


def _family_link(by: User, child: Child) -> FamilyMember | None:
    """The family login's own entry among the child's family members, or None for staff."""
    if not by.has_role(Role.FAMILY):
        return None
    return FamilyMember.objects.filter(child=child, user=by).order_by("pk").first()


def _consent_giver(by: User, child: Child, given_by: str | None) -> str:
    """Who gave the consent: staff say so; a family login gives it as what it is, a parent or
    the young person themself, and cannot record it for the other."""
    if by.has_role(Role.PRACTITIONER) and child.team.memberships.filter(user=by).exists():
        if not given_by:
            raise InvalidParams({"by": ["Choose who gave or withdrew the consent."]})
        return given_by
    link = _family_link(by, child)
    if link is None:
        raise NotPermitted("Only the child's team or family can record consent.")
    own = ConsentGivenBy.YOUNG_PERSON if is_young_person(link) else ConsentGivenBy.PARENT
    if given_by and given_by != own:
        who = "the young person" if own == ConsentGivenBy.YOUNG_PERSON else "a parent or carer"
        raise InvalidParams({"by": [f"You record consent as {who}."]})
    return own


@transaction.atomic
def consent_record(
    *,
    by: User,
    child: Child,
    agency: str,
    given: bool,
    on: dt.date,
    given_by: str | None = None,
) -> Consent:
    """Record the family's consent to one agency seeing the child's record, given or withdrawn.

    Append-only: the latest record for the agency stands (`selectors.consent_standing`), so a
    withdrawal dated today ends that agency's professionals' access on their next request. A
    young person gives their own consent from 16 (on the date it was given)."""
    if agency not in ConsentAgency.values:
        raise InvalidParams({"agency": ["Choose education, health or social care."]})
    if given_by and given_by not in ConsentGivenBy.values:
        raise InvalidParams({"by": ["Choose a parent or carer, or the young person."]})
    giver = _consent_giver(by, child, given_by)
    if on > clock.today():
        raise InvalidParams({"on": ["The date cannot be in the future."]})
    if on < child.date_of_birth:
        raise InvalidParams({"on": [f"The date cannot be before {child.given_name} was born."]})
    if giver == ConsentGivenBy.YOUNG_PERSON and child.age_on(on) < CONSENT_FROM_AGE:
        raise InvalidParams(
            {
                "by": [
                    f"{child.given_name} was not yet {CONSENT_FROM_AGE} on that date: a parent "
                    "or carer gives consent until then."
                ]
            }
        )
    Child.objects.select_for_update().filter(pk=child.pk).first()  # one record at a time
    latest = Consent.objects.filter(child=child, agency=agency).order_by("-on", "-id").first()
    if latest is not None and on < latest.on:
        # The latest date stands, so an earlier one would be recorded and change nothing.
        word = "given" if latest.given else "withdrawn"
        raise InvalidParams(
            {
                "on": [
                    f"Consent for {agency.replace('_', ' ')} was {word} on "
                    f"{latest.on:%-d %B %Y}, which stands: enter that date or a later one."
                ]
            }
        )
    consent = Consent.objects.create(
        child=child, agency=agency, given=given, on=on, by=giver, recorded_by=by
    )
    audit(
        consent,
        "consent_give" if given else "consent_withdraw",
        by=by,
        target=agency,
        params={"child": child.pk, "on": on.isoformat(), "by": giver},
    )
    return consent
