from typing import Any

from django.core.management.base import BaseCommand

from workflows.reminders import reminders_sweep


class Command(BaseCommand):
    help = "Write the reminders now due (as the beat does every 15 minutes); prints how many."

    def handle(self, *args: Any, **options: Any) -> None:
        written = reminders_sweep()
        self.stdout.write(f"{written} reminders written.")
