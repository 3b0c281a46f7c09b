"""The one writer of every CSV and XLSX Pathway gives out (DESIGN §8 "Every export escapes").

Spreadsheet programs run a cell that starts with `=`, `+`, `-` or `@` (or a tab or carriage return
before one) as a formula, so text from a record (a ledger description, a service's name, a
child's name) could carry one: formula injection. Such text is written as text, with a leading
apostrophe in CSV and as an explicit string cell in XLSX. Numbers stay numbers, negative ones
too: only text is escaped.

Download names go through Django's `content_disposition_header`, which quotes what can be quoted
and sends anything else (quotes, CR/LF, accents) as an RFC 5987 `filename*`.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Sequence
from typing import Any

from django.http import HttpResponse
from django.utils.http import content_disposition_header
from openpyxl import Workbook  # type: ignore[import-untyped]
from openpyxl.styles import Font  # type: ignore[import-untyped]

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
CSV_TYPE = "text/csv; charset=utf-8"
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

# A number written as text ("-12.50"): a spreadsheet reads it as the number, never a formula.
NUMBER = re.compile(r"-?\d{1,15}(\.\d{1,2})?")

Rows = Iterable[Sequence[Any]]
Sheet = tuple[str, Sequence[Any], Rows]  # title, header, rows


def is_number_text(text: str) -> bool:
    return bool(NUMBER.fullmatch(text))


def looks_like_formula(value: Any) -> bool:
    """Text a spreadsheet would run: it starts with a formula character and is not a number."""
    if not isinstance(value, str):
        return False
    return value.startswith(FORMULA_STARTS) and not is_number_text(value)


def csv_cell(value: Any) -> Any:
    if value is None:
        return ""
    if looks_like_formula(value):
        return "'" + value
    return value


def csv_text(rows: Rows, *, escape: bool = True) -> str:
    """Rows as CSV. `escape=False` only for a file whose values must be exactly as recorded (the
    SEN2 return), whose formula-like values are reported instead (see commissioning.sen2)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    for row in rows:
        writer.writerow([csv_cell(value) if escape else value for value in row])
    return buffer.getvalue()


def xlsx_bytes(sheets: Iterable[Sheet]) -> bytes:
    """Sheets of an XLSX workbook, each with a bold header row when it has one."""
    book = Workbook()
    book.remove(book.active)
    for title, header, rows in sheets:
        sheet = book.create_sheet(title)
        if header:
            _append(sheet, header)
            for cell in sheet[1]:
                cell.font = Font(bold=True)
        for row in rows:
            _append(sheet, row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _append(sheet: Any, row: Sequence[Any]) -> None:
    sheet.append(list(row))
    for cell in sheet[sheet.max_row]:
        if isinstance(cell.value, str):
            # Set after assignment: openpyxl would otherwise store "=..." as a formula.
            cell.data_type = "s"
            cell.quotePrefix = cell.value.startswith(FORMULA_STARTS)


def attach(response: HttpResponse, filename: str) -> HttpResponse:
    """Makes the response a download called `filename`, whatever characters the name holds."""
    response["Content-Disposition"] = content_disposition_header(True, filename) or "attachment"
    return response


def csv_download(rows: Rows, filename: str) -> HttpResponse:
    return attach(HttpResponse(csv_text(rows), content_type=CSV_TYPE), filename)


def xlsx_download(sheets: Iterable[Sheet], filename: str) -> HttpResponse:
    return attach(HttpResponse(xlsx_bytes(sheets), content_type=XLSX_TYPE), filename)
