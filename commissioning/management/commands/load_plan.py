from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from commissioning.models import Action, Measure, Theme
from commissioning.services import plan_load
from workflows.errors import InvalidParams


class Command(BaseCommand):
    help = "Load an implementation plan from commissioning/data/<name>.json (safe to re-run)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("name", help="The plan's data file, for example medway-2011.")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            plan, created = plan_load(slug=options["name"])
        except InvalidParams as error:
            raise CommandError("; ".join(m for ms in error.fields.values() for m in ms)) from None
        themes = Theme.objects.filter(plan=plan).count()
        measures = Measure.objects.filter(outcome__theme__plan=plan).count()
        actions = Action.objects.filter(theme__plan=plan).count()
        verb = "Loaded" if created else "Already loaded, brought up to date:"
        self.stdout.write(
            f"{verb} {plan.title}: {themes} themes, {measures} measures, {actions} actions."
        )
