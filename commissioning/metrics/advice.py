"""`advice_within_6_weeks_pct` (DESIGN §7): advice for EHC needs assessments answered within the
6 weeks of SEND Regs 2014 reg 8(1), by the agency asked."""

from __future__ import annotations

import datetime as dt

from django.db.models import (
    Case,
    CharField,
    DateField,
    Exists,
    ExpressionWrapper,
    F,
    OuterRef,
    Q,
    Value,
    When,
)

from casework.deadlines.advice import ADVICE, ADVICE_WEEKS
from casework.models.advice import AGENCY_OF, AdviceRequest
from commissioning.metrics.catalogue import Counting, Source, Unit, metric
from workflows import clock
from workflows.models import Deadline, DeadlineStatus


def agency_of_kind() -> Case:
    return Case(
        *(When(kind=kind, then=Value(agency.value)) for kind, agency in AGENCY_OF.items()),
        output_field=CharField(),
    )


@metric(
    "advice_within_6_weeks_pct",
    "Advice for EHC needs assessments given within 6 weeks",
    Unit.PERCENT,
    "Of advice requests answered or due in the period, the percentage answered within 6 weeks "
    "of the request (SEND Regs 2014 reg 8(1)); by agency: education (educational, "
    "psychological, post-16), health (medical), social care, other.",
    by_agency=True,
)
def advice_within_6_weeks_pct() -> Source:
    """Each request is counted once, in the period of the day it was answered on time or, when
    not, the day its 6 weeks ran out; a request still inside its 6 weeks is not yet counted."""
    # Advice made moot (no plan to be issued) is left out, as every not-required deadline is.
    _not_required = Deadline.objects.filter(
        subject_type__app_label="casework",
        subject_type__model="advicerequest",
        subject_id=OuterRef("pk"),
        kind=ADVICE.value,
        status=DeadlineStatus.NOT_REQUIRED,
    )
    due_on = ExpressionWrapper(
        F("requested_on") + dt.timedelta(weeks=ADVICE_WEEKS), output_field=DateField()
    )
    rows = AdviceRequest.objects.annotate(
        _due_on=due_on,
        _counted_on=Case(
            When(received_on__lte=F("_due_on"), then=F("received_on")),
            default=F("_due_on"),
            output_field=DateField(),
        ),
    ).filter(Q(received_on__isnull=False) | Q(_due_on__lt=clock.today()))
    rows = rows.exclude(Exists(_not_required))
    return Source(
        rows,
        Counting.RATE,
        child="plan__child",
        team="plan__child__team",
        date="_counted_on",
        numerator=Q(received_on__isnull=False, received_on__lte=F("_due_on")),
        agency=agency_of_kind(),
    )
