from __future__ import annotations

import datetime as dt
import time
from typing import Any, cast

from celery import current_app
from celery.schedules import maybe_schedule
from django.core.management.base import BaseCommand, CommandParser
from django.utils import timezone


class Command(BaseCommand):
    help = (
        "Run the Celery beat schedule in this process, for the embedded demo without a broker. "
        "Production runs `celery beat` instead."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--once", action="store_true", help="Run every task once and stop.")
        parser.add_argument("--interval", type=float, default=30.0, help="Seconds between checks.")

    def handle(self, *args: Any, **options: Any) -> None:
        current_app.loader.import_default_modules()
        schedule = current_app.conf.beat_schedule
        # Every periodic task is idempotent, so running them all at start-up is safe and catches
        # up on whatever fell due while the demo was stopped.
        last_run: dict[str, dt.datetime] = {}
        for name, entry in schedule.items():
            self._run(name, entry["task"])
            last_run[name] = timezone.now()
        if options["once"]:
            return
        while True:
            time.sleep(options["interval"])
            for name, entry in schedule.items():
                schedule = cast(Any, maybe_schedule(entry["schedule"]))
                due, _ = schedule.is_due(last_run[name])
                if due:
                    self._run(name, entry["task"])
                    last_run[name] = timezone.now()

    def _run(self, name: str, task_name: str) -> None:
        result = current_app.tasks[task_name].apply()
        self.stdout.write(f"{timezone.localtime():%Y-%m-%d %H:%M} {name} ran: {result.result}")
