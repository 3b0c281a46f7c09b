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
    """Hidden cells whose value follows from the lines, solved exactly over the rationals.

    Each line is an equation: parts − total = 0. Moving the shown cells to the right-hand side
    leaves a system in the hidden cells; a hidden cell is fixed when, in reduced row echelon
    form, its pivot row has no free variable in it.

    Rows are sparse (column → coefficient): each line touches a few of the hundreds of hidden
    cells of a report by a breakdown, and eliminating over every zero of dense rows took about
    a second of such a page (docs/performance.md).
    """
    variables = sorted(hidden, key=lambda cell: str(cell))
    column = {cell: index for index, cell in enumerate(variables)}
    rows: list[dict[int, Fraction]] = []
    for line in lines:
        row: dict[int, Fraction] = {}
        *parts, total = line
        for cell, sign in [*((part, 1) for part in parts), (total, -1)]:
            if cell in column:
                index = column[cell]
                row[index] = row.get(index, Fraction(0)) + sign
                if row[index] == 0:
                    del row[index]
        if row:
            rows.append(row)
    return {variables[pivot] for pivot, row in _reduce(rows, len(variables)) if len(row) == 1}


def _reduce(rows: list[dict[int, Fraction]], width: int) -> list[tuple[int, dict[int, Fraction]]]:
    """Gauss–Jordan elimination of sparse rows; each pivot's column and its reduced row."""
    pivots: list[tuple[int, dict[int, Fraction]]] = []
    remaining = rows
    for col in range(width):
        found = next((row for row in remaining if col in row), None)
        if found is None:
            continue
        lead = found[col]
        pivot = {c: value / lead for c, value in found.items()}
        remaining = [row for row in remaining if row is not found]
        for other in (*remaining, *(row for _, row in pivots)):
            factor = other.get(col)
            if factor is None:
                continue
            for c, value in pivot.items():
                updated = other.get(c, Fraction(0)) - factor * value
                if updated == 0:
                    other.pop(c, None)
                else:
                    other[c] = updated
        pivots.append((col, pivot))
    return pivots
