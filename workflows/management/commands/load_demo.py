from __future__ import annotations

from importlib import import_module
from typing import Any

from django.apps import apps
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils.module_loading import module_has_submodule

from workflows.reminders import reminders_sweep
from workflows.services import deadlines_mark_missed


class Command(BaseCommand):
    help = (
        "Load the demo data of DESIGN §10: logins, families at every point of the journey, and "
        "more as each app lands. Idempotent; refused when DJANGO_ENV=production."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        if settings.PRODUCTION:
            raise CommandError("load_demo is refused when DJANGO_ENV=production.")
        # Each app may have a `demo` module with a `load()`; INSTALLED_APPS lists the apps in
        # their dependency order, so each app's demo can build on the ones before it. Found by
        # discovery, as Django finds admin modules, so that no app imports the apps above it.
        with transaction.atomic():
            for config in apps.get_app_configs():
                if module_has_submodule(config.module, "demo"):
                    demo = import_module(f"{config.name}.demo")
                    self.stdout.write(f"{config.verbose_name}: {demo.load()}")
            missed = deadlines_mark_missed()
            reminded = reminders_sweep()
        self.stdout.write(
            self.style.SUCCESS(
                f"Demo data loaded ({missed} overdue deadlines marked missed, "
                f"{reminded} reminders written)."
            )
        )
