"""The demo's online request for an assessment: one from a parent with no account, waiting in
the queue, for a child the council does not know yet."""

from __future__ import annotations

import datetime as dt

from casework.models import EHCRequest
from workflows import clock

DEMO_REQUESTER = "priya.shah@example.org"


def waiting_request() -> None:
    if EHCRequest.objects.filter(requester_email=DEMO_REQUESTER).exists():
        return
    EHCRequest.objects.create(
        child_name="Rohan Shah",
        date_of_birth=clock.add_months(clock.today(), -12 * 7 - 5),
        requester_name="Priya Shah",
        requester_email=DEMO_REQUESTER,
        relationship="parent",
        reasons=(
            "Rohan's school has used its SEN support for two years and he is still not "
            "reading. His speech and language therapist thinks he needs more than the school "
            "can give."
        ),
        received_on=clock.today() - dt.timedelta(days=3),
    )
