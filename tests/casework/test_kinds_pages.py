"""The case page and the family's page give each deadline's basis in plain words and warn when
its due day falls on a weekend or bank holiday (DESIGN §5 counting, §11)."""

from __future__ import annotations

import datetime as dt
import html

import pytest
import time_machine

import workflows
from accounts.roles import Role
from tests.factories import (
    DeadlineFactory,
    FamilyMemberFactory,
    PlanFactory,
    ReferredCaseFactory,
    staff,
)
from workflows.models import DeadlineStatus
from workflows.templatetags.deadline_words import deadline_basis, due_day_warning

D = dt.date
FINAL_PLAN_LAW = (
    "The law (SEND Regulations 2014, regulation 13) says the final plan must be issued within "
    "20 weeks of the request"
)
SATURDAY = (
    "Saturday 1 August 2026 falls on a Saturday — the last working day before it is Friday 31 July"
)


@pytest.fixture(autouse=True)
def today():
    with time_machine.travel(dt.datetime(2026, 6, 10, 9, tzinfo=dt.UTC), tick=False):
        yield


@pytest.fixture
def requested_on_a_saturday(practitioner, team):
    """A plan requested on Saturday 14 March 2026: its 20 weeks end on Saturday 1 August."""
    case = ReferredCaseFactory(child__team=team, practitioner=practitioner)
    plan = PlanFactory(child=case.child, case=case, requested_on=D(2026, 3, 14))
    workflows.services.record_created(plan, by=practitioner, on=D(2026, 3, 14))
    return case


def test_case_page_gives_each_deadlines_basis_and_the_weekend_warning(
    client, practitioner, requested_on_a_saturday
):
    client.force_login(practitioner)

    page = html.unescape(client.get(f"/cases/{requested_on_a_saturday.pk}/").content.decode())

    assert FINAL_PLAN_LAW in page
    assert SATURDAY in page


def test_family_page_gives_the_basis_in_the_familys_words(client, team, requested_on_a_saturday):
    parent = staff(Role.FAMILY, team)
    FamilyMemberFactory(child=requested_on_a_saturday.child, relationship="mother", user=parent)
    client.force_login(parent)

    page = html.unescape(client.get("/my-child/").content.decode())

    assert FINAL_PLAN_LAW in page
    assert SATURDAY in page


def test_a_bank_holiday_due_day_names_the_working_day_before_it():
    assert due_day_warning(D(2026, 12, 28)) == (
        "Monday 28 December 2026 falls on a bank holiday — the last working day before it is "
        "Thursday 24 December"
    )
    assert due_day_warning(D(2026, 12, 29)) == ""


def test_a_kind_no_longer_declared_has_no_basis_words():
    assert deadline_basis("retired_kind") == ""


def test_team_dashboard_counts_a_missed_under_five_review_apart_from_statutory_misses(
    client, manager, team
):
    plan = PlanFactory(child__team=team)
    for kind in ("under_five_review", "annual_review"):
        DeadlineFactory(
            subject=plan,
            kind=kind,
            status=DeadlineStatus.MISSED,
            opened_on=D(2025, 6, 1),
            due_on=D(2026, 6, 1),
            team=team,
        )
    client.force_login(manager)

    page = html.unescape(client.get("/team/").content.decode())

    assert 'Missed and still open</dt><dd class="govuk-summary-list__value">1<' in page
    assert "Local targets missed and still open (not statutory)" in page
