"""Decision letters (DESIGN §3 "letters", §5 "Appeals"): the only writer of `Letter`.

Each decision on an EHC plan that the family must be told of is rendered from
`templates/casework/letters/<step>.html` to a tagged PDF (WeasyPrint, PDF/UA-1, en-GB), kept on the
child's record as a family-visible document, and recorded as a `Letter`. `DecisionLetter` is
hooked on the plan's steps (`casework.machines`), so the letter is written inside the step's own
transaction however the step is taken (API, page, demo): a step that fails leaves no letter.

The family's outbox message is sent with it and carries a link to the letter's download page, not
the PDF itself: an e-mail stays small, and the letter is fetched through the access-checked view.

What the letters say follows the law:
- refuse_to_assess: SEND Regs 2014 reg 5(3) (notice within 6 weeks), with the right of appeal
  (Children and Families Act 2014 s51(2)(a)) and the mediation information of reg 32.
- decide_not_to_issue: reg 10(1) (notice with reasons), appeal s51(2)(b), reg 32.
- issue_draft: reg 13(1) (at least 15 days for representations and to ask for a meeting), and
  the family's right to ask for a school or college to be named (CFA 2014 s38(2)(b)).
- issue_final: reg 14 (notice of the right of appeal with the final plan), s51(2)(c), reg 32;
  an appeal only about the school named needs no mediation certificate (s55(2)).
- maintain: s51(2)(e), a decision not to amend after a review; cease: CFA 2014 s45 and
  s51(2)(f); both with reg 32.
- amend: reg 22(2) (the amendment notice, 15 days for representations); no appeal until the
  amended plan is issued.
Mediation (CFA 2014 s52-55; regs 32-34): the parent must contact the mediation adviser within 2
months of the notice (reg 33) for a certificate before an appeal; the adviser issues it within 3
working days (reg 34). The appeal date is the plan's (`casework.services.disputes.appeal_by`).
"""

from __future__ import annotations

import datetime as dt
import secrets
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse

from accounts.models import User
from casework.messages import plan_decision_messages
from casework.models import (
    Document,
    DocumentKind,
    DocumentVisibility,
    EHCPlan,
    Letter,
    LetterKind,
)
from casework.services.disputes import APPEALABLE
from workflows.outbox import Message

LETTER_STEPS = tuple(LetterKind.values)


def letter_pdf(*, plan: EHCPlan, kind: str, sent_on: dt.date, appeal_by: dt.date | None) -> bytes:
    """The letter as a tagged PDF: PDF/UA-1 gives it a structure tree, its language and title."""
    # a heavy import, paid only when a letter is written; the package ships no type hints
    from weasyprint import HTML  # type: ignore[import-untyped]

    period = plan.family_period
    html = render_to_string(
        f"casework/letters/{kind}.html",
        {
            "plan": plan,
            "child": plan.child,
            "title": f"{LetterKind(kind).label}: {plan.child.full_name}",
            "sent_on": sent_on,
            "appeal_by": appeal_by,
            "period_ends_on": period.ends_on if period else None,
            "served_on": plan.notice_served_on,
            "council_name": settings.PATHWAY_COUNCIL_NAME,
            "mediation_adviser": settings.PATHWAY_MEDIATION_ADVISER,
            "sen_team": settings.PATHWAY_SEN_TEAM_CONTACT,
        },
    )
    pdf: bytes = HTML(string=html).write_pdf(pdf_variant="pdf/ua-1")
    return pdf


@transaction.atomic
def letter_send(*, by: User, plan: EHCPlan, kind: str, on: dt.date) -> Letter:
    """Write the letter for the decision `kind` taken on `on` by `by`, and keep it on the
    child's record for the family to see. Called by the step that took the decision."""
    appeal_by = plan.appeal_by if kind in APPEALABLE else None
    pdf = letter_pdf(plan=plan, kind=kind, sent_on=on, appeal_by=appeal_by)
    document = Document(
        child=plan.child,
        title=f"{LetterKind(kind).label} {on:%-d %B %Y}.pdf",
        kind=DocumentKind.LETTER,
        visibility=DocumentVisibility.FAMILY,
        token=secrets.token_hex(16),
        content_type="application/pdf",
        size=len(pdf),
        uploaded_by=by,
    )
    document.file.save(document.token, ContentFile(pdf), save=False)
    document.save()
    return Letter.objects.create(
        plan=plan, kind=kind, sent_on=on, appeal_by=appeal_by, document=document
    )


@dataclass(frozen=True)
class DecisionLetter:
    """The plan step's message maker: writes the letter, then the family's outbox messages that
    link to it (an e-mail with a link, never the PDF attached)."""

    step: str

    def __call__(self, plan: EHCPlan, *, by: Any, on: dt.date) -> list[Message]:
        letter = letter_send(by=by, plan=plan, kind=self.step, on=on)
        link = reverse("casework:letter-download", args=[letter.pk])
        return plan_decision_messages(plan, self.step, link=link)
