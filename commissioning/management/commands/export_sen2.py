from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from accounts.models import TeamMembership, User
from accounts.roles import Role
from casework.services import access_record_many
from commissioning import sen2


class Command(BaseCommand):
    help = (
        "Write the SEN2 person-level return for a year as one CSV per module, with a validation "
        "report of records that would fail. Only a team manager (for their teams) or an "
        "administrator (for every team) may run it."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--year", type=int, required=True, help="The return's year, e.g. 2026."
        )
        parser.add_argument("--out", type=Path, default=Path("."), help="Folder for the files.")
        parser.add_argument(
            "--user", required=True, help="E-mail of the team manager or administrator running it."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        year = options["year"]
        if not 2015 <= year <= 2100:
            raise CommandError("Give the return's year, like --year 2026.")
        user = User.objects.filter(email__iexact=options["user"], is_active=True).first()
        if user is None:
            raise CommandError(f"No active user {options['user']}.")
        if user.is_superuser:
            teams = None
        elif user.has_role(Role.TEAM_MANAGER):
            teams = list(
                TeamMembership.objects.filter(user=user).values_list("team_id", flat=True)
            )
        else:
            raise CommandError("Only a team manager or an administrator may export SEN2.")
        built = sen2.build(year, teams=teams)
        access_record_many(
            by=user, reads=[(child, "child", child) for child in built.children], via="export"
        )
        for path in sen2.write(built, options["out"]):
            rows = sum(1 for _ in path.open(encoding="utf-8")) - 1
            self.stdout.write(f"{path}: {rows} rows")
        if built.problems:
            self.stdout.write(
                f"{len(built.problems)} problems would fail the return: see sen2_validation.csv."
            )
