"""Money that reads right (issue #20 item 5): one agreed amount on every page, and a statement
whose lines are signed, carry a running balance and add up in the CSV; its PDF is tagged."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from decimal import Decimal

import pytest
import time_machine
from pypdf import PdfReader
from rest_framework.test import APIClient

from accounts.roles import Role
from budgets import services
from budgets.models import EntryKind, PersonalBudget
from budgets.selectors import balances_of, statement
from casework.models import Case
from tests.factories import (
    ActiveBudgetFactory,
    ChildFactory,
    FamilyMemberFactory,
    SubmittedBudgetFactory,
    UserFactory,
    staff,
)

D = dt.date


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(dt.datetime(2026, 11, 24, 10, tzinfo=dt.UTC), tick=False):
        yield


@pytest.fixture
def family(team):
    child = ChildFactory(team=team, given_name="Amelia", family_name="Collins")
    parent = UserFactory(role=Role.FAMILY)
    FamilyMemberFactory(child=child, name="Sarah", relationship="mother", user=parent)
    case = Case.objects.create(child=child, team=team, opened_on=D(2026, 1, 5))
    budget = ActiveBudgetFactory(child=child, amount="5400.00", start_on=D(2026, 4, 1))
    PersonalBudget.objects.filter(pk=budget.pk).update(case=case)
    return {
        "child": child,
        "case": case,
        "parent": parent,
        "budget": PersonalBudget.objects.get(pk=budget.pk),
        "practitioner": staff(Role.PRACTITIONER, team),
        "manager": staff(Role.TEAM_MANAGER, team),
    }


def raise_by_250(family) -> None:
    services.entry_post(
        by=family["manager"],
        budget=family["budget"],
        kind=EntryKind.ADJUSTMENT_UP,
        amount="250.00",
        entry_on=D(2026, 8, 1),
        reason="Extra sessions agreed at the six-month review.",
    )


def agreed_on(page: str) -> list[str]:
    """The figures a page shows beside its "Agreed" label."""
    return re.findall(r"Agreed</dt><dd[^>]*>(£[\d,.]+)", page)


# One agreed amount --------------------------------------------------------------------------


def test_case_budget_family_and_statement_pages_show_the_same_agreed_amount_after_a_change(
    client, family
):
    raise_by_250(family)
    budget = family["budget"]

    client.force_login(family["practitioner"])
    case_page = client.get(f"/cases/{family['case'].pk}/").content.decode()
    budget_page = client.get(f"/budgets/{budget.pk}/").content.decode()
    client.force_login(family["parent"])
    my_child = client.get("/my-child/").content.decode()
    statement_page = client.get(f"/budgets/{budget.pk}/statement/").content.decode()

    assert agreed_on(case_page) == ["£5,650.00"]
    assert agreed_on(budget_page) == ["£5,650.00"]
    assert "£5,400.00 when approved, changed since by +£250.00" in budget_page
    assert "left to spend of £5,650.00" in my_child
    assert re.search(r"Your budget</h2><p[^>]*>£5,650.00<", statement_page)
    assert "£5,400.00" not in case_page + my_child


def test_the_pdf_and_csv_give_the_same_agreed_amount_after_a_reduction(family):
    services.entry_post(
        by=family["manager"],
        budget=family["budget"],
        kind=EntryKind.ADJUSTMENT_DOWN,
        amount="400.00",
        entry_on=D(2026, 8, 1),
        reason="Fewer sessions needed.",
    )
    client = APIClient()
    client.force_authenticate(family["parent"])
    base = f"/api/v1/budgets/{family['budget'].pk}/statement"

    rows = list(csv.reader(io.StringIO(client.get(base + ".csv").content.decode())))
    pdf = PdfReader(io.BytesIO(client.get(base + ".pdf").content))
    text = " ".join(page.extract_text() for page in pdf.pages)

    assert ["Your budget", "5000.00"] in rows
    assert re.search(r"Your budget\s*£5,000.00", text)


def test_before_approval_every_page_shows_the_amount_proposed(client, team):
    child = ChildFactory(team=team)
    budget = SubmittedBudgetFactory(child=child, amount="3000.00", start_on=D(2026, 9, 1))
    balances = balances_of(budget)

    client.force_login(staff(Role.TEAM_MANAGER, team))
    panel = client.get("/budgets/panel/").content.decode()
    budget_page = client.get(f"/budgets/{budget.pk}/").content.decode()

    assert balances.agreed == Decimal("3000.00")
    assert balances.allocated == 0
    assert "£3,000.00" in panel
    assert agreed_on(budget_page) == ["£3,000.00"]
    assert "changed since" not in budget_page


# Signed lines and a running balance ------------------------------------------------------


@pytest.fixture
def busy(family):
    """Money in, out, set aside, paid from what was set aside, released, recovered."""
    by, budget = family["practitioner"], family["budget"]
    services.invoice_pay(
        by=by, budget=budget, amount="85.00", entry_on=D(2026, 5, 9), description="Music therapy"
    )
    raise_by_250(family)
    booked = services.ledger_post(
        by=by,
        budget=budget,
        kind=EntryKind.COMMITMENT,
        amount="100.00",
        entry_on=D(2026, 9, 1),
        description="Saturday Club, four sessions booked",
    )
    services.ledger_post(
        by=by,
        budget=budget,
        kind=EntryKind.PAYMENT,
        amount="75.00",
        entry_on=D(2026, 9, 30),
        settles=booked,
        description="Saturday Club, three sessions",
    )
    services.ledger_post(
        by=by,
        budget=budget,
        kind=EntryKind.COMMITMENT_RELEASE,
        amount="25.00",
        entry_on=D(2026, 9, 30),
        settles=booked,
        description="Saturday Club, one session cancelled",
    )
    services.ledger_post(
        by=by,
        budget=budget,
        kind=EntryKind.COMMITMENT,
        amount="40.00",
        entry_on=D(2026, 11, 1),
        description="Half-term scheme booked",
    )
    services.ledger_post(
        by=by,
        budget=budget,
        kind=EntryKind.PAYMENT,
        amount="300.00",
        entry_on=D(2026, 10, 1),
        description="Direct payment",
        category="direct_payment",
    )
    services.recovery_post(
        by=family["manager"],
        budget=budget,
        amount="50.00",
        entry_on=D(2026, 11, 2),
        reason="Unspent direct payment",
    )
    return family


def test_statement_lines_are_signed_with_a_running_balance(busy):
    lines = statement(busy["budget"]).lines

    assert [(line.entry.kind, line.amount, line.balance, line.set_aside) for line in lines] == [
        (EntryKind.ALLOCATION, Decimal("5400.00"), Decimal("5400.00"), 0),
        (EntryKind.PAYMENT, Decimal("-85.00"), Decimal("5315.00"), 0),
        (EntryKind.ADJUSTMENT_UP, Decimal("250.00"), Decimal("5565.00"), 0),
        (EntryKind.COMMITMENT, 0, Decimal("5565.00"), Decimal("100.00")),
        (EntryKind.PAYMENT, Decimal("-75.00"), Decimal("5490.00"), Decimal("-75.00")),
        (EntryKind.COMMITMENT_RELEASE, 0, Decimal("5490.00"), Decimal("-25.00")),
        (EntryKind.PAYMENT, Decimal("-300.00"), Decimal("5190.00"), 0),
        (EntryKind.COMMITMENT, 0, Decimal("5190.00"), Decimal("40.00")),
        (EntryKind.RECOVERY, Decimal("50.00"), Decimal("5240.00"), 0),
    ]


def test_the_statement_reads_its_sums_and_its_entries_in_two_queries(
    busy, django_assert_num_queries
):
    with django_assert_num_queries(2):
        result = statement(busy["budget"])

    assert result.closing_balance == Decimal("5240.00")
    assert [row["category"] for row in result.by_category]


def test_the_statement_api_signs_each_line_and_gives_the_running_and_closing_balance(busy):
    client = APIClient()
    client.force_authenticate(busy["parent"])

    answer = client.get(f"/api/v1/budgets/{busy['budget'].pk}/statement/").json()

    amounts = [line["amount"] for line in answer["lines"]]
    assert amounts[:3] == ["5400.00", "-85.00", "250.00"]
    assert sum(Decimal(amount) for amount in amounts) == Decimal(answer["closing_balance"])
    assert answer["closing_balance"] == answer["lines"][-1]["balance"] == "5240.00"
    assert answer["lines"][3]["set_aside"] == "100.00"


def test_the_csv_amounts_add_up_to_the_closing_balance_and_set_aside_to_what_is_set_aside(busy):
    client = APIClient()
    client.force_authenticate(busy["parent"])

    response = client.get(f"/api/v1/budgets/{busy['budget'].pk}/statement.csv")
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    summary = {row[0]: row[1] for row in rows[:9] if len(row) == 2}
    header = rows.index(["Date", "What", "Kind", "Category", "Amount", "Balance", "Set aside"])
    entries = rows[header + 1 :]
    balances = balances_of(busy["budget"])

    assert len(entries) == 9
    assert all(re.fullmatch(r"-?\d+\.\d\d", row[4]) for row in entries)  # no £, no commas
    assert sum(Decimal(row[4]) for row in entries) == Decimal(summary["Balance"])
    assert Decimal(summary["Balance"]) == balances.allocated - balances.spent == Decimal("5240.00")
    assert entries[-1][5] == summary["Balance"]
    assert sum(Decimal(row[6]) for row in entries) == balances.committed == Decimal("40.00")
    assert Decimal(summary["Balance"]) - balances.committed == balances.available
    assert entries[1][2:6] == ["Payment", "Other support", "-85.00", "5315.00"]
    assert entries[0][4] == "5400.00"


def test_the_statement_page_shows_money_in_with_a_plus_and_out_with_a_minus(client, busy):
    client.force_login(busy["parent"])

    page = client.get(f"/budgets/{busy['budget'].pk}/statement/").content.decode()

    assert "+£5,400.00" in page
    assert "−£85.00" in page  # a real minus sign
    assert "-£85.00" not in page
    assert "+£250.00" in page
    assert "+£50.00" in page
    assert "£100.00 set aside, not paid out yet" in page
    assert "£25.00 no longer set aside" in page
    assert re.search(r"Balance on 24 November 2026</th><td[^>]*><strong>£5,240.00<", page)
    assert 'class="app-table-scroll" tabindex="0" role="region"' in page


def test_the_statement_pdf_is_tagged_and_has_the_signed_lines(busy):
    client = APIClient()
    client.force_authenticate(busy["parent"])

    response = client.get(f"/api/v1/budgets/{busy['budget'].pk}/statement.pdf")
    reader = PdfReader(io.BytesIO(response.content))
    root = reader.trailer["/Root"]
    text = " ".join(page.extract_text() for page in reader.pages)

    assert "/StructTreeRoot" in root
    assert root["/Lang"] == "en-GB"
    assert bool(root["/MarkInfo"]["/Marked"])
    assert reader.metadata.title == "Budget statement 2026-27: Amelia Collins"
    assert "+£5,400.00" in text
    assert "−£85.00" in text
    assert "£5,240.00" in text


def test_a_statement_of_a_budget_not_yet_approved_says_so(client, team):
    budget = SubmittedBudgetFactory(child=ChildFactory(team=team), start_on=D(2026, 9, 1))
    client.force_login(staff(Role.PRACTITIONER, team))

    page = client.get(f"/budgets/{budget.pk}/statement/").content.decode()

    assert "This budget has not been approved yet" in page
    assert "Nothing yet." in page


def test_the_budget_page_ledger_signs_money_in_and_out_but_not_money_set_aside(client, busy):
    client.force_login(busy["practitioner"])

    page = client.get(f"/budgets/{busy['budget'].pk}/").content.decode()

    assert "+£5,400.00" in page
    assert "−£300.00" in page
    assert "+£100.00" not in page
    assert "−£100.00" not in page
    assert "Short-break packages paid from this budget" in page
