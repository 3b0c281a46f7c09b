"""SQL the ORM does not write for the reminder sweep: an INSERT … SELECT that skips rows already
there, and a date spelt out in words, both run by SQLite and PostgreSQL alike."""

from __future__ import annotations

from typing import Any, ClassVar, cast

from django.db import models
from django.db.models import Case, CharField, F, Func, IntegerField, Q, Value, When
from django.db.models.functions import Cast, Concat
from django.db.models.lookups import Exact


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


WEEKDAYS = ["Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"]
MONTHS = [
    "January", "February", "March", "April", "May", "June", "July", "August", "September",
    "October", "November", "December",
]  # fmt: skip


class DatePart(Func):
    """A part of a date as a number, by the database's own function: Django's Extract runs as a
    Python function on SQLite, once per row and branch, which made the sweep 10 times slower.
    Both databases count days of the week from 0 for Sunday."""

    output_field = IntegerField()
    PARTS: ClassVar[dict[str, tuple[str, str]]] = {
        "weekday": ("DOW", "w"),
        "day": ("DAY", "d"),
        "month": ("MONTH", "m"),
        "year": ("YEAR", "Y"),
    }

    def __init__(self, field: str, part: str) -> None:
        super().__init__(F(field))
        self.part = part

    def as_sql(  # type: ignore[override]
        self, compiler: Any, connection: Any, **extra: Any
    ) -> tuple[str, list[Any]]:
        sql, params = compiler.compile(self.source_expressions[0])
        return f"CAST(EXTRACT({self.PARTS[self.part][0]} FROM {sql}) AS INTEGER)", list(params)

    def as_sqlite(self, compiler: Any, connection: Any, **extra: Any) -> tuple[str, list[Any]]:
        sql, params = compiler.compile(self.source_expressions[0])
        # %% is a literal % in SQL that goes out with parameters.
        code = self.PARTS[self.part][1]
        return f"CAST(strftime('%%{code}', {sql}) AS INTEGER)", list(params)


def _named(number: DatePart, names: list[str], first: int) -> Case:
    return Case(
        *(When(Q(Exact(number, first + n)), then=Value(name)) for n, name in enumerate(names)),
        output_field=CharField(),
    )


def _long_date(field: str) -> Concat:
    """`Monday 7 December 2026`, in SQL that SQLite and PostgreSQL both run."""
    return Concat(
        _named(DatePart(field, "weekday"), WEEKDAYS, 0),
        Value(" "),
        Cast(DatePart(field, "day"), CharField()),
        Value(" "),
        _named(DatePart(field, "month"), MONTHS, 1),
        Value(" "),
        Cast(DatePart(field, "year"), CharField()),
        output_field=CharField(),
    )
