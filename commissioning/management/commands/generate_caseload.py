import datetime as dt
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from bench.generate import SCALES, generate, report


class Command(BaseCommand):
    help = (
        "Write a synthetic caseload for benchmarks (bench/generate.py): seeded, reproducible, "
        "bulk inserts. small: 3,000 children; large: 30,000. Refused in production."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--scale", choices=list(SCALES), default="small")
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument(
            "--anchor",
            type=dt.date.fromisoformat,
            default=None,
            help="The day the data is generated as of (default today), for exact reproduction.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if settings.PRODUCTION:
            raise CommandError("generate_caseload is refused when DJANGO_ENV=production.")
        self.stdout.ending = ""  # the progress bars redraw their own line
        counts = generate(
            options["scale"],
            seed=options["seed"],
            anchor=options["anchor"],
            out=self.stdout,
            quiet=options["verbosity"] == 0,
        )
        self.stdout.ending = "\n"
        report(counts, self.stdout)
