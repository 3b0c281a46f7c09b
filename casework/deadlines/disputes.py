"""The council's time limits in a disagreement: arranging mediation, and carrying out what the
First-tier Tribunal (SEND) orders or what the council concedes (DESIGN §5).

Checked against the text of the SEND Regulations 2014 (SI 2014/1530) as amended by SI 2015/359.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from casework.deadlines import LEAD_PROFESSIONAL
from workflows import clock
from workflows.registry import DeadlineKind

MEDIATION_DAYS = 30


def mediation_arranged(plan: Any, on: dt.date) -> dt.date:
    """30 days after the council was told the family wishes to pursue mediation (SEND Regs 2014,
    "Mediation" regs 36-37: the authority arranges mediation within 30 days of being informed).

    `on` is the day the council was told. Calendar days: a weekend or bank holiday does not move
    it. If the council cannot arrange it in time the mediation adviser issues a certificate.
    """
    return clock.add_days(on, MEDIATION_DAYS)


def tribunal_order(step: Any, on: dt.date) -> dt.date:
    """The step's own time limit in calendar weeks from the order (reg 44(2): "of the order being
    made") or, for a concession, from the day the council told the Tribunal it would not oppose
    the appeal (reg 45(3)-(6) as substituted by SI 2015/359 reg 8). 0 weeks: immediately, due
    the same day."""
    return clock.add_weeks(step.dispute.on, step.weeks)


MEDIATION_ARRANGED = DeadlineKind(
    "mediation_arranged",
    "Arrange the mediation",
    mediation_arranged,
    statutory=True,
    basis="SEND Regs 2014 regs 36-37 (mediation within 30 days of being told)",
    owner=LEAD_PROFESSIONAL,
    for_families="We arrange the mediation you asked for",
)
TRIBUNAL_ORDER = DeadlineKind(
    "tribunal_order",
    "Carry out the Tribunal's order",
    tribunal_order,
    statutory=True,
    basis="SEND Regs 2014 reg 44(2); reg 45 where the council concedes (SI 2015/359 reg 8)",
    owner=LEAD_PROFESSIONAL,
    for_families="We carry out what the Tribunal ordered",
)

KINDS = (MEDIATION_ARRANGED, TRIBUNAL_ORDER)
