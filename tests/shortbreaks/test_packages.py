"""Short-break packages: their machine, approval against the budget, ages."""

from __future__ import annotations

import pytest

import workflows
from accounts.roles import Role
from shortbreaks import services
from shortbreaks.models import Package, PackageStatus, Service
from tests.factories import ServiceFactory, staff
from tests.shortbreaks import fixtures
from tests.shortbreaks.fixtures import D
from workflows.errors import InvalidParams, TransitionNotAllowed
from workflows.models import TransitionLog

# The short-break world of the fixtures module, and its frozen clock (a Tuesday).
world, frozen = fixtures.world, fixtures.frozen


def test_setting_is_residential_only_for_residential_overnight_stays():
    for type_, setting in [
        ("residential_overnight", "residential"),
        ("family_based_overnight", "non_residential"),
        ("day_activity", "non_residential"),
    ]:
        assert Service(type=type_).setting == setting


# Packages -----------------------------------------------------------------------------------

PACKAGE_STEPS = {
    "approve": ([PackageStatus.REQUESTED], Role.TEAM_MANAGER, {}),
    "decline": ([PackageStatus.REQUESTED], Role.TEAM_MANAGER, {"reason": "x"}),
    "activate": ([PackageStatus.APPROVED], Role.PRACTITIONER, {}),
    "end": ([PackageStatus.APPROVED, PackageStatus.ACTIVE], Role.PRACTITIONER, {"reason": "x"}),
}


@pytest.mark.parametrize(
    ("name", "state"), [(n, s) for n in PACKAGE_STEPS for s in PackageStatus.values]
)
def test_package_step_from_each_state(world, team, name, state):
    sources, role, params = PACKAGE_STEPS[name]
    Package.objects.filter(pk=world["package"].pk).update(status=state)
    package = Package.objects.get(pk=world["package"].pk)

    if state in sources:
        assert workflows.transition(package, name, by=staff(role, team), **params).status != state
    else:
        with pytest.raises(TransitionNotAllowed):
            workflows.transition(package, name, by=staff(role, team), **params)


def test_approval_needs_the_budget_to_cover_the_whole_package(world):
    package = services.package_request(
        by=world["practitioner"],
        child=world["child"],
        service=world["service"],
        units=21,
        start_on=D(2026, 12, 1),
        end_on=D(2027, 3, 1),
        budget=world["budget"],
    )

    with pytest.raises(TransitionNotAllowed) as refused:
        workflows.transition(package, "approve", by=world["manager"])

    assert "does not have enough available" in refused.value.detail  # 21 × £25 > £500


def test_a_package_for_a_child_outside_the_age_range_is_a_400(world):
    young = ServiceFactory(name="Teen club", min_age=13, max_age=18)

    with pytest.raises(InvalidParams) as invalid:
        services.package_request(
            by=world["practitioner"],
            child=world["child"],
            service=young,
            units=2,
            start_on=D(2026, 12, 1),
            end_on=D(2027, 1, 1),
        )

    assert invalid.value.fields == {"service": ["Teen club is for ages 13 to 18."]}


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("name", list(PACKAGE_STEPS))
def test_a_failing_package_step_changes_nothing(world, team, monkeypatch, name):
    sources, role, params = PACKAGE_STEPS[name]
    Package.objects.filter(pk=world["package"].pk).update(status=sources[0])
    before = Package.objects.filter(pk=world["package"].pk).values().get()
    monkeypatch.setattr(TransitionLog.objects, "create", lambda **kw: 1 / 0)

    with pytest.raises(ZeroDivisionError):
        workflows.transition(
            Package.objects.get(pk=world["package"].pk), name, by=staff(role, team), **params
        )

    assert Package.objects.filter(pk=world["package"].pk).values().get() == before
