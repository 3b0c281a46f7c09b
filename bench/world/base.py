"""What every part of a generated caseload shares: the seeded random source, the day it is
generated as of, and the writer that bulk-inserts rows with a progress bar."""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Iterable
from dataclasses import dataclass, field
from itertools import islice
from typing import Any, TextIO

BATCH = 5_000


class Progress:
    """Rows written per table, with a bar, on one line per table."""

    def __init__(self, out: TextIO, quiet: bool) -> None:
        self.out = out
        self.quiet = quiet
        self.rows: dict[str, int] = {}

    def write(self, table: str, model: Any, objects: Iterable[Any], total: int) -> list[Any]:
        written: list[Any] = []
        iterator = iter(objects)
        while chunk := list(islice(iterator, BATCH)):
            written.extend(model.objects.bulk_create(chunk, batch_size=BATCH))
            self._bar(table, len(written), total)
        self.rows[table] = self.rows.get(table, 0) + len(written)
        if not self.quiet:
            self.out.write("\n")
        return written

    def _bar(self, table: str, done: int, total: int) -> None:
        if self.quiet:
            return
        share = min(done / total, 1.0) if total else 1.0
        bar = "#" * int(share * 30)
        self.out.write(f"\r{table:<16} [{bar:<30}] {done:>10,}")
        self.out.flush()


@dataclass
class World:
    """One caseload being written. Every part draws from the same `rng` in a fixed order, so
    the same seed and anchor day give the same rows."""

    rng: random.Random
    today: dt.date
    progress: Progress
    # Logins and names are unique; a second caseload in the same database gets its own.
    tag: str
    # The hash of an unusable password: generated logins cannot sign in.
    password: str
    # A caseload of one named team (the demo's); otherwise teams are numbered by the tag.
    team_name: str = ""
    year_start: dt.date = field(init=False)

    def __post_init__(self) -> None:
        today = self.today
        self.year_start = dt.date(today.year if today.month >= 4 else today.year - 1, 4, 1)

    def days_ago(self, low: int, high: int) -> dt.date:
        return self.today - dt.timedelta(days=self.rng.randint(low, high))

    @property
    def year_end(self) -> dt.date:
        return dt.date(self.year_start.year + 1, 3, 31)
