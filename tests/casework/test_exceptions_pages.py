"""The pages for owners and exceptions: the case page shows each deadline's owner and the case
officer; a team manager records an exception with GOV.UK date inputs, sees the history,
withdraws one, and changes the case officer; a kind with no exception says why."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine

from accounts.roles import Role
from tests.factories import AssessingCaseFactory, ChildFactory, RequestedPlanFactory, staff
from workflows.models import Deadline, DeadlineException

TODAY = dt.datetime(2026, 6, 1, 9, tzinfo=dt.UTC)


@pytest.fixture(autouse=True)
def today():
    with time_machine.travel(TODAY, tick=False):
        yield


@pytest.fixture
def case_and_plan(team):
    child = ChildFactory(team=team)
    case = AssessingCaseFactory(child=child)
    plan = RequestedPlanFactory(child=child, requested_on=dt.date(2026, 1, 5))
    return case, plan


def page_of(deadline) -> str:
    return f"/deadlines/{deadline.pk}/exceptions/"


def date_parts(name: str, day: dt.date) -> dict[str, str]:
    return {f"{name}_0": str(day.day), f"{name}_1": str(day.month), f"{name}_2": str(day.year)}


def test_the_case_page_shows_each_deadlines_owner_and_the_case_officer(
    client, case_and_plan, manager
):
    case, plan = case_and_plan
    client.force_login(manager)

    page = client.get(f"/cases/{case.pk}/").content.decode()

    assert f"Owner: {case.lead_professional}" in page
    assert str(case.lead_professional) in page
    assert "EHC case officer" in page
    assert str(plan.case_officer) in page
    assert f"/plans/{plan.pk}/case-officer/" in page
    assert page_of(Deadline.objects.for_subject(plan).get(kind="final_plan")) in page


def test_a_manager_records_an_exception_with_date_inputs_and_sees_it(
    client, case_and_plan, manager
):
    _, plan = case_and_plan
    final = Deadline.objects.for_subject(plan).get(kind="final_plan")
    client.force_login(manager)

    form = client.get(page_of(final)).content.decode()
    response = client.post(
        page_of(final),
        {
            "exception": "setting_closed",
            "reason": "The school was closed after a flood",
            **date_parts("closed_from", dt.date(2026, 2, 2)),
            **date_parts("closed_to", dt.date(2026, 3, 8)),
            **date_parts("advice_requested_on", dt.date(2026, 2, 20)),
        },
        follow=True,
    )

    assert 'class="govuk-date-input"' in form
    assert 'name="closed_from_0"' in form
    assert 'type="radio"' in form
    assert response.status_code == 200
    assert "The exception has been recorded." in response.content.decode()
    assert "The school was closed after a flood" in response.content.decode()
    assert DeadlineException.objects.get().closed_to == dt.date(2026, 3, 8)


def test_the_same_exception_sent_twice_is_recorded_once(client, case_and_plan, manager):
    _, plan = case_and_plan
    final = Deadline.objects.for_subject(plan).get(kind="final_plan")
    client.force_login(manager)
    answers = {
        "exception": "setting_closed",
        "reason": "The school was closed after a flood",
        **date_parts("closed_from", dt.date(2026, 2, 2)),
        **date_parts("closed_to", dt.date(2026, 3, 8)),
        **date_parts("advice_requested_on", dt.date(2026, 2, 20)),
    }

    client.post(page_of(final), answers)
    again = client.post(page_of(final), answers)

    assert again.status_code == 409
    assert "This exception is already recorded on this deadline." in again.content.decode()
    assert DeadlineException.objects.filter(deadline=final).count() == 1


def test_dates_that_do_not_make_the_ground_show_the_error_summary(client, case_and_plan, manager):
    _, plan = case_and_plan
    final = Deadline.objects.for_subject(plan).get(kind="final_plan")
    client.force_login(manager)

    response = client.post(
        page_of(final),
        {
            "exception": "setting_closed",
            "reason": "A short closure",
            **date_parts("closed_from", dt.date(2026, 2, 2)),
            **date_parts("closed_to", dt.date(2026, 2, 13)),
            **date_parts("advice_requested_on", dt.date(2026, 2, 3)),
        },
    )
    page = response.content.decode()

    assert response.status_code == 400
    assert "govuk-error-summary" in page
    assert 'href="#id_closed_to"' in page
    assert "at least 4 weeks" in page
    assert not DeadlineException.objects.exists()


def test_a_half_given_date_is_an_error_on_its_field(client, case_and_plan, manager):
    _, plan = case_and_plan
    final = Deadline.objects.for_subject(plan).get(kind="final_plan")
    client.force_login(manager)

    response = client.post(
        page_of(final),
        {
            "exception": "away_from_area",
            "reason": "Abroad",
            "away_from_0": "1",
            "away_from_1": "",
            "away_from_2": "2026",
            **date_parts("away_to", dt.date(2026, 3, 31)),
        },
    )

    assert response.status_code == 400
    assert "must include a day, a month and a year" in response.content.decode()


def test_a_council_target_says_it_has_no_exceptions_and_can_be_waived(
    client, case_and_plan, manager
):
    case, _ = case_and_plan
    referral = Deadline.objects.for_subject(case).get(kind="assessment_complete")
    client.force_login(manager)

    page = client.get(page_of(referral)).content.decode()
    refused = client.post(page_of(referral), {"exception": "exceptional_circumstances"})

    assert "This is a council target, not a time limit in law, so it has no exceptions" in page
    assert "a team manager can waive it instead" in page
    assert "<form" not in page.split("Record an exception")[1]
    assert refused.status_code == 409


def test_a_practitioner_sees_the_history_and_why_they_cannot_record(
    client, case_and_plan, practitioner
):
    _, plan = case_and_plan
    final = Deadline.objects.for_subject(plan).get(kind="final_plan")
    client.force_login(practitioner)

    page = client.get(page_of(final)).content.decode()
    refused = client.post(
        page_of(final), {"exception": "exceptional_circumstances", "reason": "x"}
    )

    assert "Only a team manager can record or withdraw an exception." in page
    assert refused.status_code == 403
    assert not DeadlineException.objects.exists()


def test_a_manager_withdraws_an_exception_and_it_stays_in_the_history(
    client, case_and_plan, manager
):
    _, plan = case_and_plan
    final = Deadline.objects.for_subject(plan).get(kind="final_plan")
    client.force_login(manager)
    client.post(
        page_of(final), {"exception": "exceptional_circumstances", "reason": "Bereavement"}
    )
    exception = DeadlineException.objects.get()

    response = client.post(
        f"/deadline-exceptions/{exception.pk}/withdraw/",
        {"reason": "Recorded on the wrong child"},
        follow=True,
    )
    page = response.content.decode()

    assert "It stays in the history." in page
    assert "Withdrawn" in page
    assert "Recorded on the wrong child" in page
    assert "Bereavement" in page
    exception.refresh_from_db()
    assert exception.withdrawn_by == manager


def test_a_manager_changes_the_case_officer_from_the_page(client, team, manager):
    plan = RequestedPlanFactory(child=ChildFactory(team=team))
    newcomer = staff(Role.PRACTITIONER, team)
    client.force_login(manager)

    form = client.get(f"/plans/{plan.pk}/case-officer/")
    response = client.post(f"/plans/{plan.pk}/case-officer/", {"case_officer": newcomer.pk})

    assert form.status_code == 200
    assert response.status_code == 302
    plan.refresh_from_db()
    assert plan.case_officer == newcomer
    assert set(Deadline.objects.for_subject(plan).values_list("owner_id", flat=True)) == {
        newcomer.pk
    }


def test_a_practitioner_cannot_change_the_case_officer_from_the_page(client, team, practitioner):
    plan = RequestedPlanFactory(child=ChildFactory(team=team))
    officer = plan.case_officer
    client.force_login(practitioner)

    page = client.get(f"/plans/{plan.pk}/case-officer/").content.decode()
    refused = client.post(f"/plans/{plan.pk}/case-officer/", {"case_officer": practitioner.pk})

    assert "Only a team manager can change the case officer." in page
    assert refused.status_code == 403
    plan.refresh_from_db()
    assert plan.case_officer == officer
