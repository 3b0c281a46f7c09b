"""Demo budgets in every state, through the real services and engine.

Each demo parent's child has an active budget for this financial year with its entries so far
(monthly direct payments and an increase after a review; the short-breaks demo adds a year of
booked and delivered sessions), and support starts on their case once the budget is approved.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import workflows
from accounts.models import User
from budgets import periods, services
from budgets.models import AllocationScheme, EntryKind, SchemeDomain
from casework.models import CaseStatus, Child, ReviewOutcome
from casework.services import review_create, review_update
from workflows import clock

DOMAINS = [
    ("personal_care", "Personal care", 4, 3),
    ("communication", "Communication", 4, 2),
    ("behaviour", "Behaviour and emotional wellbeing", 4, 3),
    ("health", "Health needs", 4, 3),
    ("family", "Family and carer circumstances", 4, 4),
    ("education", "Education and daytime activities", 3, 1),
]
ANSWERS = {
    "personal_care": 3,
    "communication": 2,
    "behaviour": 2,
    "health": 1,
    "family": 3,
    "education": 2,
}

# child given name → final state of the budget, and what then happens to the case
BUDGETS = {
    "Amelia": ("active", "active"),
    "Noah": ("active", "active"),
    "Ethan": ("active", "preparing_for_adulthood"),
    "Mia": ("active", "reviewing"),
    "Freddie": ("suspended", "active"),
    "Leo": ("ended", None),
    "Poppy": ("awaiting_approval", None),
    "Jack": ("indicative", None),
    "Isla": ("requested", None),
}
WITH_ENTRIES = {"Amelia", "Noah"}


def default_scheme() -> AllocationScheme:
    scheme, created = AllocationScheme.objects.get_or_create(
        name="Medway resource allocation system",
        version=1,
        defaults={
            "price_per_point": Decimal("150.00"),
            "floor": Decimal("500.00"),
            "ceiling": Decimal("12000.00"),
        },
    )
    if created:
        SchemeDomain.objects.bulk_create(
            SchemeDomain(
                scheme=scheme,
                key=key,
                label=label,
                max_score=top,
                points_per_score=points,
                position=index,
            )
            for index, (key, label, top, points) in enumerate(DOMAINS)
        )
    return scheme


def load() -> str:
    scheme = default_scheme()
    worker = User.objects.get(email="practitioner@example.org")
    manager = User.objects.get(email="manager@example.org")
    year_start = periods.start_of(clock.today())
    made = 0
    for name, (state, case_state) in BUDGETS.items():
        child = Child.objects.filter(given_name=name).first()
        if child is None or child.budgets.exists():
            continue
        full_year = name in WITH_ENTRIES
        start_on = (
            year_start if full_year else max(year_start, clock.today() - dt.timedelta(days=30))
        )
        budget = services.budget_request(by=worker, child=child, start_on=start_on)
        made += 1
        if state == "requested":
            continue
        budget = services.budget_score(
            by=worker, budget=budget, scheme=scheme, answers=ANSWERS, on=start_on
        )
        if state == "indicative":
            continue
        agreed = budget.indicative_amount
        direct = (
            (agreed * Decimal("0.6")).quantize(Decimal("0.01")) if full_year else Decimal("0.00")
        )
        budget = services.budget_plan(
            by=worker,
            budget=budget,
            support_plan="Short breaks at the Saturday club, and a personal assistant for two "
            "afternoons a week paid by direct payment.",
            agreed_amount=str(agreed),
            direct_payment_amount=str(direct),
            notional_amount=str(agreed - direct),
            social_care_amount=str(agreed),
            first_payment_on=start_on if direct else None,
        )
        budget = workflows.transition(budget, "submit", by=worker, on=start_on)
        if state == "awaiting_approval":
            continue
        budget = workflows.transition(budget, "approve", by=manager, on=start_on)
        if full_year:
            _year_of_entries(budget, worker, manager)
        _move_case(child, case_state, worker, manager)
        if state == "suspended":
            workflows.transition(
                budget, "suspend", by=manager, reason="The family is abroad until the new year."
            )
        elif state == "ended":
            workflows.transition(
                budget, "end", by=manager, reason="The family moved out of the area."
            )
    services.direct_payments_pay_due()
    return f"{made} new budgets"


def _year_of_entries(budget, worker: User, manager: User) -> None:
    day = budget.start_on
    month = 0
    while day <= min(clock.today(), budget.end_on):
        services.invoice_pay(
            by=worker,
            budget=budget,
            amount="85.00",
            entry_on=day,
            description="Music therapy, monthly invoice",
        )
        month += 1
        day = clock.add_months(budget.start_on, month) + dt.timedelta(days=10)
    services.entry_post(
        by=manager,
        budget=budget,
        kind=EntryKind.ADJUSTMENT_UP,
        amount="250.00",
        entry_on=min(clock.today(), budget.start_on + dt.timedelta(days=120)),
        reason="Extra sessions agreed at the six-month review.",
    )


def _move_case(child: Child, case_state: str | None, worker: User, manager: User) -> None:
    case = child.cases.filter(status=CaseStatus.PLANNING).first()
    if case is None or case_state is None:
        return
    case = workflows.transition(case, "start_support", by=manager)
    if case_state == "preparing_for_adulthood":
        workflows.transition(case, "begin_transition", by=worker)
    elif case_state == "reviewing":
        review = review_create(by=worker, case=case, meeting_on=clock.today())
        review_update(by=worker, review=review, outcome=ReviewOutcome.MAINTAIN)
