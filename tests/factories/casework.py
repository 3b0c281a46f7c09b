from __future__ import annotations

import factory

from tests.factories.accounts import TeamFactory


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
