"""One description of a package's cost, the same on every page that shows the package."""

from __future__ import annotations

from decimal import Decimal

from accounts.roles import Role
from budgets.models import PersonalBudget
from casework.models import Case
from shortbreaks.models import Package, Service, price_per_unit
from tests.factories import (
    FamilyMemberFactory,
    RequestedPackageFactory,
    ServiceFactory,
    UserFactory,
)
from tests.shortbreaks import fixtures
from tests.shortbreaks.fixtures import D

world, frozen = fixtures.world, fixtures.frozen

SATURDAY_CLUB = (
    "£25.00 a session, up to 20 sessions from 1 April 2026 to 31 March 2027 (£500.00 at most)"
)


def test_a_package_is_described_by_its_unit_price_its_units_and_its_most(world):
    assert world["package"].cost_description == SATURDAY_CLUB


def test_hours_take_an_and_a_single_unit_is_not_plural(world):
    sitting = ServiceFactory(provider=world["service"].provider, unit="hour", unit_cost="18.50")
    package = Package(
        service=sitting,
        units=1,
        unit_cost=Decimal("18.50"),
        start_on=D(2026, 12, 1),
        end_on=D(2026, 12, 31),
    )

    assert package.cost_description == (
        "£18.50 an hour, up to 1 hour from 1 December 2026 to 31 December 2026 (£18.50 at most)"
    )
    assert price_per_unit(Decimal("95"), "night") == "£95.00 a night"


def test_the_package_case_budget_and_family_pages_all_give_the_one_description(client, world):
    case = Case.objects.create(
        child=world["child"], team=world["child"].team, opened_on=D(2026, 1, 5)
    )
    PersonalBudget.objects.filter(pk=world["budget"].pk).update(case=case)
    parent = UserFactory(role=Role.FAMILY)
    FamilyMemberFactory(child=world["child"], name="Sarah", relationship="mother", user=parent)

    client.force_login(world["practitioner"])
    pages = {
        "package": client.get(f"/packages/{world['package'].pk}/"),
        "case": client.get(f"/cases/{case.pk}/"),
        "budget": client.get(f"/budgets/{world['budget'].pk}/"),
    }
    client.force_login(parent)
    pages["my child"] = client.get("/my-child/")

    for name, response in pages.items():
        page = response.content.decode()
        assert response.status_code == 200, name
        assert page.count(SATURDAY_CLUB) == 1, name
        assert "a month" not in page, name


def test_the_family_is_not_told_of_a_package_only_asked_for(client, world):
    RequestedPackageFactory(
        child=world["child"],
        practitioner=world["practitioner"],
        budget=world["budget"],
        service=world["service"],
        units=3,
    )
    parent = UserFactory(role=Role.FAMILY)
    FamilyMemberFactory(child=world["child"], name="Sarah", relationship="mother", user=parent)
    client.force_login(parent)

    page = client.get("/my-child/").content.decode()

    assert page.count("Saturday Club: £25.00 a session") == 1
    assert "up to 3 sessions" not in page


def test_the_services_page_prices_each_unit_with_the_right_article(client, world):
    Service.objects.filter(pk=world["service"].pk).update(unit="hour", unit_cost="18.50")

    # The directory's results give the cost to the family; the unit price is on its own page.
    page = client.get(f"/short-breaks/{world['service'].uuid}/").content.decode()

    assert "£18.50 an hour" in page
    assert "a hour" not in page
