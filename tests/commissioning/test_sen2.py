"""export_sen2: the DfE's modules and columns, one person per child, flags, validation."""

from __future__ import annotations

import csv
import datetime as dt

import pytest
from django.core.management import CommandError, call_command

from accounts.roles import Role
from commissioning.sen2 import MODULES, census_date
from tests.commissioning.conftest import budget
from tests.factories import (
    ChildFactory,
    DeadlineFactory,
    PlanFactory,
    ReviewFactory,
    UserFactory,
)

D = dt.date

# Straight from reference/sen2-person-level.md: each file's key column, then these, in order.
SPEC = {
    "sen2": "collection year referencedate sourcelevel lea softwarecode release serialno datetime",
    "person": "sen2tableid surname forename personbirthdate sex ethnicity postcode upn "
    "uniquelearnernumber upnunknown",
    "requests": "persontableid receiveddate rya requestoutcomedate requestoutcome "
    "requestmediation requesttribunal exported",
    "assessment": "requeststableid assessmentoutcome assessmentoutcomedate assessmentmediation "
    "assessmenttribunal othermediation othertribunal week20",
    "namedplan": "assessmenttableid startdate planres planwbp pb oa dp ceasedate ceasereason",
    "plandetail": "namedplantableid urn ukprn sensetting sensettingother placementrank "
    "senunitindicator resourcedprovisionindicator",
    "activeplans": "requeststableid transferla reviewmeeting reviewoutcome lastreview",
    "placementdetail": "activeplanstableid res wbp urn ukprn sensetting sensettingother "
    "placementrank entrydate leavingdate senunitindicator resourcedprovisionindicator",
    "senneed": "activeplanstableid sentype sentyperank",
}


def read(out, module):
    with (out / f"sen2_{module}.csv").open(encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def header(out, module):
    with (out / f"sen2_{module}.csv").open(encoding="utf-8") as handle:
        return next(csv.reader(handle))


@pytest.fixture
def admin(db):
    return UserFactory(email="admin-sen2@example.org", is_superuser=True, is_staff=True)


@pytest.fixture
def returned(tmp_path, team, admin):
    """Ava: two plans (one refused, one active with a direct payment and a 20-week exception);
    Ben: an active plan, no UPN; Cal: a request after the return's year, so not in it."""
    ava = ChildFactory(team=team, upn="A123456789012", gender="Female", ethnicity="WBRI")
    ben = ChildFactory(team=team, upn="", gender="", ethnicity="", postcode="")
    cal = ChildFactory(team=team)
    PlanFactory(
        child=ava,
        requested_on=D(2025, 2, 1),
        assessment_decision_on=D(2025, 3, 1),
        status="refused",
    )
    active = PlanFactory(
        child=ava,
        requested_on=D(2025, 3, 10),
        assessment_decision_on=D(2025, 4, 20),
        draft_issued_on=D(2025, 7, 1),
        first_final_issued_on=D(2025, 8, 20),
        placement_name="Abbey Court School",
        status="final",
    )
    DeadlineFactory(
        subject=active,
        kind="final_plan",
        due_on=D(2025, 7, 28),
        opened_on=D(2025, 3, 10),
        exception="setting_closed",
    )
    ReviewFactory(
        plan=active,
        due_on=D(2025, 12, 1),
        meeting_on=D(2025, 11, 20),
        decision_on=D(2025, 12, 1),
        outcome="maintain",
    )
    budget(ava, D(2025, 4, 1), D(2026, 3, 31), direct="50.00")
    PlanFactory(
        child=ben,
        requested_on=D(2024, 1, 10),
        assessment_decision_on=D(2024, 2, 1),
        draft_issued_on=D(2024, 4, 1),
        first_final_issued_on=D(2024, 5, 1),
        status="final",
    )
    PlanFactory(child=cal, requested_on=D(2026, 3, 1))
    call_command("export_sen2", year=2026, out=tmp_path, user=admin.email)
    return tmp_path


def test_each_module_has_the_dfe_columns_in_order(returned):
    for module, columns in SPEC.items():
        assert header(returned, module) == [f"{module}tableid", *columns.split()]
    assert set(SPEC) == set(MODULES)


def test_one_person_row_per_child_in_the_return(returned):
    people = read(returned, "person")

    assert sorted(p["forename"] for p in people) == sorted(p["forename"] for p in people)
    assert len(people) == 2  # Ava once for two plans; Cal's request is after 2025


def test_requests_assessments_and_plans_link_up_the_hierarchy(returned):
    requests = read(returned, "requests")
    assessments = read(returned, "assessment")
    named = read(returned, "namedplan")
    active = read(returned, "activeplans")

    assert sorted(r["requestoutcome"] for r in requests) == ["A", "A", "N"]
    assert len(assessments) == 2  # none for the refused request
    exception_plan = next(a for a in assessments if a["week20"] == "1")
    ava_named = next(
        n for n in named if n["assessmenttableid"] == exception_plan["assessmenttableid"]
    )
    assert (ava_named["pb"], ava_named["oa"], ava_named["dp"]) == ("1", "0", "1")
    assert ava_named["startdate"] == "2025-08-20"
    assert len(active) == 2
    reviewed = next(a for a in active if a["reviewmeeting"])
    assert (reviewed["reviewoutcome"], reviewed["lastreview"]) == ("M", "2025-12-01")
    assert {n["sentype"] for n in read(returned, "senneed")} == {"ASD"}


def test_the_validation_report_lists_what_would_fail(returned):
    problems = read(returned, "validation")

    fields = {(p["module"], p["field"]) for p in problems}
    assert ("person", "upn") in fields
    assert ("person", "sex") in fields
    assert ("person", "postcode") in fields
    assert ("placementdetail", "sensetting") in fields  # Ben's plan names no placement
    assert len({p["child_id"] for p in problems if p["field"] == "upn"}) == 1  # Ben's, not Ava's


def test_the_census_date_is_the_third_thursday_of_january():
    assert census_date(2026) == D(2026, 1, 15)
    assert census_date(2027) == D(2027, 1, 21)


@pytest.mark.parametrize("role", [Role.PRACTITIONER, Role.COMMISSIONER, Role.FAMILY])
def test_only_a_team_manager_or_an_administrator_may_run_it(tmp_path, db, role):
    user = UserFactory(role=role)

    with pytest.raises(CommandError, match="Only a team manager or an administrator"):
        call_command("export_sen2", year=2026, out=tmp_path, user=user.email)


def test_a_team_manager_exports_only_their_teams_children(tmp_path, team, other_team, manager):
    PlanFactory(child=ChildFactory(team=team), requested_on=D(2025, 6, 1))
    PlanFactory(child=ChildFactory(team=other_team), requested_on=D(2025, 6, 1))

    call_command("export_sen2", year=2026, out=tmp_path, user=manager.email)

    assert len(read(tmp_path, "person")) == 1
