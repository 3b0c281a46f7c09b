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

import math
from collections.abc import Hashable, Sequence
from typing import TypeVar

Cell = TypeVar("Cell", bound=Hashable)

PRIMARY_LOW, PRIMARY_HIGH = 1, 5
SUPPRESSED = "c"


def is_primary(count: int) -> bool:
    return PRIMARY_LOW <= count <= PRIMARY_HIGH


def suppress(
    counts: dict[Cell, int],
    lines: Sequence[Sequence[Cell]],
    *,
    hidden: set[Cell] | None = None,
    frozen: set[Cell] | None = None,
) -> set[Cell]:
    """The cells to hide. Each line lists its parts and then its total.

    `hidden` starts hidden; `frozen` cells keep the state they start in. A breakdown uses both:
    its totals were already decided by the report without a breakdown, and must come out the
    same, or the two reports together would give a hidden figure away.
    """
    hidden = set(hidden or ()) | {cell for cell, count in counts.items() if is_primary(count)}
    fixed = frozen or set()
    order = {cell: index for index, cell in enumerate(counts)}

    def partner_in(candidate_lines: Sequence[Sequence[Cell]]) -> Cell | None:
        for line in candidate_lines:
            free = [cell for cell in line if cell not in hidden and cell not in fixed]
            if free:
                # The smallest figure beside it, shown zeros last.
                return min(free, key=lambda cell: (counts[cell] == 0, counts[cell], order[cell]))
        return None

    while True:
        exposed = [line for line in lines if len(line) > 1 and _hidden_in(line, hidden) == 1]
        partner = partner_in(exposed)
        if partner is None:
            determined = determined_cells(lines, hidden)
            partner = partner_in([line for line in lines if determined.intersection(line)])
        if partner is None:
            return hidden
        hidden.add(partner)


def _hidden_in(line: Sequence[Cell], hidden: set[Cell]) -> int:
    return sum(cell in hidden for cell in line)


def determined_cells(lines: Sequence[Sequence[Cell]], hidden: set[Cell]) -> set[Cell]:
    """Hidden cells whose value follows from the lines, solved exactly.

    Each line is an equation: parts − total = 0. Moving the shown cells to the right-hand side
    leaves a system in the hidden cells; a hidden cell is fixed when, in reduced row echelon
    form, its pivot row has no free variable in it.

    Rows are sparse (column → coefficient): each line touches a few of the hundreds of hidden
    cells of a report by a breakdown, and eliminating over every zero of dense rows took about
    a second of such a page (docs/performance.md). Their coefficients are whole numbers, kept
    whole by fraction-free elimination: only which coefficients are zero decides the answer,
    and that is the same as over the rationals, at a fraction of the cost of `Fraction`.
    """
    variables = sorted(hidden, key=lambda cell: str(cell))
    column = {cell: index for index, cell in enumerate(variables)}
    rows: list[dict[int, int]] = []
    for line in lines:
        row: dict[int, int] = {}
        *parts, total = line
        for cell, sign in [*((part, 1) for part in parts), (total, -1)]:
            if cell in column:
                index = column[cell]
                row[index] = row.get(index, 0) + sign
                if row[index] == 0:
                    del row[index]
        if row:
            rows.append(row)
    return {variables[pivot] for pivot, row in _reduce(rows, len(variables)) if len(row) == 1}


def _reduce(rows: list[dict[int, int]], width: int) -> list[tuple[int, dict[int, int]]]:
    """Gauss–Jordan elimination of sparse integer rows, each row scaled rather than divided
    (and kept small by its greatest common divisor); each pivot's column and its reduced row.

    `where` lists the rows each column has a coefficient in, so that finding a pivot and
    eliminating its column touch those rows only: a report by 30 teams has about a thousand
    hidden cells and as many lines, and scanning every row for every column was most of the
    elimination's time."""
    where: dict[int, set[int]] = {}
    for index, row in enumerate(rows):
        for col in row:
            where.setdefault(col, set()).add(index)
    unused = set(range(len(rows)))
    pivots: list[tuple[int, int]] = []
    for col in range(width):
        candidates = where.get(col, set()) & unused
        if not candidates:
            continue
        top = min(candidates)
        unused.discard(top)
        pivot = rows[top]
        if pivot[col] < 0:
            pivot = rows[top] = {c: -value for c, value in pivot.items()}
        lead = pivot[col]
        for other in where[col] - {top}:
            row = rows[other]
            factor = row[col]
            if lead != 1:
                for c in row:
                    row[c] *= lead
            for c, value in pivot.items():
                updated = row.get(c, 0) - factor * value
                if updated:
                    if c not in row:
                        where.setdefault(c, set()).add(other)
                    row[c] = updated
                elif c in row:
                    del row[c]
                    where[c].discard(other)
            if lead != 1:
                divisor = math.gcd(*row.values())
                if divisor > 1:
                    for c in row:
                        row[c] //= divisor
        pivots.append((col, top))
    return [(col, rows[top]) for col, top in pivots]
