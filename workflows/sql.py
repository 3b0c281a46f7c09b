"""SQL the ORM does not write for the reminder sweep: an INSERT … SELECT that skips rows already
there, run by SQLite and PostgreSQL alike."""

from __future__ import annotations

from typing import Any, cast

from django.db import models


def _insert_select(
    model: type[models.Model], columns: list[str], selects: list[models.QuerySet[Any]]
) -> int:
    """INSERT INTO model (columns) SELECT … UNION ALL SELECT …, skipping rows that would break a
    unique constraint (ON CONFLICT DO NOTHING, or SQLite's INSERT OR IGNORE)."""
    from django.db import connection
    from django.db.models.constants import OnConflict

    parts, params = [], []
    for select in selects:
        # The compiler's SQL with its parameters kept apart: nothing user-given is spliced in.
        sql, select_params = select.query.get_compiler(connection=connection).as_sql()
        parts.append(f"SELECT * FROM ({sql}) AS due")  # noqa: S608
        params.extend(select_params)
    table = connection.ops.quote_name(model._meta.db_table)
    fields = [cast("models.Field[Any, Any]", model._meta.get_field(column)) for column in columns]
    names = ", ".join(connection.ops.quote_name(field.column) for field in fields)
    insert = connection.ops.insert_statement(on_conflict=OnConflict.IGNORE)
    suffix = connection.ops.on_conflict_suffix_sql(fields, OnConflict.IGNORE, None, None)
    with connection.cursor() as cursor:
        cursor.execute(f"{insert} {table} ({names}) {' UNION ALL '.join(parts)} {suffix}", params)
        return max(int(cursor.rowcount), 0)
