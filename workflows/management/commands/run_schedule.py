from __future__ import annotations

import datetime as dt
import logging
import time
from typing import Any, cast

from celery import current_app
from celery.schedules import maybe_schedule
from django.core.management.base import BaseCommand, CommandParser
from django.utils import timezone

log = logging.getLogger(__name__)


class Command(BaseCommand):
    help = (
        "Run the Celery beat schedule in this process, for the embedded demo without a broker. "
        "Production runs `celery beat` instead."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--once", action="store_true", help="Run every task once and stop.")
        parser.add_argument("--interval", type=float, default=30.0, help="Seconds between checks.")
        parser.add_argument(
            "--passes",
            type=int,
            default=None,
            help="Stop after this many checks after the first run (default: never).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        current_app.loader.import_default_modules()
        beat_schedule = current_app.conf.beat_schedule
        # Every periodic task is idempotent, so running them all at start-up is safe and catches
        # up on whatever fell due while the demo was stopped.
        last_run: dict[str, dt.datetime] = {}
        for name, entry in beat_schedule.items():
            self._run(name, entry["task"])
            last_run[name] = timezone.now()
        if options["once"]:
            return
        passes = 0
        while options["passes"] is None or passes < options["passes"]:
            time.sleep(options["interval"])
            passes += 1
            for name, entry in beat_schedule.items():
                when = cast(Any, maybe_schedule(entry["schedule"]))
                due, _ = when.is_due(last_run[name])
                if due:
                    self._run(name, entry["task"])
                    last_run[name] = timezone.now()

    def _run(self, name: str, task_name: str) -> None:
        """Run one task; a task that raises is logged and the schedule goes on, as beat does."""
        try:
            result = current_app.tasks[task_name].apply().result
        except Exception:
            log.exception("%s failed; the schedule goes on.", name)
            self.stderr.write(f"{timezone.localtime():%Y-%m-%d %H:%M} {name} failed")
            return
        self.stdout.write(f"{timezone.localtime():%Y-%m-%d %H:%M} {name} ran: {result}")
