"""The budget statement as files to download: a CSV that adds up and a tagged PDF, for the API
and the pages alike."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from django.conf import settings
from django.http import HttpResponse
from django.template.loader import render_to_string

from budgets import selectors
from budgets.models import (
    ZERO,
)
from workflows.exports import attach, csv_download


def statement_filename(statement: selectors.Statement, extension: str) -> str:
    child = statement.budget.child
    return (
        f"budget-statement-{child.given_name}-{child.family_name}-{statement.period}.{extension}"
    )


def statement_rows(statement: selectors.Statement) -> Iterator[list[Any]]:
    """The statement as a spreadsheet that adds up: each entry's signed amount (money in +, out
    −, plain numbers) sums to the closing balance, and the set-aside column to what is still set
    aside for bookings."""
    balances = statement.balances
    yield ["Budget statement", statement.budget.child.full_name, statement.period]
    yield ["As of", statement.as_of.isoformat()]
    for label, value in (
        ("Your budget", balances.agreed or ZERO),
        ("Allocated", balances.allocated),
        ("Spent", balances.spent),
        ("Set aside for bookings", balances.committed),
        ("Available", balances.available),
        ("Balance", statement.closing_balance),
        ("Projected left at year end", statement.projected_year_end),
    ):
        yield [label, f"{value:.2f}"]
    yield []
    yield ["Date", "What", "Kind", "Category", "Amount", "Balance", "Set aside"]
    for line in statement.lines:
        entry = line.entry
        yield [
            entry.entry_on.isoformat(),
            entry.description,
            entry.get_kind_display(),
            selectors.CATEGORY_LABELS.get(entry.category, entry.category),
            f"{line.amount:.2f}",
            f"{line.balance:.2f}",
            f"{line.set_aside:.2f}",
        ]


def statement_csv_response(statement: selectors.Statement) -> HttpResponse:
    return csv_download(statement_rows(statement), statement_filename(statement, "csv"))


def statement_pdf_response(statement: selectors.Statement) -> HttpResponse:
    from weasyprint import HTML

    html = render_to_string(
        "budgets/statement_pdf.html",
        {"statement": statement, "council_name": settings.PATHWAY_COUNCIL_NAME},
    )
    # Tagged like letters and plan versions (PDF/UA-1): a structure tree, a language and a title,
    # so a screen reader reads the statement's tables as it reads the page.
    pdf = HTML(string=html).write_pdf(pdf_variant="pdf/ua-1")
    response = HttpResponse(pdf, content_type="application/pdf")
    return attach(response, statement_filename(statement, "pdf"))
