"""Disagreements in the period: mediation requests and appeals registered (DESIGN §7), from the
plans' dispute records (`casework.models.Dispute`). Counted like every other count: suppressed
from 1 to 5 for commissioners and in published exports by the report, not here."""

from __future__ import annotations

from casework.models import Dispute, DisputeKind
from commissioning.metrics.catalogue import Counting, Source, Unit, metric


@metric(
    "mediation_cases",
    "Mediation requests",
    Unit.COUNT,
    "Requests for mediation the council was told of in the period.",
)
def mediation_cases() -> Source:
    return Source(
        Dispute.objects.filter(kind=DisputeKind.MEDIATION_REQUESTED),
        Counting.ROWS,
        child="plan__child",
        team="plan__child__team",
        date="on",
    )


@metric(
    "tribunal_appeals",
    "Appeals to the SEND Tribunal",
    Unit.COUNT,
    "Appeals to the First-tier Tribunal (SEND) registered in the period.",
)
def tribunal_appeals() -> Source:
    return Source(
        Dispute.objects.filter(kind=DisputeKind.APPEAL_REGISTERED),
        Counting.ROWS,
        child="plan__child",
        team="plan__child__team",
        date="on",
    )
