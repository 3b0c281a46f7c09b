"""The access log's writer: who on the staff read which child-level record (DESIGN §9).

Every staff read writes here, in the read's own request, so it has a module of its own beside the
casework services that re-export it.
"""

from __future__ import annotations

from collections.abc import Iterable
from contextlib import nullcontext
from typing import Any

from django.db import connection, transaction
from django.utils import timezone

from accounts.models import User
from accounts.roles import STAFF_ROLES, Role
from casework.models import AccessLog

# Rows per INSERT: a page is one; an export of a whole return is a few, well inside every
# database's limit on parameters.
ACCESS_LOG_BATCH = 1000
# One read for the access log: (the child's id, the record's type, the record's id).
Read = tuple[int, str, int]


def reads_are_logged(by: User) -> bool:
    """Staff and professionals' reads are logged (DESIGN §9), and an administrator's exports; a
    family reading its own child's records, or a provider its own bookings, is not."""
    return bool(by.is_superuser) or any(
        by.has_role(role) for role in (*STAFF_ROLES, Role.PROFESSIONAL)
    )


def access_record(*, by: User, child_id: int, record: Any, via: str) -> None:
    """Log a staff member's read of a child-level record (families' own reads are not logged)."""
    access_record_many(
        by=by, reads=[(child_id, type(record)._meta.model_name, record.pk)], via=via
    )


def access_record_many(*, by: User, reads: Iterable[Read], via: str) -> int:
    """Log every child-level record one response shows a staff member, in one INSERT however
    many there are (a list page, a nested resource, an export); the number of rows written."""
    if not reads_are_logged(by):
        return 0
    unique = list(dict.fromkeys(read for read in reads if read[0] is not None))
    if not unique:
        return 0
    # Written as one multi-row INSERT by hand: the most read list (a caseload page) logs 50 rows
    # on every request, and building and compiling 50 model instances cost more than the page's
    # own query (DESIGN §12). The values are the model's own: see AccessLog.
    at = connection.ops.adapt_datetimefield_value(timezone.now())
    table = connection.ops.quote_name(AccessLog._meta.db_table)
    column = {field.name: field.column for field in AccessLog._meta.concrete_fields}
    columns = ", ".join(
        connection.ops.quote_name(column[name])
        for name in ("user", "child", "record_type", "record_id", "at", "via")
    )
    batches = [
        unique[start : start + ACCESS_LOG_BATCH]
        for start in range(0, len(unique), ACCESS_LOG_BATCH)
    ]
    # One statement is atomic by itself; a savepoint around it would cost two more round trips.
    together = transaction.atomic() if len(batches) > 1 else nullcontext()
    with together, connection.cursor() as cursor:
        for batch in batches:
            cursor.execute(*_insert(table, columns, by.pk, batch, at, via))
    return len(unique)


def _insert(
    table: str, columns: str, user: int, batch: list[Read], at: Any, via: str
) -> tuple[str, list[Any]]:
    """The INSERT of one batch. On PostgreSQL the reads go as three arrays, one parameter each:
    psycopg merges parameters into the statement's text itself, and for the 300 of a caseload
    page's VALUES list that took longer than the database took to write the rows (DESIGN §12).
    `unnest` gives the arrays' elements in order, so the rows are the same, written in the same
    order as the VALUES list writes them."""
    if connection.vendor == "postgresql":
        children, kinds, records = (list(column) for column in zip(*batch, strict=True))
        sql = (
            f"INSERT INTO {table} ({columns}) SELECT %s, u.child, u.kind, u.record, %s, %s "  # noqa: S608 - names are the model's
            "FROM unnest(%s::bigint[], %s::text[], %s::bigint[]) AS u(child, kind, record)"
        )
        return sql, [user, at, via, children, kinds, records]
    rows = ", ".join(["(%s, %s, %s, %s, %s, %s)"] * len(batch))
    return (
        f"INSERT INTO {table} ({columns}) VALUES {rows}",  # noqa: S608 - names are the model's
        [
            value
            for child_id, kind, record_id in batch
            for value in (user, child_id, kind, record_id, at, via)
        ],
    )
