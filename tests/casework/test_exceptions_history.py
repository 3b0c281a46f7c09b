"""Exceptions to the EHC time limits (SEND Regulations 2014 reg 5(4), 10(4), 13(3)): only on the
kinds the regulations give them for, only on a ground of reg 10(4)(a)–(d) whose dates make it,
kept as a history with withdrawal; the plan's exception, SEN2's week20 and the 20-week rates
derived from the live rows."""

from __future__ import annotations

import csv
import datetime as dt

import pytest
import time_machine
from django.core.management import call_command
from rest_framework.test import APIClient

from accounts.roles import Role
from casework import deadlines as due
from casework.models import EHCPlan
from commissioning.metrics.catalogue import METRICS
from commissioning.metrics.evaluator import TOTAL, evaluate, year_buckets
from tests.factories import ChildFactory, PlanFactory, RequestedPlanFactory, UserFactory, staff
from tests.factories.workflows import DeadlineFactory
from workflows.models import Deadline, DeadlineException, TransitionLog
from workflows.registry import registry

D = dt.date
TODAY = dt.datetime(2026, 6, 1, 9, tzinfo=dt.UTC)

# reg 8(2) lets advice be late for the family's circumstances or absence: the law, beside
# DESIGN's four
ADMIT = {
    "decision_to_assess",
    "decision_not_to_issue",
    "final_plan",
    "reassessment_final",
    "advice",
}
ADMIT_NONE = [
    "referral_decision",
    "assessment_complete",
    "family_comments",
    "annual_review",
    "review_report",
    "review_decision",
    "amended_final",
    "phase_transfer",
    "direct_payment_review",
    "budget_review",
]


@pytest.fixture(autouse=True)
def today():
    with time_machine.travel(TODAY, tick=False):
        yield


