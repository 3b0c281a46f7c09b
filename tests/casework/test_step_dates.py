"""A step's date is asked with the GOV.UK date input, and must be given where a time limit in law
counts from it (issue #20 item 3); the case page's timeline is in date order across records."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine

from casework.chronology import case_timeline
from casework.models import Case, CaseStatus, EHCPlan
from tests.factories import PlanFactory, ReferredCaseFactory
from workflows.registry import registry, step_of
from workflows.services import transition
from workflows.views import TransitionForm

D = dt.date


@pytest.fixture(autouse=True)
def _today():
    with time_machine.travel(dt.datetime(2026, 6, 10, 12, tzinfo=dt.UTC), tick=False):
        yield


def step(model, name):
    return step_of(registry.machine_for(model).any_transition(name))


def form_for(model, name, data):
    declared = step(model, name)
    return TransitionForm(data, params=dict(declared.params), date_required=declared.dated_by_law)


def test_step_date_is_required_where_the_clock_counts_from_it():
    # Agreeing to assess stops the 6 weeks of reg 5 and starts the 20 weeks of reg 13.
    assert step(EHCPlan, "agree_to_assess").dated_by_law
    form = form_for(EHCPlan, "agree_to_assess", {})

    assert not form.is_valid()
    assert form.errors["on"] == ["Enter the date this happened."]
    assert "legal time limit counts from this date" in form.fields["on"].help_text


def test_a_step_no_law_counts_from_may_leave_its_date_empty_and_the_hint_says_today():
    # Deciding on a referral is statutory guidance, not a time limit in law.
    assert not step(Case, "accept_referral").dated_by_law
    form = form_for(Case, "accept_referral", {})

    assert form.is_valid(), form.errors
    assert form.cleaned_data["on"] is None
    assert "Leave it empty if it happened today" in form.fields["on"].help_text


def test_a_step_dated_in_the_future_on_its_form_is_refused_with_our_words():
    form = form_for(Case, "accept_referral", {"on_0": "11", "on_1": "6", "on_2": "2026"})

    assert form.errors["on"] == ["The date must be today or in the past."]


@pytest.mark.django_db
def test_a_dated_by_law_step_posted_without_a_date_changes_nothing(client, manager, team):
    plan = PlanFactory(child__team=team, requested_on=D(2026, 5, 1))
    client.force_login(manager)

    response = client.post(f"/plans/{plan.pk}/steps/agree_to_assess/", {})

    assert response.status_code in {400, 403}
    if response.status_code == 400:
        assert "Enter the date this happened." in response.content.decode()
    assert EHCPlan.objects.get(pk=plan.pk).status == plan.status


@pytest.mark.django_db
def test_timeline_is_in_date_order_across_records(client, practitioner, manager, team):
    case = ReferredCaseFactory(
        child__team=team, practitioner=practitioner, received_on=D(2026, 6, 1)
    )
    plan = PlanFactory(child=case.child, case=case, requested_on=D(2026, 6, 3))
    # Recorded late: the case step happened after the plan was asked for, and is entered last.
    transition(case, "accept_referral", by=practitioner, on=D(2026, 6, 5), note="Agreed")

    entries = case_timeline(case)
    days = [entry.on for entry in entries]

    assert days == sorted(days, reverse=True)
    assert entries[0].title == "Referral accepted"
    assert entries[0].text == "Agreed"
    assert entries[0].by == str(practitioner)
    client.force_login(practitioner)
    page = client.get(f"/cases/{case.pk}/").content.decode()
    timeline = page[page.index(">Timeline<") :]
    assert "→" not in timeline
    assert timeline.index("Referral accepted") < timeline.index("Referral received")
    assert Case.objects.get(pk=case.pk).status == CaseStatus.ASSESSING
    assert plan.pk
