"""The resource allocation system's arithmetic, and version pinning."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from types import SimpleNamespace

import pytest

from budgets import periods, ras, services
from budgets.demo import ANSWERS, default_scheme
from budgets.models import AllocationScheme
from tests.factories import ChildFactory

D = dt.date


def scheme(price="10.00", floor="100.00", ceiling="1000.00"):
    return SimpleNamespace(
        pk=1,
        version=3,
        price_per_point=Decimal(price),
        floor=Decimal(floor),
        ceiling=Decimal(ceiling),
    )


DOMAINS = [
    SimpleNamespace(key="care", label="Personal care", max_score=4, points_per_score=3),
    SimpleNamespace(key="family", label="Family", max_score=4, points_per_score=5),
]


def test_points_per_domain_times_price():
    working = ras.score(scheme(), DOMAINS, {"care": 2, "family": 3})

    assert [line.points for line in working.lines] == [6, 15]
    assert working.total_points == 21
    assert working.raw_amount == Decimal("210.00")
    assert working.indicative_amount == Decimal("210.00")
    assert working.limited_by == ""


def test_floor_raises_a_low_score():
    working = ras.score(scheme(), DOMAINS, {"care": 1, "family": 0})

    assert (working.raw_amount, working.annual_amount, working.limited_by) == (
        Decimal("30.00"),
        Decimal("100.00"),
        "floor",
    )


def test_ceiling_limits_a_high_score():
    working = ras.score(scheme(price="30.00"), DOMAINS, {"care": 4, "family": 4})

    assert (working.raw_amount, working.annual_amount, working.limited_by) == (
        Decimal("960.00"),
        Decimal("960.00"),
        "",
    )
    capped = ras.score(scheme(price="40.00"), DOMAINS, {"care": 4, "family": 4})
    assert (capped.annual_amount, capped.limited_by) == (Decimal("1000.00"), "ceiling")


def test_pro_rata_from_a_mid_year_start():
    working = ras.score(
        scheme(price="20.00"),
        DOMAINS,
        {"care": 4, "family": 4},
        start_on=D(2026, 10, 1),
        end_on=D(2027, 3, 31),
    )

    # £640 a year × 182 of 365 days, to the penny.
    assert working.annual_amount == Decimal("640.00")
    assert working.indicative_amount == Decimal("319.12")


@pytest.mark.parametrize(
    ("answers", "field"),
    [
        ({"care": 5, "family": 0}, "care"),
        ({"care": -1, "family": 0}, "care"),
        ({"care": 1}, "family"),
        ({"care": 1, "family": 1, "pets": 2}, "pets"),
        ({"care": "2", "family": 1}, "care"),
        ({"care": 1.5, "family": 1}, "care"),
    ],
)
def test_bad_answers_name_the_question(answers, field):
    with pytest.raises(ras.AnswersInvalid) as invalid:
        ras.score(scheme(), DOMAINS, answers)

    assert field in invalid.value.fields


def test_financial_year_helpers():
    assert periods.start_of(D(2027, 3, 31)) == D(2026, 4, 1)
    assert periods.start_of(D(2026, 4, 1)) == D(2026, 4, 1)
    assert periods.label(D(2026, 4, 1)) == "2026-27"
    assert periods.label(D(2099, 4, 1)) == "2099-00"
    assert periods.parse("2026-27") == D(2026, 4, 1)
    for bad in ("2026-28", "2026", "26-27", ""):
        with pytest.raises(ValueError, match="like 2026-27"):
            periods.parse(bad)
    # A leap year's February 29 counts in the year that contains it.
    assert periods.pro_rata(Decimal("366.00"), D(2027, 4, 1), D(2028, 3, 31)) == Decimal("366.00")


def test_a_new_scheme_version_leaves_scored_budgets_on_their_version(practitioner, manager, team):
    version_one = default_scheme()
    budget = services.budget_request(
        by=practitioner, child=ChildFactory(team=team), start_on=D(2026, 4, 1)
    )
    budget = services.budget_score(
        by=practitioner, budget=budget, scheme=version_one, answers=ANSWERS
    )
    before = budget.indicative_amount

    version_two = services.scheme_new_version(
        by=manager, scheme=version_one, price_per_point="200.00"
    )

    budget.refresh_from_db()
    assert (version_two.version, version_two.domains.count()) == (2, version_one.domains.count())
    assert budget.scheme == version_one
    assert budget.indicative_amount == before
    assert AllocationScheme.objects.get(pk=version_one.pk).is_current is False
    rescored = services.scheme_score(scheme=version_two, answers=ANSWERS)
    assert rescored.annual_amount > before


def test_only_a_manager_makes_a_new_version(practitioner):
    from workflows.errors import NotPermitted

    with pytest.raises(NotPermitted):
        services.scheme_new_version(
            by=practitioner, scheme=default_scheme(), price_per_point="1.00"
        )
