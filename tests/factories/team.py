"""The team around the child: organisations, professionals, team members, consents, case notes.

Rows only: each is written as it is, with no service run (no access log, no notification).
`ProfessionalFactory` makes a user with the `professional` role and their organisation.
"""

from __future__ import annotations

import factory

from accounts.models import Organisation, Professional
from accounts.roles import Role
from casework.models import CaseNote, Consent, TeamMember
from tests.factories.accounts import UserFactory
from tests.factories.casework import ChildFactory
from workflows import clock


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation
        django_get_or_create = ("name",)

    name = factory.Sequence(lambda n: f"Rochester Primary School {n}")
    agency = "education"


class ProfessionalFactory(factory.django.DjangoModelFactory):
    """A professional's profile; `user` is a new user with the professional role."""

    class Meta:
        model = Professional

    user = factory.SubFactory(UserFactory, role=Role.PROFESSIONAL)
    organisation = factory.SubFactory(OrganisationFactory)
    profession = "senco"


class TeamMemberFactory(factory.django.DjangoModelFactory):
    """A named contact outside Pathway unless `user=` is given (then name and organisation are
    the professional's own)."""

    class Meta:
        model = TeamMember

    child = factory.SubFactory(ChildFactory)
    user = None
    name = factory.LazyAttribute(
        lambda member: member.user.full_name if member.user else "Dr Priya Shah"
    )
    organisation = factory.LazyAttribute(
        lambda member: member.user.professional.organisation if member.user else None
    )
    profession = factory.LazyAttribute(
        lambda member: member.user.professional.profession if member.user else "paediatrician"
    )
    part = "adviser"
    starts_on = factory.LazyFunction(clock.today)
    added_by = factory.SubFactory(UserFactory, role=Role.PRACTITIONER)


class ConsentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Consent

    child = factory.SubFactory(ChildFactory)
    agency = "education"
    given = True
    on = factory.LazyFunction(clock.today)
    by = "parent"
    recorded_by = factory.SubFactory(UserFactory, role=Role.PRACTITIONER)


class CaseNoteFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CaseNote

    child = factory.SubFactory(ChildFactory)
    kind = "phone_call"
    on = factory.LazyFunction(clock.today)
    text = "Spoke to mum about the school's advice."
    written_by = factory.SubFactory(UserFactory, role=Role.PRACTITIONER)


def professional_in_team(child, *, agency: str = "education", part: str = "adviser", **kwargs):
    """A professional of an organisation of `agency`, a current member of the child's team,
    with the family's consent for that agency given: the professional who sees the child."""
    organisation = OrganisationFactory(name=f"{agency.title()} organisation", agency=agency)
    profile = ProfessionalFactory(organisation=organisation, **kwargs)
    TeamMemberFactory(child=child, user=profile.user, part=part)
    ConsentFactory(child=child, agency=profile.organisation.consent_agency)
    return profile.user
