"""Disclosure control for published figures (DESIGN §7), after DfE's children-in-need statistics.

Primary suppression hides every count from 1 to 5. Secondary suppression then hides more cells
until no hidden cell can be worked out from the totals: a "line" is a set of cells whose last one
is the sum of the others (a row with its total, a column with its total, the months of a quarter
with the quarter). A line with one hidden cell gives it away by subtraction; several lines
together can too (two hidden cells in a row, one of which is alone in its column), so after the
simple pass the lines are solved as linear equations and any hidden cell the known figures pin
down to one value gets a partner hidden beside it. Zeros are shown: a count of none identifies
no one; they are hidden only when nothing else can protect a cell.
"""

from __future__ import annotations

from collections.abc import Hashable, Sequence
from fractions import Fraction
from typing import TypeVar

Cell = TypeVar("Cell", bound=Hashable)

PRIMARY_LOW, PRIMARY_HIGH = 1, 5
SUPPRESSED = "c"


def is_primary(count: int) -> bool:
    return PRIMARY_LOW <= count <= PRIMARY_HIGH


def suppress(counts: dict[Cell, int], lines: Sequence[Sequence[Cell]]) -> set[Cell]:
    """The cells to hide. Each line lists its parts and then its total."""
    hidden = {cell for cell, count in counts.items() if is_primary(count)}
    order = {cell: index for index, cell in enumerate(counts)}
    while True:
        lonely = _first_line_with_one_hidden(lines, hidden)
        if lonely is None:
            lonely = _line_of_determined_cell(lines, hidden)
        if lonely is None:
            return hidden
        partner = _partner(lonely, hidden, counts, order)
        if partner is None:
            return hidden
        hidden.add(partner)


def _first_line_with_one_hidden(
    lines: Sequence[Sequence[Cell]], hidden: set[Cell]
) -> Sequence[Cell] | None:
    for line in lines:
        if sum(cell in hidden for cell in line) == 1 and len(line) > 1:
            return line
    return None


def _partner(
    line: Sequence[Cell], hidden: set[Cell], counts: dict[Cell, int], order: dict[Cell, int]
) -> Cell | None:
    """The cell to hide beside the exposed one: the smallest figure, shown zeros last."""
    candidates = [cell for cell in line if cell not in hidden]
    if not candidates:
        return None
    return min(candidates, key=lambda cell: (counts[cell] == 0, counts[cell], order[cell]))


def _line_of_determined_cell(
    lines: Sequence[Sequence[Cell]], hidden: set[Cell]
) -> Sequence[Cell] | None:
    """A line through a hidden cell whose value the shown figures fix, if there is one."""
    determined = determined_cells(lines, hidden)
    if not determined:
        return None
    for line in lines:
        if any(cell in determined for cell in line) and any(cell not in hidden for cell in line):
            return line
    return None


def determined_cells(lines: Sequence[Sequence[Cell]], hidden: set[Cell]) -> set[Cell]:
    """Hidden cells whose value follows from the lines, solved exactly over the rationals.

    Each line is an equation: parts − total = 0. Moving the shown cells to the right-hand side
    leaves a system in the hidden cells; a hidden cell is fixed when, in reduced row echelon
    form, its pivot row has no free variable in it.
    """
    variables = sorted(hidden, key=lambda cell: str(cell))
    column = {cell: index for index, cell in enumerate(variables)}
    rows: list[list[Fraction]] = []
    for line in lines:
        if not any(cell in hidden for cell in line):
            continue
        row = [Fraction(0)] * len(variables)
        *parts, total = line
        for cell in parts:
            if cell in column:
                row[column[cell]] += 1
        if total in column:
            row[column[total]] -= 1
        rows.append(row)
    pivots = _reduce(rows, len(variables))
    fixed = set()
    for row_index, pivot in pivots:
        row = rows[row_index]
        if all(row[col] == 0 for col in range(len(variables)) if col != pivot):
            fixed.add(variables[pivot])
    return fixed


def _reduce(rows: list[list[Fraction]], width: int) -> list[tuple[int, int]]:
    """Gauss–Jordan elimination in place; the (row, column) of each pivot."""
    pivots: list[tuple[int, int]] = []
    top = 0
    for col in range(width):
        found = next((r for r in range(top, len(rows)) if rows[r][col] != 0), None)
        if found is None:
            continue
        rows[top], rows[found] = rows[found], rows[top]
        lead = rows[top][col]
        rows[top] = [value / lead for value in rows[top]]
        for r in range(len(rows)):
            if r != top and rows[r][col] != 0:
                factor = rows[r][col]
                rows[r] = [a - factor * b for a, b in zip(rows[r], rows[top], strict=True)]
        pivots.append((top, col))
        top += 1
    return pivots
