"""A small council for the access tests: two teams, two families, two providers, everyone.

Team A holds one child at every kind of record Pathway keeps (case, referral, assessment, EHC plan,
review, deadline, budget with ledger, short-break package and session), built through the real
services. Team B, the other family and the other provider have records of their own, so that
"other" always means somebody else's real record, never an empty account.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.core.files.base import ContentFile

import workflows
from accounts.models import User
from accounts.roles import Role
from accounts.services import token_issue
from budgets.demo import default_scheme
from casework import services as casework
from casework.models import (
    Dispute,
    Document,
    EHCRequest,
    PlanVersionKind,
    TeamMember,
    TribunalOrderStep,
)
from casework.models.advice import AdviceRequest, Reassessment, Transfer
from casework.services.exceptions import exception_record
from casework.services.letters import letter_send
from casework.services.notes import case_note_add
from casework.services.plan_versions import plan_version_freeze
from commissioning.models import Action, Measure
from commissioning.services import plan_load
from shortbreaks import services as shortbreaks
from shortbreaks.change_values import values_of
from shortbreaks.models import Provider, Service
from tests.factories import (
    ActiveBudgetFactory,
    ActivePackageFactory,
    ChildFactory,
    ConsentFactory,
    ServiceAtLocationFactory,
    TeamFactory,
    UserFactory,
    professional_in_team,
    staff,
)
from workflows.exceptions import Facts
from workflows.models import Deadline, Notification

D = dt.date
TODAY = dt.datetime(2026, 11, 24, 10, tzinfo=dt.UTC)  # a Tuesday

# Who asks. "own" records are team A's, family A's and provider A's.
ACTORS = (
    "practitioner",
    "manager",
    "other_practitioner",
    "other_manager",
    "family",
    "other_family",
    "provider",
    "other_provider",
    "commissioner",
    # professionals from other agencies (DESIGN §3): in Amelia's team with consent; in the other
    # family's child's team; in Amelia's team, but the family has withdrawn their agency's consent
    "professional",
    "other_professional",
    "withdrawn_professional",
    "admin",
    "anonymous",
)


@dataclass
class World:
    people: dict[str, User | None]
    records: dict[str, Any]

    def token(self, actor: str) -> str | None:
        user = self.people[actor]
        return None if user is None else token_issue(by=user)[0]


def _service(provider: Provider, name: str, *, by: User) -> Service:
    return shortbreaks.service_save(
        by=by,
        provider=provider,
        name=name,
        type="day_activity",
        access="targeted",
        unit="session",
        unit_cost="25.00",
        capacity=12,
        min_age=5,
        max_age=18,
    )


def _family_with_child(team, name: str) -> tuple[User, Any]:
    family = UserFactory(role=Role.FAMILY)
    child = ChildFactory(team=team, date_of_birth=D(2016, 5, 1), given_name=name)
    child.family_members.create(name=f"Parent of {name}", relationship="mother", user=family)
    return family, child


def _provider(name: str) -> tuple[User, Provider]:
    user = UserFactory(role=Role.PROVIDER)
    provider = Provider.objects.create(name=name, kind="voluntary")
    provider.users.add(user)
    return user, provider


def _plan_records(plan: Any, *, by: User) -> tuple[Any, Any, Any]:
    """An advice request, a transfer and a re-assessment on the plan, as rows: their routes'
    access is asked about, not their steps."""
    return (
        AdviceRequest.objects.create(
            plan=plan,
            kind="medical",
            adviser_email="paed@example.org",
            requested_on=D(2026, 9, 10),
            recorded_by=by,
        ),
        Transfer.objects.create(
            plan=plan,
            direction="out",
            other_council="Kent",
            moved_on=D(2026, 12, 1),
            notice_received_on=D(2026, 10, 1),
            recorded_by=by,
        ),
        Reassessment.objects.create(plan=plan, requested_on=D(2026, 10, 1), recorded_by=by),
    )


def build() -> World:
    team, other_team = TeamFactory(name="Team A"), TeamFactory(name="Team B")
    practitioner = staff(Role.PRACTITIONER, team)
    manager = staff(Role.TEAM_MANAGER, team)
    family, child = _family_with_child(team, "Amelia")
    other_family, other_child = _family_with_child(other_team, "Oscar")
    provider_user, provider = _provider("Rochester Short Breaks")
    other_provider_user, other_provider = _provider("Chatham Play")
    admin = UserFactory(email="admin@example.org", is_staff=True, is_superuser=True)

    referral = casework.referral_receive(
        by=practitioner,
        child=child,
        received_on=D(2026, 9, 1),
        source="gp",
        reason="Needs support at home",
        consent_to_share=True,
    )
    case = workflows.transition(
        referral.case, "accept_referral", by=practitioner, on=D(2026, 9, 2)
    )
    assessment = casework.assessment_start(by=practitioner, case=case, started_on=D(2026, 9, 2))
    plan = casework.plan_request(
        by=practitioner, child=child, requested_on=D(2026, 9, 3), requested_by="parent"
    )
    review = casework.review_create(by=practitioner, case=case, due_on=D(2027, 9, 1))
    advice_request, transfer, reassessment = _plan_records(plan, by=practitioner)
    # A version frozen straight from its service: the plan stays at its first step, which the
    # routes that take a step ask about.
    plan_version_freeze(by=practitioner, plan=plan, kind=PlanVersionKind.DRAFT, on=D(2026, 9, 4))
    # A step of an order, put straight in: the routes that take one need a record to ask about.
    order_step = TribunalOrderStep.objects.create(
        dispute=Dispute.objects.create(
            plan=plan,
            kind="concession",
            on=D(2026, 9, 3),
            order="cease",
            about="request",
            recorded_by=manager,
        ),
        step="maintain",
        label="Continue to maintain the plan",
        weeks=0,
    )
    budget = ActiveBudgetFactory(
        child=child, amount="500.00", practitioner=practitioner, manager=manager
    )
    service = _service(provider, "Saturday Club", by=manager)
    service_at_location = ServiceAtLocationFactory(service=service)  # the Open Referral UK API
    _service(other_provider, "Chatham Youth Club", by=manager)
    service_change = shortbreaks.service_change_propose(
        by=provider_user,
        provider=provider,
        service=service,
        values={**values_of(service), "description": "Now with music."},
    )
    package = ActivePackageFactory(
        child=child, practitioner=practitioner, manager=manager, budget=budget, service=service
    )
    (session,) = shortbreaks.sessions_book(
        by=practitioner, package=package, dates=[TODAY.date()], units="1"
    )
    exception = exception_record(
        by=manager,
        deadline=Deadline.objects.for_subject(plan).get(kind="final_plan"),
        ground="exceptional_circumstances",
        reason="The child was in hospital",
        facts=Facts(),
    )
    notification = Notification.objects.create(
        recipient=practitioner, kind="test", subject="A reminder", body="Due soon"
    )
    commissioning_plan, _ = plan_load(slug="medway-2011")
    measure = (
        Measure.objects.filter(outcome__theme__plan=commissioning_plan).order_by("pk").first()
    )
    # Amelia's school SENCO convenes her review; a paediatrician is in her team, but the family
    # has withdrawn consent for health; Oscar's SENCO is in his team only.
    professional = professional_in_team(child, agency="education", part="review_convener")
    withdrawn_professional = professional_in_team(child, agency="health", part="adviser")
    ConsentFactory(child=child, agency="health", given=False, recorded_by=practitioner)
    other_professional = professional_in_team(other_child, agency="education", part="adviser")
    # She is also asked for her advice on Amelia's plan, which she answers in Pathway; a
    # document she sent with earlier advice is on the record.
    professional_advice_request = AdviceRequest.objects.create(
        plan=plan,
        kind="educational",
        adviser=professional,
        adviser_email=professional.email,
        requested_on=D(2026, 9, 10),
        recorded_by=practitioner,
    )
    advice_document = Document(
        child=child,
        advice_request=professional_advice_request,
        title="School report.pdf",
        kind="advice",
        token="0" * 32,
        content_type="application/pdf",
        size=9,
        uploaded_by=professional,
    )
    advice_document.file.save(advice_document.token, ContentFile(b"%PDF-1.4\n"), save=True)
    # A decision letter on Amelia's plan, written by the letters' service as a step would.
    letter = letter_send(by=manager, plan=plan, kind="refuse_to_assess", on=D(2026, 9, 20))
    # A report on Amelia's record shared with the family: everyone who reads her record sees it.
    shared_document = Document(
        child=child,
        title="Speech and language report.pdf",
        kind="report",
        visibility="family",
        token="1" * 32,
        content_type="application/pdf",
        size=9,
        uploaded_by=practitioner,
    )
    shared_document.file.save(shared_document.token, ContentFile(b"%PDF-1.4\n"), save=True)
    people: dict[str, User | None] = {
        "practitioner": practitioner,
        "manager": manager,
        "other_practitioner": staff(Role.PRACTITIONER, other_team),
        "other_manager": staff(Role.TEAM_MANAGER, other_team),
        "family": family,
        "other_family": other_family,
        "provider": provider_user,
        "other_provider": other_provider_user,
        "commissioner": UserFactory(role=Role.COMMISSIONER),
        "professional": professional,
        "other_professional": other_professional,
        "withdrawn_professional": withdrawn_professional,
        "admin": admin,
        "anonymous": None,
    }
    # Shared with the family, so that every reader of Amelia's record has a note to read.
    case_note = case_note_add(
        by=practitioner,
        child=child,
        kind="phone_call",
        on=D(2026, 11, 20),
        text="Mum rang about the review.",
        visibility="family",
    )
    ehc_request = EHCRequest.objects.create(
        child=child,
        child_name=child.full_name,
        date_of_birth=child.date_of_birth,
        requester_name="Amelia's mother",
        requester_email=family.email,
        relationship="parent",
        reasons="She needs more help at school.",
        received_on=D(2026, 11, 20),
        made_by=family,
    )
    records = {
        "child": child,
        "ehc_request": ehc_request,
        "case_note": case_note,
        "other_child": other_child,
        "case": case,
        "referral": referral,
        "assessment": assessment,
        "plan": plan,
        "review": review,
        "advice_request": advice_request,
        "professional_advice_request": professional_advice_request,
        "advice_document": advice_document,
        "letter": letter,
        "shared_document": shared_document,
        "transfer": transfer,
        "reassessment": reassessment,
        "order_step": order_step,
        "deadline": Deadline.objects.filter(case_id=case.pk).order_by("pk").first(),
        "deadline_exception": exception,
        "scheme": default_scheme(),
        "budget": budget,
        "service": service,
        "service_at_location": service_at_location,
        "service_change": service_change,
        "package": package,
        "session": session,
        "notification": notification,
        "commissioning_plan": commissioning_plan,
        "measure": measure,
        "target": measure.targets.first(),
        "action": Action.objects.filter(theme__plan=commissioning_plan).order_by("pk").first(),
        "team": team,
        "team_member": TeamMember.objects.get(child=child, user=professional),
        "family_member": child.family_members.order_by("pk").first(),
    }
    return World(people, records)
