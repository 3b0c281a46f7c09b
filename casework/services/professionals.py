"""Staff bring a professional from another agency into a child's team around the child (DESIGN
§3): someone new to Pathway gets an account and an e-mailed, single-use link to choose their
password; someone already in it is added to the team and told so, with no new link.

One account belongs to one person at one organisation, and is never shared with another role:
when someone leaves a school their access goes with them, and a parent who is also a teacher
keeps their family login apart from their work.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.urls import reverse

from accounts import services as accounts
from accounts.models import Organisation, Profession, Professional, User, normalise_email
from accounts.roles import Role
from casework.models import Child, TeamMember, TeamPart
from casework.selectors import children_visible_to
from casework.services.team import team_member_add
from workflows import clock
from workflows.acting import require_staff
from workflows.errors import InvalidParams, NotPermitted, TransitionNotAllowed
from workflows.outbox import Message, notify
from workflows.text import forbidden_character, line_break_in

ANOTHER_ROLE = (
    "This address belongs to a Pathway account that is not a professional's, so it cannot be "
    "invited: one account is never used for two roles. Ask the person for their work address."
)
CLOSED = (
    "The Pathway account of this address has been closed. Ask the system administrator to "
    "reopen it before you add the person to a team."
)


@dataclass(frozen=True)
class Invited:
    member: TeamMember
    professional: Professional
    invitation_sent: bool  # False: they already have a password and were sent a notice


def _address(email: str) -> str:
    address = normalise_email(email)
    try:
        validate_email(address)
    except ValidationError:
        raise InvalidParams(
            {"email": ["Enter an email address in the correct format, like name@example.org"]}
        ) from None
    return address


def _name(name: str) -> str:
    problem = forbidden_character(name) or line_break_in(name)
    if problem:
        raise InvalidParams({"name": [problem]})
    if not name.strip():
        raise InvalidParams({"name": ["Enter the person's name."]})
    return name.strip()


def _their_profile(user: User, organisation: Organisation) -> Professional:
    """The existing account's professional profile, if it may join this team for this
    organisation."""
    profile = Professional.objects.select_related("organisation").filter(user=user).first()
    other_roles = user.roles - {Role.PROFESSIONAL.value}
    if profile is None or other_roles or user.is_staff or user.is_superuser:
        raise InvalidParams({"email": [ANOTHER_ROLE]})
    if not user.is_active:
        raise InvalidParams({"email": [CLOSED]})
    if profile.organisation_id != organisation.pk:
        raise InvalidParams(
            {
                "organisation": [
                    f"This person's Pathway account is at {profile.organisation}. An account "
                    "belongs to one organisation, so that when someone moves on their old "
                    f"organisation's access ends: choose {profile.organisation}, or ask them "
                    f"for their address at {organisation} to invite them from there."
                ]
            }
        )
    return profile


def _tell_them_they_were_added(*, by: User, user: User) -> None:
    # The child is not named: the e-mail leaves the council's systems; the page does not.
    service = settings.PATHWAY_SERVICE_NAME
    notify(
        [
            Message(
                recipient_id=user.pk,
                kind="team_member_added",
                subject=f"You have been added to a child's team in {service}",
                body=(
                    f"{by.get_full_name()} of {settings.PATHWAY_COUNCIL_NAME} has added you to "
                    f"the team around a child in {service}. Sign in to see the child."
                ),
                link=reverse("accounts:home"),
            )
        ]
    )


@transaction.atomic
def professional_invite(
    *,
    by: User,
    email: str,
    name: str,
    organisation: Organisation,
    profession: str,
    child: Child,
    part: str,
) -> Invited:
    """Put a professional in the child's team from today, by their e-mail address.

    A new address gets a professional account (no password), its profile and an invitation
    e-mail. An address that is already a professional's at this organisation is added to the
    team and sent a notice; if they have not chosen a password yet, they get a new invitation
    instead (how someone whose link ran out gets another), and if they are in this child's team
    already, that is all that happens. Anything else is a 400 naming the field; nothing is kept.
    """
    require_staff(by)
    if not children_visible_to(by).filter(pk=child.pk).exists():
        raise NotPermitted("Only staff of the child's team can add someone to it.")
    if profession not in Profession.values:
        raise InvalidParams({"profession": ["Select the person's profession."]})
    if part not in TeamPart.values:
        raise InvalidParams({"part": ["Select the part they play in the team."]})
    address = _address(email)
    user = User.objects.select_for_update().filter(email=address).first()
    today = clock.today()
    if user is None:
        try:
            with transaction.atomic():
                profile = accounts.professional_create(
                    by=by,
                    email=address,
                    name=_name(name),
                    organisation=organisation,
                    profession=profession,
                )
        except IntegrityError:
            # Somebody else's invitation of the same new address committed first.
            raise TransitionNotAllowed(
                "Someone else has just invited this address. Try again to add them to this team."
            ) from None
        member = team_member_add(by=by, child=child, part=part, starts_on=today, user=profile.user)
        accounts.invitation_issue(by=by, user=profile.user)
        return Invited(member, profile, invitation_sent=True)

    profile = _their_profile(user, organisation)
    joined = user.has_usable_password()
    current = TeamMember.objects.current(today).filter(child=child, user=user).first()
    if current is not None and joined:
        raise InvalidParams(
            {"email": [f"{user.get_full_name()} is already in {child.full_name}'s team."]}
        )
    member = current or team_member_add(by=by, child=child, part=part, starts_on=today, user=user)
    if joined:
        _tell_them_they_were_added(by=by, user=user)
    else:
        accounts.invitation_issue(by=by, user=user)
    return Invited(member, profile, invitation_sent=not joined)
