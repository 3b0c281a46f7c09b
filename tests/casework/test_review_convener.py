"""Reviews run by the setting (DESIGN §3, SEND Regs 2014 reg 20): the child's review convener
records the meeting and the report sent, and the council's deadlines follow from those dates;
the decision on the plan stays with the council's managers."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.urls import reverse

import workflows
from casework.models import PlanStatus, Review, ReviewStatus
from tests.factories import ChildFactory, ConsentFactory, PlanFactory, professional_in_team
from workflows.errors import NotPermitted
from workflows.models import Deadline, DeadlineStatus

D = dt.date
TODAY = D(2026, 8, 20)
MEETING = D(2026, 7, 10)


@pytest.fixture(autouse=True)
def today():
    with time_machine.travel(dt.datetime(2026, 8, 20, 12, tzinfo=dt.UTC), tick=False):
        yield


@pytest.fixture
def plan(team, manager):
    plan = PlanFactory(
        child=ChildFactory(team=team, date_of_birth=D(2015, 5, 1)),
        requested_on=D(2025, 4, 1),
        status=PlanStatus.DRAFT,
        draft_issued_on=D(2025, 8, 1),
    )
    return workflows.transition(plan, "issue_final", by=manager, on=D(2025, 9, 1))


@pytest.fixture
def convener(plan):
    return professional_in_team(plan.child, agency="education", part="review_convener")


def record_meeting(client, plan, day=MEETING):
    return client.post(
        reverse("casework:professional-review", args=[plan.pk]),
        {
            "which": "meeting",
            "meeting-meeting_on_0": day.day,
            "meeting-meeting_on_1": day.month,
            "meeting-meeting_on_2": day.year,
        },
    )


def of_kind(plan, kind):
    return Deadline.objects.for_subject(plan).filter(kind=kind).order_by("opened_on", "pk")


def test_the_convener_records_the_meeting_and_the_councils_deadlines_follow(
    client, plan, convener
):
    client.force_login(convener)

    response = record_meeting(client, plan)

    assert response.status_code == 302, response.content.decode()
    plan.refresh_from_db()
    assert plan.status == PlanStatus.UNDER_REVIEW
    review = Review.objects.get(plan=plan)
    assert (review.status, review.meeting_on) == (ReviewStatus.HELD, MEETING)
    report, decision = of_kind(plan, "review_report").get(), of_kind(plan, "review_decision").get()
    assert (report.opened_on, report.due_on) == (MEETING, D(2026, 7, 24))
    assert (decision.opened_on, decision.due_on) == (MEETING, D(2026, 8, 7))
    first, second = of_kind(plan, "annual_review")
    assert (first.status, first.closed_on, second.opened_on) == (
        DeadlineStatus.MET,
        MEETING,
        MEETING,
    )
    page = client.get(reverse("casework:professional-review", args=[plan.pk])).content.decode()
    assert "24 July 2026" in page
    assert "7 August 2026" in page


def test_the_convener_records_the_report_sent_closing_its_deadline(client, plan, convener):
    client.force_login(convener)
    record_meeting(client, plan)
    url = reverse("casework:professional-review", args=[plan.pk])

    response = client.post(
        url,
        {
            "which": "report",
            "report-report_sent_on_0": 20,
            "report-report_sent_on_1": 7,
            "report-report_sent_on_2": 2026,
        },
    )

    assert response.status_code == 302
    assert Review.objects.get(plan=plan).report_sent_on == D(2026, 7, 20)
    report = of_kind(plan, "review_report").get()
    assert (report.status, report.closed_on) == (DeadlineStatus.MET, D(2026, 7, 20))


def test_a_report_sent_before_the_meeting_is_400_on_its_field(client, plan, convener):
    client.force_login(convener)
    record_meeting(client, plan)

    response = client.post(
        reverse("casework:professional-review", args=[plan.pk]),
        {
            "which": "report",
            "report-report_sent_on_0": 1,
            "report-report_sent_on_1": 7,
            "report-report_sent_on_2": 2026,
        },
    )

    assert response.status_code == 400
    assert "cannot be sent before the meeting" in response.content.decode()


def test_the_convener_may_take_start_review_but_the_decision_stays_with_the_manager(
    plan, convener, practitioner
):
    review = Review.objects.create(plan=plan)
    workflows.transition(review, "hold_meeting", by=convener, meeting_on=MEETING)

    under_review = workflows.transition(plan, "start_review", by=convener, on=MEETING)

    assert under_review.status == PlanStatus.UNDER_REVIEW
    with pytest.raises(NotPermitted) as refused:
        workflows.transition(under_review, "maintain", by=convener, on=TODAY)
    assert refused.value.reasons == ["Only a team manager can do this."]


def test_a_professional_who_does_not_convene_the_review_is_refused(client, plan, convener):
    adviser = professional_in_team(plan.child, agency="education", part="adviser")
    review = Review.objects.create(plan=plan)

    with pytest.raises(NotPermitted) as refused:
        workflows.transition(review, "hold_meeting", by=adviser, meeting_on=MEETING)
    assert refused.value.reasons == [
        "Only council staff or the child's review convener can do this."
    ]
    client.force_login(adviser)
    assert client.get(reverse("casework:professional-review", args=[plan.pk])).status_code == 404
    assert record_meeting(client, plan).status_code == 404
    plan.refresh_from_db()
    assert plan.status == PlanStatus.FINAL


def test_a_convener_whose_agencys_consent_is_withdrawn_is_refused(client, plan, convener):
    ConsentFactory(child=plan.child, agency="education", given=False)
    client.force_login(convener)

    assert record_meeting(client, plan).status_code == 404
    with pytest.raises(NotPermitted):
        workflows.transition(plan, "start_review", by=convener, on=MEETING)


def _api(user):
    from rest_framework.test import APIClient

    client = APIClient()
    client.force_authenticate(user)
    return client


def test_the_convener_records_the_meeting_and_the_report_through_the_api(plan, convener):
    client = _api(convener)

    meeting = client.post(
        f"/api/v1/ehc-plans/{plan.pk}/review-meeting/", {"meeting_on": "2026-07-10"}, format="json"
    )
    report = client.post(
        f"/api/v1/ehc-plans/{plan.pk}/review-report/",
        {"report_sent_on": "2026-07-20"},
        format="json",
    )

    assert meeting.status_code == 200, meeting.json()
    assert meeting.json()["status"] == PlanStatus.UNDER_REVIEW
    assert report.status_code == 200, report.json()
    (report_due,) = of_kind(plan, "review_report")
    assert (report_due.due_on, report_due.status) == (D(2026, 7, 24), DeadlineStatus.MET)
    (decision,) = of_kind(plan, "review_decision")
    assert (decision.due_on, decision.status) == (
        D(2026, 8, 7),
        DeadlineStatus.OPEN,
    )  # the manager's


def test_another_professional_in_the_team_may_not_record_the_meeting_through_the_api(plan):
    adviser = professional_in_team(plan.child, agency="education", part="adviser")

    response = _api(adviser).post(
        f"/api/v1/ehc-plans/{plan.pk}/review-meeting/", {"meeting_on": "2026-07-10"}, format="json"
    )

    assert response.status_code == 403
    assert response.json()["detail"] == "Only the child's review convener can record this here."
    assert plan.reviews.count() == 0


def test_a_meeting_in_the_future_is_a_400_on_its_date_through_the_api(plan, convener):
    response = _api(convener).post(
        f"/api/v1/ehc-plans/{plan.pk}/review-meeting/", {"meeting_on": "2026-09-01"}, format="json"
    )

    assert response.status_code == 400
    assert "meeting_on" in response.json()["fields"]


def test_the_review_report_is_recorded_once(plan, convener):
    client = _api(convener)
    client.post(
        f"/api/v1/ehc-plans/{plan.pk}/review-meeting/", {"meeting_on": "2026-07-10"}, format="json"
    )
    first = client.post(
        f"/api/v1/ehc-plans/{plan.pk}/review-report/",
        {"report_sent_on": "2026-07-20"},
        format="json",
    )

    again = client.post(
        f"/api/v1/ehc-plans/{plan.pk}/review-report/",
        {"report_sent_on": "2026-07-18"},
        format="json",
    )

    assert first.status_code == 200
    assert again.status_code == 409
    assert Review.objects.get(plan=plan).report_sent_on == D(2026, 7, 20)
