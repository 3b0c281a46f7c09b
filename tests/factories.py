from __future__ import annotations

import factory
from django.contrib.auth.models import Group

from accounts.models import Team, TeamMembership, User
from accounts.roles import Role


class TeamFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Team

    name = factory.Sequence(lambda n: f"Disabled Children's Team {n}")


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"person{n}@example.org")
    full_name = factory.Faker("name", locale="en_GB")
    password = factory.django.Password("pathway-test")

    @factory.post_generation
    def role(self, create: bool, extracted: str | None, **kwargs: object) -> None:
        if create and extracted:
            self.groups.add(Group.objects.get_or_create(name=extracted)[0])

    @factory.post_generation
    def team(self, create: bool, extracted: Team | None, **kwargs: object) -> None:
        if create and extracted:
            TeamMembership.objects.create(team=extracted, user=self)


def staff(role: Role, team: Team) -> User:
    return UserFactory(role=role, team=team)


class ChildFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "casework.Child"

    given_name = factory.Faker("first_name", locale="en_GB")
    family_name = factory.Faker("last_name", locale="en_GB")
    date_of_birth = factory.Faker("date_of_birth", minimum_age=6, maximum_age=13)
    primary_need = "ASD"
    team = factory.SubFactory(TeamFactory)


class CaseFactory(factory.django.DjangoModelFactory):
    """A case put straight into `status`, as a data migration would: the engine is not used."""

    class Meta:
        model = "casework.Case"
        skip_postgeneration_save = True

    child = factory.SubFactory(ChildFactory)
    team = factory.SelfAttribute("child.team")
    opened_on = factory.Faker("date_between", start_date="-1y", end_date="-60d")

    @factory.post_generation
    def status(self, create: bool, extracted: str | None, **kwargs: object) -> None:
        if create and extracted:
            type(self).objects.filter(pk=self.pk).update(status=extracted)
            self.refresh_from_db()


class PlanFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "casework.EHCPlan"
        skip_postgeneration_save = True

    child = factory.SubFactory(ChildFactory)
    requested_on = factory.Faker("date_between", start_date="-1y", end_date="-90d")
    requested_by = "parent"
    section_b = "Needs help with communication."
    section_e = "Will use a communication aid at school."
    section_f = "Weekly speech and language therapy."

    @factory.post_generation
    def status(self, create: bool, extracted: str | None, **kwargs: object) -> None:
        if create and extracted:
            type(self).objects.filter(pk=self.pk).update(status=extracted)
            self.refresh_from_db()


def active_budget(
    child, *, amount: str = "1200.00", start_on=None, practitioner=None, manager=None, **plan
):
    """A budget taken to `active` through the real services: requested, scored, planned,
    submitted by a practitioner and approved by a different manager."""
    import datetime as dt
    from decimal import Decimal

    import workflows
    from budgets import services
    from budgets.demo import ANSWERS, default_scheme

    practitioner = practitioner or staff(Role.PRACTITIONER, child.team)
    manager = manager or staff(Role.TEAM_MANAGER, child.team)
    start_on = start_on or dt.date(2026, 4, 1)
    budget = services.budget_request(by=practitioner, child=child, start_on=start_on)
    budget = services.budget_score(
        by=practitioner, budget=budget, scheme=default_scheme(), answers=ANSWERS, on=start_on
    )
    fields = {
        "support_plan": "Short breaks",
        "agreed_amount": amount,
        "direct_payment_amount": "0.00",
        "notional_amount": amount,
        "social_care_amount": amount,
    } | plan
    budget = services.budget_plan(by=practitioner, budget=budget, **fields)
    budget = workflows.transition(budget, "submit", by=practitioner, on=start_on)
    assert Decimal(amount) == budget.agreed_amount
    return workflows.transition(budget, "approve", by=manager, on=start_on)
