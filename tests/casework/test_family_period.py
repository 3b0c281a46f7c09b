"""The family's periods (SEND Regs 2014 reg 13(1), reg 22(2)(c)): served, counted, protected
against a backdated final, and the family's representations kept as a list."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from rest_framework.test import APIClient

import workflows
from accounts.roles import Role
from casework import services
from casework.models import AccessLog, EHCPlan, PlanStatus, Representation
from tests.factories import AssessingPlanFactory, ChildFactory, FamilyMemberFactory, staff
from tests.factories.casework import FinalPlanFactory
from workflows.errors import InvalidParams, TransitionNotAllowed
from workflows.models import Deadline, DeadlineStatus, Notification

D = dt.date
SECTIONS = {"section_b": "Needs", "section_e": "Outcomes", "section_f": "Provision"}


@pytest.fixture(autouse=True)
def today():
    with time_machine.travel(dt.datetime(2026, 6, 10, 9, tzinfo=dt.UTC), tick=False):
        yield


def at(day: dt.date):
    """Today is `day` (London), for a family posting inside their period."""
    return time_machine.travel(dt.datetime(day.year, day.month, day.day, 9, tzinfo=dt.UTC))


def api(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


@pytest.fixture
def child(team):
    return ChildFactory(team=team, date_of_birth=D(2016, 4, 2))


@pytest.fixture
def parent(team, child):
    user = staff(Role.FAMILY, team)
    FamilyMemberFactory(child=child, name="Mum", relationship="mother", user=user)
    return user


def assessing(child) -> EHCPlan:
    plan = AssessingPlanFactory(
        child=child, requested_on=D(2026, 1, 5), assessing_on=D(2026, 2, 2)
    )
    return services.plan_update(by=plan_practitioner(child), plan=plan, **SECTIONS)


def plan_practitioner(child):
    return staff(Role.PRACTITIONER, child.team)


def drafted(child, on: dt.date, **service) -> EHCPlan:
    plan = assessing(child)
    return workflows.transition(plan, "issue_draft", by=plan_practitioner(child), on=on, **service)


def period_due(plan: EHCPlan, kind: str = "family_comments") -> dt.date:
    return Deadline.objects.for_subject(plan).get(kind=kind).due_on


# Served, and counted -------------------------------------------------------------------------


def test_family_comments_end_on_the_15th_day_beginning_with_a_friday_it_was_emailed(child):
    plan = drafted(child, D(2026, 3, 20), served_by="email")  # a Friday

    assert (plan.notice_served_by, plan.notice_served_on) == ("email", D(2026, 3, 20))
    assert period_due(plan) == D(2026, 4, 3)


def test_family_comments_run_over_a_month_end(child):
    plan = drafted(child, D(2026, 5, 20), served_by="hand", sent_on=D(2026, 5, 25))

    assert plan.notice_served_on == D(2026, 5, 25)
    assert period_due(plan) == D(2026, 6, 8)


@pytest.mark.parametrize(
    ("served", "ends"),
    [(D(2028, 2, 29), D(2028, 3, 14)), (D(2028, 2, 15), D(2028, 2, 29))],
)
def test_family_comments_count_29_february(child, served, ends):
    with at(served):
        plan = drafted(child, served, served_by="hand")

    assert period_due(plan) == ends


def test_a_posted_draft_is_served_on_the_second_working_day_after_a_bank_holiday_weekend(child):
    # Posted on Thursday 2 April 2026: Good Friday and Easter Monday are not working days.
    plan = drafted(child, D(2026, 4, 2), served_by="post")

    assert plan.notice_served_on == D(2026, 4, 8)
    assert period_due(plan) == D(2026, 4, 22)


def test_a_draft_sent_without_saying_how_counts_as_posted(child):
    plan = drafted(child, D(2026, 3, 20))  # a Friday

    assert (plan.notice_served_by, plan.notice_served_on) == ("", D(2026, 3, 24))
    assert period_due(plan) == D(2026, 4, 7)


def test_the_draft_letter_gives_the_family_the_last_day_of_their_period(child, parent):
    drafted(child, D(2026, 4, 2), served_by="post")

    letter = Notification.objects.get(recipient=parent, subject__contains="draft")
    assert "until 22 April 2026" in letter.body


def test_the_draft_cannot_be_sent_before_it_was_issued(child):
    plan = assessing(child)

    with pytest.raises(InvalidParams) as refused:
        workflows.transition(
            plan,
            "issue_draft",
            by=plan_practitioner(child),
            on=D(2026, 3, 20),
            served_by="post",
            sent_on=D(2026, 3, 19),
        )

    assert "sent_on" in refused.value.fields


def test_served_by_and_sent_on_through_the_transition_endpoint(child):
    plan = assessing(child)

    response = api(plan_practitioner(child)).post(
        f"/api/v1/ehc-plans/{plan.pk}/transitions/issue_draft/",
        {"on": "2026-03-20", "served_by": "post", "sent_on": "2026-03-23"},
        format="json",
    )

    assert response.status_code == 200, response.json()
    body = response.json()
    assert (body["notice_served_by"], body["notice_sent_on"]) == ("post", "2026-03-23")
    assert (body["notice_served_on"], body["family_period_ends_on"]) == (
        "2026-03-25",
        "2026-04-08",
    )


def test_an_unknown_way_of_serving_is_a_400_on_its_field(child):
    plan = assessing(child)

    response = api(plan_practitioner(child)).post(
        f"/api/v1/ehc-plans/{plan.pk}/transitions/issue_draft/",
        {"on": "2026-03-20", "served_by": "pigeon"},
        format="json",
    )

    assert response.status_code == 400
    assert "served_by" in response.json()["fields"]


# The final plan and the family's period ------------------------------------------------------


def test_final_plan_refused_inside_the_familys_fifteen_days_even_when_backdated(child, manager):
    plan = drafted(child, D(2026, 3, 20), served_by="email")  # today is 10 June, long after

    response = api(manager).post(
        f"/api/v1/ehc-plans/{plan.pk}/transitions/issue_final/",
        {"on": "2026-04-01"},
        format="json",
    )

    assert response.status_code == 409
    assert response.json()["detail"] == (
        "The family has until 3 April 2026 to comment on the draft: the final plan can be "
        "issued from 4 April 2026, or sooner if the family confirms it has nothing more to add."
    )
    assert EHCPlan.objects.get(pk=plan.pk).status == PlanStatus.DRAFT


def test_final_plan_refused_on_the_last_day_of_the_period(child, manager):
    plan = drafted(child, D(2026, 3, 20), served_by="email")

    with pytest.raises(TransitionNotAllowed):
        workflows.transition(plan, "issue_final", by=manager, on=D(2026, 4, 3))


def test_final_plan_allowed_on_the_day_after_the_period(child, manager):
    plan = drafted(child, D(2026, 3, 20), served_by="email")

    plan = workflows.transition(plan, "issue_final", by=manager, on=D(2026, 4, 4))

    assert plan.status == PlanStatus.FINAL
    window = Deadline.objects.for_subject(plan).get(kind="family_comments")
    assert window.status == DeadlineStatus.MET


def test_a_first_representation_does_not_unlock_the_final(child, parent, manager):
    plan = drafted(child, D(2026, 3, 20), served_by="email")
    with at(D(2026, 3, 24)):
        services.representation_add(by=parent, plan=plan, text="Please name Oak School.")

    with pytest.raises(TransitionNotAllowed) as refused:
        workflows.transition(plan, "issue_final", by=manager, on=D(2026, 3, 26))

    assert "3 April 2026" in refused.value.detail


def test_nothing_more_to_add_unlocks_the_final_from_its_date(child, parent, manager):
    plan = drafted(child, D(2026, 3, 20), served_by="email")
    with at(D(2026, 3, 25)):
        services.representation_add(by=parent, plan=plan, nothing_more_to_add=True)

    with pytest.raises(TransitionNotAllowed):
        workflows.transition(plan, "issue_final", by=manager, on=D(2026, 3, 24))
    plan = workflows.transition(plan, "issue_final", by=manager, on=D(2026, 3, 25))

    assert plan.status == PlanStatus.FINAL


def test_a_meeting_asked_for_after_nothing_more_to_add_keeps_the_final_waiting(
    child, parent, manager
):
    plan = drafted(child, D(2026, 3, 20), served_by="email")
    with at(D(2026, 3, 24)):
        services.representation_add(by=parent, plan=plan, nothing_more_to_add=True)
    with at(D(2026, 3, 26)):
        services.representation_add(
            by=parent, plan=plan, text="We would like to meet first.", meeting_requested=True
        )

    with pytest.raises(TransitionNotAllowed) as refused:
        workflows.transition(plan, "issue_final", by=manager, on=D(2026, 3, 27))

    assert "3 April 2026" in refused.value.detail


def test_staff_record_nothing_more_to_add_received_by_email_with_its_date(
    child, practitioner, manager
):
    plan = drafted(child, D(2026, 3, 20), served_by="email")

    response = api(practitioner).post(
        f"/api/v1/ehc-plans/{plan.pk}/representations/",
        {"text": "We are happy with it.", "nothing_more_to_add": True, "made_on": "2026-03-27"},
        format="json",
    )

    assert response.status_code == 201, response.json()
    assert response.json()["made_on"] == "2026-03-27"
    plan = workflows.transition(plan, "issue_final", by=manager, on=D(2026, 3, 27))
    assert plan.status == PlanStatus.FINAL


@pytest.mark.parametrize(
    ("made_on", "message"),
    [("2026-06-11", "future"), ("2026-03-19", "before the notice was sent")],
)
def test_staff_cannot_date_a_representation_in_the_future_or_before_the_draft(
    child, practitioner, made_on, message
):
    plan = drafted(child, D(2026, 3, 20), served_by="email")

    response = api(practitioner).post(
        f"/api/v1/ehc-plans/{plan.pk}/representations/",
        {"text": "By letter.", "made_on": made_on},
        format="json",
    )

    assert response.status_code == 400
    assert message in response.json()["fields"]["made_on"][0]


# Representations as a list -------------------------------------------------------------------


def test_a_second_representation_does_not_overwrite_the_first(child, parent):
    plan = drafted(child, D(2026, 6, 1), served_by="email")
    client = api(parent)

    with at(D(2026, 6, 2)):
        first = client.post(
            f"/api/v1/ehc-plans/{plan.pk}/representations/",
            {"text": "Add swimming.", "school_requested": "Oak School"},
            format="json",
        )
    second = client.post(
        f"/api/v1/ehc-plans/{plan.pk}/representations/",
        {"text": "And a meeting, please.", "meeting_requested": True},
        format="json",
    )

    assert (first.status_code, second.status_code) == (201, 201)
    assert (first.json()["made_on"], second.json()["made_on"]) == ("2026-06-02", "2026-06-10")
    listed = client.get(f"/api/v1/ehc-plans/{plan.pk}/representations/").json()
    assert [
        (row["text"], row["school_requested"], row["meeting_requested"]) for row in listed
    ] == [
        ("Add swimming.", "Oak School", False),
        ("And a meeting, please.", "", True),
    ]
    plan.refresh_from_db()
    assert (plan.family_comments, plan.family_comments_received_on) == (
        "And a meeting, please.",
        D(2026, 6, 10),
    )


def test_the_family_cannot_post_after_the_period_ends(child, parent):
    plan = drafted(child, D(2026, 5, 20), served_by="email")  # ended 3 June

    response = api(parent).post(
        f"/api/v1/ehc-plans/{plan.pk}/representations/", {"text": "Late"}, format="json"
    )

    assert response.status_code == 409
    assert "3 June 2026" in response.json()["detail"]
    assert not Representation.objects.exists()


def test_the_family_cannot_backdate_its_own_representation(child, parent):
    plan = drafted(child, D(2026, 6, 1), served_by="email")

    response = api(parent).post(
        f"/api/v1/ehc-plans/{plan.pk}/representations/",
        {"text": "Add swimming.", "made_on": "2026-06-01"},
        format="json",
    )

    assert response.status_code == 400
    assert "made_on" in response.json()["fields"]


def test_an_empty_representation_is_a_400(child, parent):
    plan = drafted(child, D(2026, 6, 1), served_by="email")

    response = api(parent).post(
        f"/api/v1/ehc-plans/{plan.pk}/representations/", {"text": " "}, format="json"
    )

    assert response.status_code == 400
    assert "text" in response.json()["fields"]


def test_another_family_gets_404(child, team):
    plan = drafted(child, D(2026, 6, 1), served_by="email")
    other_parent = staff(Role.FAMILY, team)
    FamilyMemberFactory(
        child=ChildFactory(team=team), name="Dad", relationship="father", user=other_parent
    )
    client = api(other_parent)

    listed = client.get(f"/api/v1/ehc-plans/{plan.pk}/representations/")
    posted = client.post(
        f"/api/v1/ehc-plans/{plan.pk}/representations/", {"text": "x"}, format="json"
    )

    assert (listed.status_code, posted.status_code) == (404, 404)
    assert not Representation.objects.exists()


def test_staff_reading_the_representations_is_written_to_the_access_log(child, practitioner):
    plan = drafted(child, D(2026, 6, 1), served_by="email")

    response = api(practitioner).get(f"/api/v1/ehc-plans/{plan.pk}/representations/")

    assert response.status_code == 200
    assert AccessLog.objects.filter(user=practitioner, child=child).exists()


def test_the_comments_alias_still_works_and_keeps_a_representation(child, parent):
    plan = drafted(child, D(2026, 6, 1), served_by="email")

    response = api(parent).post(
        f"/api/v1/ehc-plans/{plan.pk}/comments/", {"comments": "Please name Oak."}, format="json"
    )

    assert response.status_code == 200
    assert response.json()["family_comments_received_on"] == "2026-06-10"
    kept = Representation.objects.get()
    assert (kept.text, kept.period, kept.by) == ("Please name Oak.", "draft", parent)


# The amendment notice (reg 22(2)(c)) ----------------------------------------------------------


@pytest.fixture
def amended(child, practitioner, manager):
    with at(D(2025, 12, 1)):
        plan = FinalPlanFactory(
            child=child,
            requested_on=D(2025, 1, 6),
            assessing_on=D(2025, 2, 3),
            draft_on=D(2025, 4, 7),
            final_on=D(2025, 5, 12),
        )
        services.review_create(by=practitioner, plan=plan, meeting_on=D(2025, 11, 3))
    plan.refresh_from_db()
    return workflows.transition(
        plan, "amend", by=manager, on=D(2026, 5, 29), served_by="email"
    )  # a Friday


def test_amend_opens_the_familys_representations_period_not_a_council_duty(amended):
    assert period_due(amended, "amendment_representations") == D(2026, 6, 12)
    with at(D(2026, 7, 1)):
        workflows.services.deadlines_mark_missed()
    window = Deadline.objects.for_subject(amended).get(kind="amendment_representations")
    assert window.status == DeadlineStatus.OPEN


def test_amended_final_refused_inside_the_amendment_representations(amended, manager):
    with pytest.raises(TransitionNotAllowed) as refused:
        workflows.transition(amended, "issue_final", by=manager, on=D(2026, 6, 5))

    assert refused.value.detail == (
        "The family has until 12 June 2026 to make representations on the proposed amendments: "
        "the amended plan can be issued from 13 June 2026, or sooner if the family confirms it "
        "has nothing more to add."
    )


def test_amendment_representations_are_their_own_and_unlock_the_amended_final(
    amended, parent, manager
):
    with at(D(2026, 6, 3)):
        services.representation_add(by=parent, plan=amended, text="Keep the speech therapy.")
    with at(D(2026, 6, 4)):
        services.representation_add(by=parent, plan=amended, nothing_more_to_add=True)

    with at(D(2026, 6, 20)):
        plan = workflows.transition(amended, "issue_final", by=manager, on=D(2026, 6, 4))

    assert plan.status == PlanStatus.FINAL
    assert list(Representation.objects.values_list("period", flat=True)) == [
        "amendment",
        "amendment",
    ]
    window = Deadline.objects.for_subject(plan).get(kind="amendment_representations")
    assert (window.status, window.closed_on) == (DeadlineStatus.MET, D(2026, 6, 4))
