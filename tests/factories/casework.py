"""Casework: children, cases, referrals, assessments, EHC plans and reviews.

Rows only (nothing goes through the engine, so no audit row or deadline exists): `ChildFactory`,
`FamilyMemberFactory`, `AccessLogFactory`, `CaseFactory` and `PlanFactory` (put straight into
`status=`), `ReferralFactory`, `AssessmentFactory`, `ReviewFactory`.

Through the services and `workflows.transition` (audit rows and statutory deadlines as in use):
`ReceivedReferralFactory` (a referral and its new case, `referred`), `ReferredCaseFactory`,
`AssessingCaseFactory`; `RequestedPlanFactory`, `AssessingPlanFactory`, `DraftPlanFactory`,
`FinalPlanFactory`.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import factory

import workflows
from accounts.roles import Role
from casework import services
from casework.models import (
    AccessLog,
    Assessment,
    Case,
    Child,
    EHCPlan,
    FamilyMember,
    Referral,
    Review,
    ReviewStatus,
)
from tests.factories.accounts import TeamFactory, UserFactory, staff
from tests.factories.base import ThroughServices
from workflows import clock


class ChildFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Child

    given_name = factory.Faker("first_name", locale="en_GB")
    family_name = factory.Faker("last_name", locale="en_GB")
    date_of_birth = factory.Faker("date_of_birth", minimum_age=6, maximum_age=13)
    primary_need = "ASD"
    team = factory.SubFactory(TeamFactory)


class FamilyMemberFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = FamilyMember

    child = factory.SubFactory(ChildFactory)
    name = factory.Faker("name", locale="en_GB")
    relationship = "mother"
    phone = factory.Faker("phone_number", locale="en_GB")
    address = factory.Faker("address", locale="en_GB")


class AccessLogFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = AccessLog

    user = factory.SubFactory(UserFactory)
    child = factory.SubFactory(ChildFactory)
    record_type = "child"
    record_id = factory.SelfAttribute("child.pk")
    via = "api"


class CaseFactory(factory.django.DjangoModelFactory):
    """A case put straight into `status`, as a data migration would: the engine is not used."""

    class Meta:
        model = Case
        skip_postgeneration_save = True

    child = factory.SubFactory(ChildFactory)
    team = factory.SelfAttribute("child.team")
    opened_on = factory.Faker("date_between", start_date="-1y", end_date="-60d")

    @factory.post_generation
    def status(self, create: bool, extracted: str | None, **kwargs: object) -> None:
        if create and extracted:
            type(self).objects.filter(pk=self.pk).update(status=extracted)
            self.refresh_from_db()


class ReferralFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Referral

    case = factory.SubFactory(CaseFactory)
    received_on = factory.SelfAttribute("case.opened_on")
    source = "parent"
    reason = "Needs support"
    consent_to_share = True
    recorded_by = factory.LazyAttribute(lambda o: o.case.lead_professional or UserFactory())


class AssessmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Assessment

    case = factory.SubFactory(CaseFactory)
    started_on = factory.SelfAttribute("case.opened_on")


class PlanFactory(factory.django.DjangoModelFactory):
    """An EHC plan put straight into `status`: the engine is not used."""

    class Meta:
        model = EHCPlan
        skip_postgeneration_save = True

    child = factory.SubFactory(ChildFactory)
    requested_on = factory.Faker("date_between", start_date="-1y", end_date="-90d")
    requested_by = "parent"
    section_b = "Needs help with communication."
    section_e = "Will use a communication aid at school."
    section_f = "Weekly speech and language therapy."
    draft_issued_on = None
    # A draft put straight in counts as handed over the day it was issued, as old records do.
    notice_sent_on = factory.LazyAttribute(lambda o: o.draft_issued_on)
    notice_served_on = factory.LazyAttribute(lambda o: o.draft_issued_on)

    @factory.post_generation
    def status(self, create: bool, extracted: str | None, **kwargs: object) -> None:
        if create and extracted:
            type(self).objects.filter(pk=self.pk).update(status=extracted)
            self.refresh_from_db()


def review_status_of(review: Any) -> str:
    """The status a review's dates say, as the data migration sets it: decided once there is a
    decision, held once the meeting is recorded, scheduled before."""
    if review.decision_on is not None:
        return ReviewStatus.DECIDED
    return ReviewStatus.HELD if review.meeting_on is not None else ReviewStatus.SCHEDULED


class ReviewFactory(factory.django.DjangoModelFactory):
    """A review written as a row: of a new plan, or of `case=…, plan=None`; its status is what
    its dates say unless given."""

    class Meta:
        model = Review

    plan = factory.SubFactory(PlanFactory)
    meeting_on = None
    decision_on = None
    status = factory.LazyAttribute(review_status_of)


# Through the engine ---------------------------------------------------------------------------


class ReceivedReferralFactory(ThroughServices):
    """`referral_receive`: the referral, its case (`referred`), the case's audit row and its
    statutory deadlines."""

    class Meta:
        model = Referral

    child = factory.SubFactory(ChildFactory)
    practitioner = factory.LazyAttribute(lambda o: staff(Role.PRACTITIONER, o.child.team))
    received_on = factory.LazyFunction(lambda: clock.today())
    source = "gp"
    reason = "r"
    consent_to_share = True

    @classmethod
    def _create(cls, model_class: Any, **kw: Any) -> Any:
        return services.referral_receive(
            by=kw["practitioner"],
            child=kw["child"],
            received_on=kw["received_on"],
            source=kw["source"],
            reason=kw["reason"],
            consent_to_share=kw["consent_to_share"],
        )


class ReferredCaseFactory(ReceivedReferralFactory):
    """The case a received referral opens, `referred`."""

    class Meta:
        model = Case

    @classmethod
    def _create(cls, model_class: Any, **kw: Any) -> Any:
        return super()._create(model_class, **kw).case


class AssessingCaseFactory(ReferredCaseFactory):
    """A referred case whose referral was accepted on `accepted_on`: `assessing`."""

    accepted_on = factory.SelfAttribute("received_on")

    @classmethod
    def _create(cls, model_class: Any, **kw: Any) -> Any:
        case = super()._create(model_class, **kw)
        return workflows.transition(
            case, "accept_referral", by=kw["practitioner"], on=kw["accepted_on"]
        )


class RequestedPlanFactory(ThroughServices):
    """`plan_request`: a request for an EHC needs assessment, with its 6- and 20-week clocks.
    The default request is 20 weeks old, so every later step can be dated in the past."""

    class Meta:
        model = EHCPlan

    child = factory.SubFactory(ChildFactory)
    practitioner = factory.LazyAttribute(lambda o: staff(Role.PRACTITIONER, o.child.team))
    manager = factory.LazyAttribute(lambda o: staff(Role.TEAM_MANAGER, o.child.team))
    requested_on = factory.LazyFunction(lambda: clock.today() - dt.timedelta(weeks=20))
    requested_by = "parent"

    @classmethod
    def _create(cls, model_class: Any, **kw: Any) -> Any:
        return services.plan_request(
            by=kw["practitioner"],
            child=kw["child"],
            requested_on=kw["requested_on"],
            requested_by=kw["requested_by"],
        )


class AssessingPlanFactory(RequestedPlanFactory):
    """Agreed to assess by a manager on `assessing_on`."""

    assessing_on = factory.LazyAttribute(lambda o: o.requested_on + dt.timedelta(weeks=4))

    @classmethod
    def _create(cls, model_class: Any, **kw: Any) -> Any:
        plan = super()._create(model_class, **kw)
        return workflows.transition(
            plan, "agree_to_assess", by=kw["manager"], on=kw["assessing_on"]
        )


class DraftPlanFactory(AssessingPlanFactory):
    """Sections B, E and F written (`plan_update`) and the draft issued on `draft_on`."""

    draft_on = factory.LazyAttribute(lambda o: o.assessing_on + dt.timedelta(weeks=8))
    section_b = "Needs help with communication."
    section_e = "Will use a communication aid at school."
    section_f = "Weekly speech and language therapy."

    @classmethod
    def _create(cls, model_class: Any, **kw: Any) -> Any:
        plan = super()._create(model_class, **kw)
        sections = {name: kw[name] for name in ("section_b", "section_e", "section_f")}
        plan = services.plan_update(by=kw["practitioner"], plan=plan, **sections)
        return workflows.transition(plan, "issue_draft", by=kw["practitioner"], on=kw["draft_on"])


class FinalPlanFactory(DraftPlanFactory):
    """Issued final by a manager on `final_on`, after the family's 15 days to comment."""

    final_on = factory.LazyAttribute(lambda o: o.draft_on + dt.timedelta(weeks=4))

    @classmethod
    def _create(cls, model_class: Any, **kw: Any) -> Any:
        plan = super()._create(model_class, **kw)
        return workflows.transition(plan, "issue_final", by=kw["manager"], on=kw["final_on"])
