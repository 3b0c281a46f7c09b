"""What families and staff are told when a casework step is taken (written to the outbox).

Families get plain English about their own child only; staff messages link to the case.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.urls import reverse

from workflows.outbox import Message

MY_CHILD = "casework:my-child"


def family_logins(child: Any) -> list[int]:
    return list(
        child.family_members.filter(user__isnull=False, user__is_active=True)
        .values_list("user_id", flat=True)
        .distinct()
    )


def to_family(
    child: Any, kind: str, subject: str, body: str, *, link: str | None = None
) -> list[Message]:
    link = link or reverse(MY_CHILD)
    return [
        Message(recipient_id=user_id, kind=kind, subject=subject, body=body, link=link)
        for user_id in family_logins(child)
    ]


PLAN_DECISIONS = {
    "agree_to_assess": (
        "We will carry out an EHC needs assessment for {name}",
        "We have agreed to carry out an education, health and care needs assessment for {name}. "
        "We will ask you, {name}'s school and health and care professionals for advice.",
    ),
    "refuse_to_assess": (
        "We will not carry out an EHC needs assessment for {name}",
        "We have decided not to carry out an education, health and care needs assessment for "
        "{name}. The reason: {reason}. You can appeal against this decision to the First-tier "
        "Tribunal (Special Educational Needs and Disability). You must first contact a mediation "
        "adviser, within two months of this decision.",
    ),
    "issue_draft": (
        "{name}'s draft EHC plan is ready for your comments",
        "{name}'s draft education, health and care plan is ready. You have 15 days, until "
        "{comments_by}, to comment on it and to ask for a particular school or college.",
    ),
    "decide_not_to_issue": (
        "We will not issue an EHC plan for {name}",
        "After the needs assessment we have decided not to issue an education, health and care "
        "plan for {name}. The reason: {reason}. You can appeal against this decision to the "
        "First-tier Tribunal (SEND), after first contacting a mediation adviser.",
    ),
    "issue_final": (
        "{name}'s EHC plan has been issued",
        "{name}'s final education, health and care plan has been issued. You can see it on the "
        "My child page. If you disagree with it you can appeal to the First-tier Tribunal (SEND).",
    ),
    "maintain": (
        "We will keep {name}'s EHC plan as it is",
        "After the review we have decided to keep {name}'s education, health and care plan "
        "without changes.",
    ),
    "amend": (
        "We propose to amend {name}'s EHC plan",
        "After the review we propose to amend {name}'s education, health and care plan. You have "
        "15 days, until {comments_by}, to tell us what you think of the changes, to ask for a "
        "particular school or college and to ask to meet us.",
    ),
    "cease": (
        "We will stop maintaining {name}'s EHC plan",
        "After the review we have decided to stop maintaining {name}'s education, health and care "
        "plan. The reason: {reason}.",
    ),
}
APPEAL_LETTERS = {"refuse_to_assess", "decide_not_to_issue", "issue_final", "maintain", "cease"}
APPEAL_WORDS = (
    " If you disagree, you can appeal to the SEND Tribunal until {appeal_by}. You must first "
    "contact a mediation adviser, who will tell you about mediation and give you a certificate; "
    "if the certificate is issued less than a month before that date, you have one month from "
    "the certificate instead."
)


def plan_decision_messages(plan: Any, step: str, *, link: str | None = None) -> list[Message]:
    """The family's message about `step`, linking to `link` (the decision letter's download,
    `casework.services.letters`) or, for a step without a letter, to My child."""
    subject, body = PLAN_DECISIONS[step]
    words = {
        "name": plan.child.given_name,
        "reason": plan.decision_reason or "given in the letter we will send",
        "comments_by": f"{period.ends_on:%-d %B %Y}" if (period := plan.family_period) else "",
    }
    text = body.format(**words)
    # Set in the same step by the appeal-date hook, which runs before the letters are written.
    if step in APPEAL_LETTERS and plan.appeal_by is not None:
        text += APPEAL_WORDS.format(appeal_by=f"{plan.appeal_by:%-d %B %Y}")
    if link is not None:
        text += " Our letter, to read, download and keep, is at the link below."
    return to_family(plan.child, "decision", subject.format(**words), text, link=link)


def plan_decision_letter(step: str) -> Any:
    def letters(plan: Any, *, by: Any, on: dt.date) -> list[Message]:
        return plan_decision_messages(plan, step)

    return letters
