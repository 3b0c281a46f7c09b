"""The Medway 2011 plan with its illustrative targets, some recorded progress on its actions, and
a year and a half of family feedback, so that the uptake report has something real to show."""

from __future__ import annotations

import datetime as dt

from accounts.models import User
from casework.models import FamilyMember
from commissioning.models import Action, ActionStatus, Feedback, ProgressNote, quarter_start
from commissioning.services import plan_load
from workflows import clock

PROGRESS = [
    (3, ActionStatus.DONE, 400, "Partnership agreement signed by every agency and circulated."),
    (12, ActionStatus.ON_TRACK, 120, "Joint commissioning protocol drafted, for the March board."),
    (14, ActionStatus.AT_RISK, 45, "Pilot of personal budgets delayed: the RAS needs re-scoring."),
    (22, ActionStatus.DONE, 300, "Vulnerable Children Partnership Board has met four times."),
]
# (months ago, rating): a parent's answers over time; the satisfaction rate moves with them.
FEEDBACK = [(17, 3), (14, 4), (11, 2), (9, 4), (7, 5), (5, 4), (4, 3), (2, 5), (1, 4)]


def load() -> str:
    plan, _ = plan_load(slug="medway-2011")
    commissioner = User.objects.get(email="commissioner@example.org")
    today = clock.today()
    for number, status, days_ago, text in PROGRESS:
        action = Action.objects.get(theme__plan=plan, number=number)
        if not action.notes.exists():
            on = today - dt.timedelta(days=days_ago)
            ProgressNote.objects.create(
                action=action, written_on=on, status=status, text=text, author=commissioner
            )
            Action.objects.filter(pk=action.pk).update(status=status, status_changed_on=on)
    given = 0
    for member in FamilyMember.objects.filter(user__isnull=False).select_related("child", "user"):
        if Feedback.objects.filter(given_by=member.user, child=member.child).exists():
            continue
        for months_ago, rating in FEEDBACK:
            # Dated in the past, so written directly: the service stamps feedback with today.
            # One per child per quarter: a later answer in the same quarter replaces an earlier.
            given_on = clock.add_months(today, -months_ago)
            _, created = Feedback.objects.update_or_create(
                child=member.child,
                period_start=quarter_start(given_on),
                defaults={
                    "team_id": member.child.team_id,
                    "given_by": member.user,
                    "given_on": given_on,
                    "rating": rating,
                },
            )
            given += created
    return f"{plan.title}: progress on {len(PROGRESS)} actions, {given} answers of feedback"
