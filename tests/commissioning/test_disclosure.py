"""Disclosure control: counts 1–5 hidden, and no hidden cell recoverable from the totals."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from commissioning.disclosure import determined_cells, suppress

TOTAL = "total"


def table(grid: list[list[int]]):
    """Cells of a grid with its row totals, column totals and grand total, and its lines."""
    rows, cols = len(grid), len(grid[0])
    counts = {}
    for r in range(rows):
        for c in range(cols):
            counts[(r, c)] = grid[r][c]
        counts[(r, TOTAL)] = sum(grid[r])
    for c in range(cols):
        counts[(TOTAL, c)] = sum(grid[r][c] for r in range(rows))
    counts[(TOTAL, TOTAL)] = sum(map(sum, grid))
    lines = [[*((r, c) for c in range(cols)), (r, TOTAL)] for r in [*range(rows), TOTAL]]
    lines += [[*((r, c) for r in range(rows)), (TOTAL, c)] for c in [*range(cols), TOTAL]]
    return counts, lines


def recoverable(counts, lines, hidden) -> set:
    """Hidden cells whose value the shown ones fix, found independently of the code under test:
    a cell is fixed when its unit vector lies in the row space of the lines' coefficients on
    the hidden cells (rank does not grow when it is added)."""
    order = sorted(hidden, key=str)
    index = {cell: i for i, cell in enumerate(order)}
    matrix = []
    for line in lines:
        row = [0.0] * len(order)
        *parts, total = line
        for cell in parts:
            if cell in index:
                row[index[cell]] += 1
        if total in index:
            row[index[total]] -= 1
        if any(row):
            matrix.append(row)
    if not matrix:
        return set(hidden)
    base = np.linalg.matrix_rank(np.array(matrix))
    found = set()
    for cell in order:
        unit = [0.0] * len(order)
        unit[index[cell]] = 1.0
        if np.linalg.matrix_rank(np.array([*matrix, unit])) == base:
            found.add(cell)
    return found


grids = st.integers(min_value=1, max_value=5).flatmap(
    lambda rows: st.integers(min_value=1, max_value=6).flatmap(
        lambda cols: st.lists(
            st.lists(
                st.one_of(st.integers(0, 8), st.integers(0, 60)), min_size=cols, max_size=cols
            ),
            min_size=rows,
            max_size=rows,
        )
    )
)


@settings(max_examples=400, deadline=None)
@given(grids)
def test_no_suppressed_cell_can_be_worked_out_from_row_or_column_totals(grid):
    counts, lines = table(grid)

    hidden = suppress(counts, lines)

    assert {cell for cell, count in counts.items() if 1 <= count <= 5} <= hidden
    assert not recoverable(counts, lines, hidden)


def test_a_lone_small_count_takes_the_next_smallest_in_its_row_and_column_with_it():
    counts, lines = table([[3, 40, 50], [20, 30, 60]])

    hidden = suppress(counts, lines)

    assert (0, 0) in hidden
    assert (1, 0) in hidden  # 20: the smallest other in its column
    assert (0, 1) in hidden  # 40: the smallest other in its row
    assert not recoverable(counts, lines, hidden)


def test_nothing_is_hidden_when_no_count_is_small():
    counts, lines = table([[10, 0], [6, 30]])

    assert suppress(counts, lines) == set()


@settings(max_examples=300, deadline=None)
@given(grids)
def test_a_breakdown_hides_its_totals_exactly_as_the_report_without_one(grid):
    counts, lines = table(grid)
    total_row = {cell: count for cell, count in counts.items() if cell[0] == TOTAL}
    total_lines = [line for line in lines if all(cell[0] == TOTAL for cell in line)]
    alone = suppress(total_row, total_lines)

    hidden = suppress(counts, lines, hidden=alone, frozen=set(total_row))

    assert {cell for cell in hidden if cell[0] == TOTAL} == alone
    assert {cell for cell, count in counts.items() if 1 <= count <= 5} <= hidden
    # Both reports together: the totals shown in either are known.
    assert not recoverable(counts, lines, hidden)


@settings(max_examples=300, deadline=None)
@given(grids, st.randoms(use_true_random=False))
def test_the_cells_found_determined_are_exactly_those_the_totals_fix(grid, random):
    counts, lines = table(grid)
    hidden = {cell for cell in counts if random.random() < 0.5}

    assert determined_cells(lines, hidden) == (
        recoverable(counts, lines, hidden) if hidden else set()
    )