def api(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


@pytest.fixture
def plan(team):
    """Requested 5 January 2026 by a parent, no case: its 20 weeks end on 25 May 2026."""
    return RequestedPlanFactory(child=ChildFactory(team=team), requested_on=D(2026, 1, 5))


def final_plan_of(plan):
    return Deadline.objects.for_subject(plan).get(kind="final_plan")


def post_exception(user, deadline, **body):
    return api(user).post(f"/api/v1/deadlines/{deadline.pk}/exception/", body, format="json")


def test_only_the_kinds_the_regulations_name_admit_an_exception():
    product = {
        value: kind
        for value, kind in registry.deadline_kinds.items()
        if not kind.due.__module__.startswith("tests.")
    }
    admitting = {value for value, kind in product.items() if kind.exceptions}

    assert admitting <= ADMIT
    assert {"decision_to_assess", "decision_not_to_issue", "final_plan"} <= admitting
    assert set(ADMIT_NONE) <= set(product) - admitting


@pytest.mark.parametrize("kind", ADMIT_NONE)
def test_an_exception_is_refused_on_a_kind_that_admits_none(kind, plan, manager):
    deadline = DeadlineFactory(subject=plan, kind=kind)

    response = post_exception(
        manager, deadline, exception="exceptional_circumstances", reason="Child in hospital"
    )

    assert response.status_code == 409
    assert "allow no exception" in response.json()["detail"]
    assert not DeadlineException.objects.exists()


@pytest.mark.parametrize("ground", ["late_advice", "", None])
def test_late_advice_is_never_a_ground(ground, plan, manager):
    body = {"reason": "Health advice arrived late", "advice_requested_on": "2026-02-01"}
    if ground is not None:
        body["exception"] = ground

    response = post_exception(manager, final_plan_of(plan), **body)

    assert response.status_code == 400
    assert "exception" in response.json()["fields"]
    assert not DeadlineException.objects.exists()


@pytest.mark.parametrize(
    ("ground", "fields"),
    [
        ("setting_closed", {"closed_from", "closed_to", "advice_requested_on"}),
        ("early_years_closed", {"closed_from", "closed_to", "advice_requested_on"}),
        ("away_from_area", {"away_from", "away_to"}),
    ],
)
def test_an_exception_without_its_dates_is_refused_naming_them(ground, fields, plan, manager):
    response = post_exception(manager, final_plan_of(plan), exception=ground, reason="Closed")

    assert response.status_code == 400
    assert set(response.json()["fields"]) == fields


CLOSED = {"closed_from": "2026-02-02", "closed_to": "2026-03-01"}  # exactly 4 weeks, 28 days


@pytest.mark.parametrize(
    ("dates", "field"),
    [
        # 27 days: not "a continuous period of not less than 4 weeks"
        ({"closed_from": "2026-02-02", "closed_to": "2026-02-28"}, "closed_to"),
        ({"closed_from": "2026-03-01", "closed_to": "2026-02-02"}, "closed_to"),
        # the day before "one week before" the closure
        ({**CLOSED, "advice_requested_on": "2026-01-25"}, "advice_requested_on"),
        # re-opens 2 March: the last day is 23 February, "one week before it re-opens"
        ({**CLOSED, "advice_requested_on": "2026-02-24"}, "advice_requested_on"),
    ],
)
def test_a_closure_that_does_not_make_the_ground_is_refused(dates, field, plan, manager):
    body = {"advice_requested_on": "2026-02-10", **dates}

    response = post_exception(
        manager, final_plan_of(plan), exception="setting_closed", reason="Closed", **body
    )

    assert response.status_code == 400
    assert list(response.json()["fields"]) == [field]


@pytest.mark.parametrize("advice_requested_on", ["2026-01-26", "2026-02-23"])
def test_a_closure_of_four_weeks_with_advice_asked_inside_the_window_is_accepted(
    advice_requested_on, plan, manager
):
    response = post_exception(
        manager,
        final_plan_of(plan),
        exception="early_years_closed",
        reason="The nursery was closed for a refit",
        advice_requested_on=advice_requested_on,
        **CLOSED,
    )

    assert response.status_code == 201
    assert response.json()["exception"] == "early_years_closed"
    assert response.json()["live"] is True


@pytest.mark.parametrize(
    ("away", "field"),
    [
        ({"away_from": "2026-02-01", "away_to": "2026-02-27"}, "away_to"),  # 27 days
        ({"away_from": "2026-02-27", "away_to": "2026-02-01"}, "away_to"),
        ({"away_from": "2026-06-01", "away_to": "2026-07-31"}, "away_from"),  # after the limit
    ],
)
def test_an_absence_that_does_not_make_the_ground_is_refused(away, field, plan, manager):
    response = post_exception(
        manager, final_plan_of(plan), exception="away_from_area", reason="Abroad", **away
    )

    assert response.status_code == 400
    assert list(response.json()["fields"]) == [field]


def test_an_absence_of_four_weeks_within_the_time_limit_is_accepted(plan, manager):
    response = post_exception(
        manager,
        final_plan_of(plan),
        exception="away_from_area",
        reason="The family was abroad",
        away_from="2026-02-01",
        away_to="2026-02-28",
    )

    assert response.status_code == 201
    assert final_plan_of(plan).exception == "away_from_area"


def test_only_a_team_manager_records_or_withdraws_an_exception(plan, practitioner, manager):
    refused = post_exception(
        practitioner, final_plan_of(plan), exception="exceptional_circumstances", reason="x"
    )
    added = post_exception(
        manager, final_plan_of(plan), exception="exceptional_circumstances", reason="Bereavement"
    )
    withdraw = api(practitioner).post(
        f"/api/v1/deadline-exceptions/{added.json()['id']}/withdraw/",
        {"reason": "x"},
        format="json",
    )

    assert refused.status_code == 403
    assert withdraw.status_code == 403
    assert DeadlineException.objects.get().withdrawn_at is None


def test_a_second_exception_is_added_to_the_history_and_a_withdrawn_one_kept(plan, manager):
    deadline = final_plan_of(plan)
    first = post_exception(
        manager, deadline, exception="exceptional_circumstances", reason="Bereavement"
    ).json()
    second = post_exception(
        manager,
        deadline,
        exception="away_from_area",
        reason="Abroad",
        away_from="2026-03-01",
        away_to="2026-04-05",
    ).json()

    withdrawn = api(manager).post(
        f"/api/v1/deadline-exceptions/{second['id']}/withdraw/",
        {"reason": "They were not away after all"},
        format="json",
    )
    again = api(manager).post(
        f"/api/v1/deadline-exceptions/{second['id']}/withdraw/", {"reason": "x"}, format="json"
    )
    listed = api(manager).get(f"/api/v1/deadlines/{deadline.pk}/").json()

    assert withdrawn.status_code == 200
    assert withdrawn.json()["withdrawal_reason"] == "They were not away after all"
    assert again.status_code == 409
    assert [(row["id"], row["live"]) for row in listed["exceptions"]] == [
        (first["id"], True),
        (second["id"], False),
    ]
    assert listed["exception"] == "exceptional_circumstances"
    assert TransitionLog.objects.filter(transition="record_exception").count() == 2
    assert TransitionLog.objects.filter(transition="withdraw_exception").count() == 1


def test_the_plans_exception_reason_is_derived_from_the_live_history(plan, manager):
    response = post_exception(
        manager, final_plan_of(plan), exception="exceptional_circumstances", reason="Bereavement"
    )
    recorded = api(manager).get(f"/api/v1/ehc-plans/{plan.pk}/").json()["exception_reason"]
    api(manager).post(
        f"/api/v1/deadline-exceptions/{response.json()['id']}/withdraw/",
        {"reason": "Recorded on the wrong plan"},
        format="json",
    )

    assert recorded == ("Exceptional personal circumstances of the child or family: Bereavement")
    assert EHCPlan.objects.get(pk=plan.pk).exception_reason == ""
    assert final_plan_of(plan).exception == ""


def test_an_exception_on_the_decision_to_assess_is_not_the_plans_20_week_exception(plan, manager):
    decision = Deadline.objects.for_subject(plan).get(kind="decision_to_assess")

    response = post_exception(
        manager, decision, exception="exceptional_circumstances", reason="Bereavement"
    )

    assert response.status_code == 201
    assert EHCPlan.objects.get(pk=plan.pk).exception_reason == ""


def _issued(team, requested_on, final_on):
    issued = PlanFactory(
        child=ChildFactory(team=team),
        requested_on=requested_on,
        assessment_decision_on=requested_on + dt.timedelta(weeks=5),
        draft_issued_on=final_on - dt.timedelta(weeks=3),
        first_final_issued_on=final_on,
        last_final_issued_on=final_on,
        status="final",
    )
    DeadlineFactory(
        subject=issued,
        kind=due.FINAL_PLAN.value,
        opened_on=requested_on,
        due_on=requested_on + dt.timedelta(weeks=20),
        team=team,
    )
    return issued


def _rates():
    buckets = year_buckets(D(2026, 4, 1))
    return tuple(
        evaluate(key, buckets, today=D(2027, 6, 1))[TOTAL]["2026-27"].value(METRICS[key].unit)
        for key in ("ehc_within_20_weeks_pct", "ehc_within_20_weeks_pct_incl_exceptions")
    )


def test_the_20_week_rates_leave_out_live_exceptions_only(team, manager):
    late = _issued(team, D(2026, 4, 6), D(2026, 9, 30))
    _issued(team, D(2026, 5, 4), D(2026, 9, 14))
    response = post_exception(
        manager, final_plan_of(late), exception="exceptional_circumstances", reason="Illness"
    )
    with_exception = _rates()
    api(manager).post(
        f"/api/v1/deadline-exceptions/{response.json()['id']}/withdraw/",
        {"reason": "Not exceptional"},
        format="json",
    )

    assert [str(rate) for rate in with_exception] == ["100.0", "50.0"]
    assert [str(rate) for rate in _rates()] == ["50.0", "50.0"]


def test_the_sen2_week20_flag_follows_the_live_history(team, manager, tmp_path):
    admin = UserFactory(email="sen2-owner@example.org", is_superuser=True, is_staff=True)
    staff(Role.TEAM_MANAGER, team)
    issued = _issued(team, D(2025, 3, 10), D(2025, 8, 20))
    response = post_exception(
        manager, final_plan_of(issued), exception="exceptional_circumstances", reason="Illness"
    )

    def week20():
        call_command("export_sen2", year=2026, out=tmp_path, user=admin.email)
        with (tmp_path / "sen2_assessment.csv").open(encoding="utf-8") as handle:
            return [row["week20"] for row in csv.DictReader(handle)]

    flagged = week20()
    api(manager).post(
        f"/api/v1/deadline-exceptions/{response.json()['id']}/withdraw/",
        {"reason": "Not exceptional"},
        format="json",
    )

    assert flagged == ["1"]
    assert week20() == ["0"]
