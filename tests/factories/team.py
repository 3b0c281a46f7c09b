"""The team around the child: organisations, professionals, team members, consents, case notes.

Rows only: each is written as it is, with no service run (no access log, no notification).
`ProfessionalFactory` makes a user with the `professional` role and their organisation.
"""

from __future__ import annotations

import datetime as dt
import secrets

import factory
from django.core.files.base import ContentFile
from django.utils import timezone

from accounts.models import Invitation, Organisation, Professional
from accounts.roles import Role
from casework.models import (
    CaseNote,
    Consent,
    EHCRequest,
    EHCRequestFile,
    Letter,
    PlanVersion,
    TeamMember,
)
from casework.models.document import Document
from tests.factories.accounts import UserFactory
from tests.factories.casework import ChildFactory, PlanFactory
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


class InvitationFactory(factory.django.DjangoModelFactory):
    """An open invitation; its raw token is not kept (only its hash is stored): make links with
    `accounts.services.invitation_issue` when a test follows one."""

    class Meta:
        model = Invitation

    user = factory.SubFactory(UserFactory, role=Role.PROFESSIONAL)
    invited_by = factory.SubFactory(UserFactory, role=Role.PRACTITIONER)
    token_hash = factory.LazyFunction(lambda: Invitation.hash_of(secrets.token_urlsafe(32)))
    expires_at = factory.LazyFunction(lambda: timezone.now() + dt.timedelta(days=7))


class DocumentFactory(factory.django.DjangoModelFactory):
    """A plain-text document on a child's record, stored through the default storage."""

    class Meta:
        model = Document

    child = factory.SubFactory(ChildFactory)
    title = "School report"
    kind = "report"
    token = factory.LazyFunction(lambda: secrets.token_hex(16))
    file = factory.LazyFunction(lambda: ContentFile(b"A report.\n", name="report.txt"))
    content_type = "text/plain"
    size = 10
    uploaded_by = factory.SubFactory(UserFactory, role=Role.PRACTITIONER)


class LetterFactory(factory.django.DjangoModelFactory):
    """A letter's row, with a family-visible document standing for its PDF (no PDF is drawn:
    `casework.services.letters.letter_send` makes real ones)."""

    class Meta:
        model = Letter

    plan = factory.SubFactory(PlanFactory)
    kind = "issue_draft"
    sent_on = factory.LazyFunction(clock.today)
    document = factory.SubFactory(
        DocumentFactory,
        child=factory.SelfAttribute("..plan.child"),
        kind="letter",
        visibility="family",
        title="Draft plan letter",
    )


class PlanVersionFactory(factory.django.DjangoModelFactory):
    """A frozen version as a row: `plan_version_freeze` is what issuing the plan runs."""

    class Meta:
        model = PlanVersion

    plan = factory.SubFactory(PlanFactory)
    number = factory.Sequence(lambda n: n + 1)
    kind = "draft"
    issued_on = factory.LazyFunction(clock.today)
    requested_on = factory.LazyAttribute(lambda version: version.plan.requested_on)
    sections = factory.LazyFunction(lambda: {"section_a": "All about me."})
    issued_by = factory.SubFactory(UserFactory, role=Role.PRACTITIONER)


class EHCRequestFactory(factory.django.DjangoModelFactory):
    """A request for an assessment made online by someone without an account, not yet accepted."""

    class Meta:
        model = EHCRequest

    child_name = "Rohan Shah"
    date_of_birth = dt.date(2018, 3, 14)
    requester_name = "Anjali Shah"
    requester_email = factory.Sequence(lambda n: f"requester{n}@example.org")
    relationship = "parent"
    reasons = "He finds school very hard and is often sent home."
    received_on = factory.LazyFunction(clock.today)


class EHCRequestFileFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = EHCRequestFile

    request = factory.SubFactory(EHCRequestFactory)
    title = "School report"
    token = factory.LazyFunction(lambda: secrets.token_hex(16))
    file = factory.LazyFunction(lambda: ContentFile(b"A report.\n", name="report.txt"))
    content_type = "text/plain"
    size = 10


def professional_in_team(child, *, agency: str = "education", part: str = "adviser", **kwargs):
    """A professional of an organisation of `agency`, a current member of the child's team,
    with the family's consent for that agency given: the professional who sees the child."""
    organisation = OrganisationFactory(name=f"{agency.title()} organisation", agency=agency)
    profile = ProfessionalFactory(organisation=organisation, **kwargs)
    TeamMemberFactory(child=child, user=profile.user, part=part)
    ConsentFactory(child=child, agency=profile.organisation.consent_agency)
    return profile.user
