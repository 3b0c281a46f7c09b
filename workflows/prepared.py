"""Querysets compiled to SQL once per shape, then run again with new parameters.

Django compiles a queryset afresh every time it is evaluated. For a read of fixed shape done on
every request (a statement's sums and entries, the uptake report's filtered aggregates) compiling
cost more than the database took to answer: a statement of 200 entries spent 1.7 ms compiling its
nine-sum aggregate against 0.6 ms for the three raw queries, and a transition 2 ms compiling an
UPDATE of its deadlines that took the database 0.02 ms. `prepared_rows` and `prepared_update`
compile a shape once per database connection, with a marker where each parameter goes, and from
then on only put the parameters in their places, run the SQL and convert the values read as the
queryset would have.
"""

from __future__ import annotations

import datetime as dt
import weakref
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, cast

from django.db import connections
from django.db.models import QuerySet
from django.db.models.sql.compiler import SQLCompiler
from django.db.models.sql.subqueries import UpdateQuery

Parameter = int | str | dt.date

# Values no query of this project is built with: numbers near the top of a 32-bit integer
# (within every id column's range, which Django checks a comparison against), days in the year 1,
# and text with control characters round it.
_FIRST_ID_MARKER = 2_147_000_001
_FIRST_DAY_MARKER = dt.date(1, 1, 1)


@dataclass(frozen=True)
class _Compiled:
    sql: str
    params: tuple[Any, ...]
    # Where in `params` each named parameter goes, and how it is adapted as the compiler adapted
    # it: as text (SQLite's dates), or as a type of the driver's (psycopg's Int8 for big ints).
    slots: tuple[tuple[int, str, Callable[[Any], Any] | None], ...]
    names: tuple[str, ...]
    compiler: SQLCompiler
    converters: dict[int, Any]


_compiled: weakref.WeakKeyDictionary[Any, dict[str, _Compiled]] = weakref.WeakKeyDictionary()


def forget_compiled(**_: Any) -> None:
    """Forget every compiled shape: after migrating (or a test's flush), rows a shape names by id
    in its SQL, content types above all, may have been made again with other ids."""
    _compiled.clear()


def prepared_rows(
    shape: str, build: Callable[..., QuerySet[Any, Any]], **parameters: Parameter
) -> list[dict[str, Any]]:
    """The rows of `build(**parameters)`, a `.values()` queryset, as dictionaries.

    `shape` names the queryset: the same name must always build the same SQL, whatever the
    parameters, which must be ids, dates or text, each used by the queryset only as a value.
    """
    names, rows = prepared_values(shape, build, **parameters)
    return [dict(zip(names, row, strict=True)) for row in rows]


def prepared_values(
    shape: str, build: Callable[..., QuerySet[Any, Any]], **parameters: Parameter
) -> tuple[tuple[str, ...], list[Any]]:
    """The column names of `build(**parameters)` and its rows, each a sequence of the values in
    that order: for many rows, where making a dictionary of each costs more than reading it."""
    compiled = _prepared(shape, lambda **markers: _select(build(**markers)), parameters)
    with connections["default"].cursor() as cursor:
        cursor.execute(compiled.sql, _params(compiled, parameters))
        rows: Any = cursor.fetchall()
    if compiled.converters:
        rows = list(compiled.compiler.apply_converters(rows, compiled.converters))
    return compiled.names, rows


def prepared_update(
    shape: str,
    build: Callable[..., tuple[QuerySet[Any, Any], dict[str, Any]]],
    **parameters: Parameter,
) -> int:
    """`queryset.update(**values)` for the `(queryset, values)` that `build(**parameters)` gives;
    returns the number of rows changed. The queryset must be of one table, with no joins."""
    compiled = _prepared(shape, lambda **markers: _update(*build(**markers)), parameters)
    with connections["default"].cursor() as cursor:
        cursor.execute(compiled.sql, _params(compiled, parameters))
        return max(int(cursor.rowcount), 0)


def _prepared(
    shape: str,
    compile_with: Callable[..., tuple[SQLCompiler, str, Any, tuple[str, ...]]],
    parameters: dict[str, Parameter],
) -> _Compiled:
    shapes = _compiled.setdefault(connections["default"], {})
    compiled = shapes.get(shape)
    if compiled is None:
        compiled = shapes[shape] = _compile(compile_with, parameters)
    return compiled


def _params(compiled: _Compiled, parameters: dict[str, Parameter]) -> list[Any]:
    params = list(compiled.params)
    for position, name, adapt in compiled.slots:
        value = parameters[name]
        params[position] = adapt(value) if adapt else value
    return params


def _select(queryset: QuerySet[Any, Any]) -> tuple[SQLCompiler, str, Any, tuple[str, ...]]:
    query = queryset.query
    compiler = query.get_compiler(using=queryset.db)
    sql, params = compiler.as_sql()
    names = (*query.extra_select, *query.values_select, *query.annotation_select)
    return compiler, sql, params, names


def _update(
    queryset: QuerySet[Any, Any], values: dict[str, Any]
) -> tuple[SQLCompiler, str, Any, tuple[str, ...]]:
    # As QuerySet.update() builds its query.
    query = cast(UpdateQuery, queryset.query.chain(UpdateQuery))
    query.add_update_values(values)
    query.annotations = {}
    compiler = query.get_compiler(using=queryset.db)
    sql, params = compiler.as_sql()
    if query.related_updates or query.count_active_tables() != 1:
        raise ValueError("A prepared update is of one table, with no joins.")
    return compiler, sql, params, ()


def _adapter(compiled: Any, marker: Parameter) -> Callable[[Any], Any] | None:
    if isinstance(compiled, str) and isinstance(marker, dt.date):
        return _isoformat
    if type(compiled) is not type(marker):
        return cast(Callable[[Any], Any], type(compiled))
    return None


def _isoformat(value: dt.date) -> str:
    return value.isoformat()


def _compile(
    compile_with: Callable[..., tuple[SQLCompiler, str, Any, tuple[str, ...]]],
    parameters: dict[str, Parameter],
) -> _Compiled:
    markers: dict[str, Parameter] = {}
    for number, (name, value) in enumerate(parameters.items()):
        if isinstance(value, dt.date):
            markers[name] = _FIRST_DAY_MARKER + dt.timedelta(days=number)
        elif isinstance(value, str):
            markers[name] = f"\x1fprepared {name}\x1f"
        else:
            markers[name] = _FIRST_ID_MARKER + number
    compiler, sql, params, names = compile_with(**markers)
    where: dict[Any, str] = {}
    for name, marker in markers.items():
        where[marker] = name
        if isinstance(marker, dt.date):
            where[marker.isoformat()] = name
    slots = tuple(
        (position, where[value], _adapter(value, markers[where[value]]))
        for position, value in enumerate(params)
        if isinstance(value, int | str | dt.date)
        and not isinstance(value, bool)
        and value in where
    )
    missing = set(markers) - {name for _, name, _ in slots}
    if missing:
        raise ValueError(f"The queryset does not take {sorted(missing)} as parameters of its SQL.")
    # An UPDATE reads nothing back: only a SELECT has columns to convert.
    fields = [column for column, _, _ in compiler.select[: compiler.col_count]] if names else []
    return _Compiled(
        sql=sql,
        params=tuple(params),
        slots=slots,
        names=names,
        compiler=compiler,
        converters=compiler.get_converters(fields) if fields else {},
    )
