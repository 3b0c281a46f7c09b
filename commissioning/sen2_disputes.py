"""The SEN2 mediation and tribunal columns, from the plans' dispute records.

SEN2 asks, for the decision not to assess (`requests`), the outcome of the assessment
(`assessment`) and any later decision (`other...`, in `assessment`), whether mediation was held
and whether an appeal was registered. Each dispute records which decision it was about when it
was recorded (`Dispute.about`).
"""

from __future__ import annotations

import datetime as dt

from casework.models import Dispute, DisputeKind


def dispute_flags(plan_ids: list[int], census: dt.date) -> dict[int, set[tuple[str, str]]]:
    """Per plan, which decisions (request, assessment, other) had mediation held and which an
    appeal registered, by the census date: the SEN2 mediation and tribunal columns."""
    found: dict[int, set[tuple[str, str]]] = {}
    rows = Dispute.objects.filter(
        plan_id__in=plan_ids,
        kind__in=[DisputeKind.MEDIATION_HELD, DisputeKind.APPEAL_REGISTERED],
        on__lte=census,
    ).values_list("plan_id", "about", "kind")
    for plan_id, about, kind in rows:
        column = "mediation" if kind == DisputeKind.MEDIATION_HELD else "tribunal"
        found.setdefault(plan_id, set()).add((about, column))
    return found
