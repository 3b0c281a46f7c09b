"""Querysets compiled to SQL once per shape, then run again with new parameters.

Django compiles a queryset afresh every time it is evaluated. For a read of fixed shape done on
every request (a statement's sums and entries, the uptake report's filtered aggregates) compiling
cost more than the database took to answer: a statement of 200 entries spent 1.7 ms compiling its
nine-sum aggregate against 0.6 ms for the three raw queries. `prepared_rows` compiles a shape once
per database connection, with a marker where each parameter goes, and from then on only puts the
parameters in their places, runs the SQL and converts the values as the queryset would have.
"""

from __future__ import annotations

import datetime as dt
import weakref
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db import connections
from django.db.models import QuerySet
from django.db.models.sql.compiler import SQLCompiler

Parameter = int | dt.date

# Values no query of this project is built with: ids below zero and days in the year 1.
_FIRST_ID_MARKER = -7_300_000_001
_FIRST_DAY_MARKER = dt.date(1, 1, 1)


@dataclass(frozen=True)
class _Compiled:
    sql: str
    params: tuple[Any, ...]
    # Where in `params` each named parameter goes, and whether it goes as text (SQLite's dates).
    slots: tuple[tuple[int, str, bool], ...]
    names: tuple[str, ...]
    compiler: SQLCompiler
    converters: dict[int, Any]


_compiled: weakref.WeakKeyDictionary[Any, dict[str, _Compiled]] = weakref.WeakKeyDictionary()


def prepared_rows(
    shape: str, build: Callable[..., QuerySet[Any, Any]], **parameters: Parameter
) -> list[dict[str, Any]]:
    """The rows of `build(**parameters)`, a `.values()` queryset, as dictionaries.

    `shape` names the queryset: the same name must always build the same SQL, whatever the
    parameters, which must be ids or dates, each used by the queryset only as a value to compare.
    """
    names, rows = prepared_values(shape, build, **parameters)
    return [dict(zip(names, row, strict=True)) for row in rows]


def prepared_values(
    shape: str, build: Callable[..., QuerySet[Any, Any]], **parameters: Parameter
) -> tuple[tuple[str, ...], list[Any]]:
    """The column names of `build(**parameters)` and its rows, each a sequence of the values in
    that order: for many rows, where making a dictionary of each costs more than reading it."""
    connection = connections["default"]
    shapes = _compiled.setdefault(connection, {})
    compiled = shapes.get(shape)
    if compiled is None:
        compiled = shapes[shape] = _compile(build, parameters)
    params = list(compiled.params)
    for position, name, as_text in compiled.slots:
        value = parameters[name]
        params[position] = value.isoformat() if as_text and isinstance(value, dt.date) else value
    with connection.cursor() as cursor:
        cursor.execute(compiled.sql, params)
        rows: Any = cursor.fetchall()
    if compiled.converters:
        rows = list(compiled.compiler.apply_converters(rows, compiled.converters))
    return compiled.names, rows


def _compile(
    build: Callable[..., QuerySet[Any, Any]], parameters: dict[str, Parameter]
) -> _Compiled:
    markers: dict[str, Parameter] = {}
    for number, (name, value) in enumerate(parameters.items()):
        if isinstance(value, dt.date):
            markers[name] = _FIRST_DAY_MARKER + dt.timedelta(days=number)
        else:
            markers[name] = _FIRST_ID_MARKER - number
    queryset = build(**markers)
    query = queryset.query
    compiler = query.get_compiler(using=queryset.db)
    sql, params = compiler.as_sql()
    where: dict[Any, str] = {}
    for name, marker in markers.items():
        where[marker] = name
        if isinstance(marker, dt.date):
            where[marker.isoformat()] = name
    slots = tuple(
        (position, where[value], isinstance(value, str))
        for position, value in enumerate(params)
        if type(value) in (int, str, dt.date) and value in where
    )
    missing = set(markers) - {name for _, name, _ in slots}
    if missing:
        raise ValueError(f"The queryset does not take {sorted(missing)} as parameters of its SQL.")
    fields = [column for column, _, _ in compiler.select[: compiler.col_count]]
    return _Compiled(
        sql=sql,
        params=tuple(params),
        slots=slots,
        names=(*query.extra_select, *query.values_select, *query.annotation_select),
        compiler=compiler,
        converters=compiler.get_converters(fields),
    )
