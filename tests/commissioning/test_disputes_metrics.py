"""mediation_cases and tribunal_appeals (DESIGN §7), with disclosure control, and the SEN2
mediation and tribunal columns, from the plans' dispute records."""

from __future__ import annotations

import csv
import datetime as dt

import pytest
from django.core.management import call_command

from casework.models import Dispute
from commissioning import disclosure
from commissioning.metrics.catalogue import METRICS
from commissioning.metrics.evaluator import TOTAL, evaluate, year_buckets
from commissioning.selectors import _shown_table
from tests.factories import ChildFactory, PlanFactory, UserFactory

D = dt.date
BUCKETS = year_buckets(D(2026, 4, 1))
AFTER_THE_YEAR = D(2027, 6, 1)


def dispute(plan, kind, on, about="other", recorded_by=None):
    return Dispute.objects.create(
        plan=plan, kind=kind, on=on, about=about, recorded_by=recorded_by or UserFactory()
    )


@pytest.fixture
def plans(team):
    return [PlanFactory(child=ChildFactory(team=team), status="final") for _ in range(3)]


def test_mediation_cases_counts_the_requests_the_council_was_told_of_in_the_period(plans):
    first, second, third = plans
    dispute(first, "mediation_requested", D(2026, 4, 1))  # first day of the year
    dispute(second, "mediation_requested", D(2027, 3, 31))  # last day
    dispute(third, "mediation_requested", D(2026, 3, 31))  # the year before
    dispute(first, "mediation_held", D(2026, 5, 1))  # a meeting is not a request

    table = evaluate("mediation_cases", BUCKETS, today=AFTER_THE_YEAR)

    assert table[TOTAL]["2026-27"].value(METRICS["mediation_cases"].unit) == 2
    assert table[TOTAL]["2026-27 Q1"].value(METRICS["mediation_cases"].unit) == 1


def test_tribunal_appeals_counts_the_appeals_registered_in_the_period(plans):
    first, second, third = plans
    dispute(first, "appeal_registered", D(2026, 6, 1))
    dispute(second, "appeal_registered", D(2026, 9, 1))
    dispute(third, "appeal_registered", D(2027, 4, 1))  # next year
    dispute(first, "tribunal_decision", D(2026, 12, 1))

    table = evaluate("tribunal_appeals", BUCKETS, today=AFTER_THE_YEAR)

    assert table[TOTAL]["2026-27"].value(METRICS["tribunal_appeals"].unit) == 2


def test_a_small_number_of_appeals_is_suppressed_for_commissioners_and_shown_to_managers(plans):
    for plan in plans:
        dispute(plan, "appeal_registered", D(2026, 6, 1))
    table = evaluate("tribunal_appeals", BUCKETS, today=AFTER_THE_YEAR)

    shown = _shown_table("tribunal_appeals", table, BUCKETS, suppressed=True)
    unsuppressed = _shown_table("tribunal_appeals", table, BUCKETS, suppressed=False)

    assert shown[TOTAL]["2026-27"] == disclosure.SUPPRESSED
    assert unsuppressed[TOTAL]["2026-27"] == 3


# SEN2 -----------------------------------------------------------------------------------------


def read(out, module):
    with (out / f"sen2_{module}.csv").open(encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


@pytest.fixture
def admin(db):
    return UserFactory(email="admin-sen2-disputes@example.org", is_superuser=True, is_staff=True)


def test_sen2_flags_mediation_held_and_appeals_against_the_decision_they_were_about(
    tmp_path, team, admin
):
    refused = PlanFactory(
        child=ChildFactory(team=team, family_name="Adams"),
        requested_on=D(2025, 2, 1),
        assessment_decision_on=D(2025, 3, 1),
        status="refused",
    )
    dispute(refused, "mediation_requested", D(2025, 3, 10), "request")
    dispute(refused, "mediation_held", D(2025, 4, 1), "request")
    dispute(refused, "appeal_registered", D(2025, 5, 1), "request")
    not_issued = PlanFactory(
        child=ChildFactory(team=team, family_name="Brown"),
        requested_on=D(2025, 2, 1),
        assessment_decision_on=D(2025, 3, 1),
        status="not_issued",
    )
    dispute(not_issued, "appeal_registered", D(2025, 9, 1), "assessment")
    issued = PlanFactory(
        child=ChildFactory(team=team, family_name="Clark"),
        requested_on=D(2024, 1, 10),
        assessment_decision_on=D(2024, 2, 1),
        draft_issued_on=D(2024, 4, 1),
        first_final_issued_on=D(2024, 5, 1),
        status="final",
    )
    dispute(issued, "mediation_held", D(2025, 10, 1), "other")
    dispute(issued, "appeal_registered", D(2026, 3, 1), "other")  # after the census date

    call_command("export_sen2", year=2026, out=tmp_path, user=admin.email)

    requests = read(tmp_path, "requests")
    flags = sorted((row["requestmediation"], row["requesttribunal"]) for row in requests)
    assert flags == [("0", "0"), ("0", "0"), ("1", "1")]
    assessments = read(tmp_path, "assessment")
    columns = sorted(
        (
            a["assessmentmediation"],
            a["assessmenttribunal"],
            a["othermediation"],
            a["othertribunal"],
        )
        for a in assessments
    )
    assert columns == [("0", "0", "1", "0"), ("0", "1", "0", "0")]
