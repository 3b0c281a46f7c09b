"""The family's representations on a draft plan or proposed amendments (SEND Regs 2014 reg 13(1),
reg 22(2)(c)): each kept with its date, none overwritten."""

from __future__ import annotations

import datetime as dt

from django.db import transaction

from accounts.models import User
from accounts.roles import Role
from casework.models import EHCPlan, PlanStatus, Representation
from casework.models.representation import current_representations, family_period_of
from workflows import clock
from workflows.acting import require_staff
from workflows.errors import InvalidParams, NotPermitted, TransitionNotAllowed
from workflows.services import audit, deadlines_close


@transaction.atomic
def representation_add(
    *,
    by: User,
    plan: EHCPlan,
    text: str = "",
    school_requested: str = "",
    meeting_requested: bool = False,
    nothing_more_to_add: bool = False,
    made_on: dt.date | None = None,
) -> Representation:
    """Keep one representation of the family's on the plan's current draft or amendment notice.

    The family make theirs themselves, dated today, until their period ends. Staff record one the
    family sent on paper or by e-mail, with the day it was made: not in the future, not before
    the notice was sent, and only while the plan is a draft. Saying there is nothing more to add
    ends the family's period early: the final plan can be issued from that day.
    """
    is_family = by.has_role(Role.FAMILY)
    if not is_family:
        require_staff(by)
    if not (text.strip() or school_requested.strip() or meeting_requested or nothing_more_to_add):
        raise InvalidParams(
            {
                "text": [
                    "Say what you think of the plan, name a school, ask for a meeting, or say "
                    "that you have nothing more to add."
                ]
            }
        )
    locked = EHCPlan.objects.select_for_update().get(pk=plan.pk)
    period = family_period_of(locked)
    if locked.status != PlanStatus.DRAFT or period is None:
        raise TransitionNotAllowed(
            "Representations can be made only while there is a draft plan or proposed "
            "amendments to comment on."
        )
    today = clock.today()
    if is_family:
        if made_on is not None:
            raise InvalidParams({"made_on": ["Your comments are dated the day you send them."]})
        made_on = today
        if today > period.ends_on:
            raise TransitionNotAllowed(
                f"The time to comment ended on {period.ends_on:%-d %B %Y}. "
                "You can still contact your case officer."
            )
    elif made_on is None:
        raise InvalidParams({"made_on": ["Enter the date the family made it."]})
    elif made_on > today:
        raise InvalidParams({"made_on": ["The date cannot be in the future."]})
    elif locked.notice_sent_on is not None and made_on < locked.notice_sent_on:
        raise InvalidParams(
            {
                "made_on": [
                    "It cannot be made before the notice was sent, on "
                    f"{locked.notice_sent_on:%-d %B %Y}."
                ]
            }
        )
    representation = Representation.objects.create(
        plan=locked,
        period=period.period,
        text=text,
        school_requested=school_requested,
        meeting_requested=meeting_requested,
        nothing_more_to_add=nothing_more_to_add,
        made_on=made_on,
        by=by,
    )
    _keep_latest_comment(locked)
    if nothing_more_to_add:
        deadlines_close(locked, (period.kind,), on=made_on, by="nothing_more_to_add")
    # Audited as the representation's own row, not the plan's: the plan's last step stays the
    # draft, so a final may still be dated back to the day the family said it had no more to add.
    audit(representation, "representation", by=by, note=text, case_id=locked.case_id)
    return representation


def _keep_latest_comment(plan: EHCPlan) -> None:
    """The plan's `family_comments` fields, which the API has always shown, follow the latest
    representation with words in it."""
    latest = current_representations(plan).exclude(text="").order_by("made_on", "pk").last()
    if latest is None:
        return
    plan.family_comments = latest.text
    plan.family_comments_received_on = latest.made_on
    plan.save(update_fields=["family_comments", "family_comments_received_on"])


@transaction.atomic
def plan_comment(*, by: User, plan: EHCPlan, comments: str) -> EHCPlan:
    """The family's comments on the draft (the `comments/` route): one more representation."""
    if not by.has_role(Role.FAMILY):
        raise NotPermitted("Only the child's family can comment on the draft plan.")
    if not comments.strip():
        raise InvalidParams({"comments": ["Enter your comments."]})
    representation_add(by=by, plan=plan, text=comments)
    return EHCPlan.objects.get(pk=plan.pk)
