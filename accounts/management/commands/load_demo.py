from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from accounts.demo import DEMO_PASSWORD, load_demo_accounts


class Command(BaseCommand):
    help = "Load the demo team and logins (DESIGN §10). Idempotent; refused in production."

    def handle(self, *args: object, **options: object) -> None:
        if settings.PRODUCTION:
            raise CommandError("load_demo is refused when DJANGO_ENV=production.")
        created = load_demo_accounts()
        self.stdout.write(
            self.style.SUCCESS(
                f"Demo data loaded ({created} new logins). Every demo login uses the password "
                f"'{DEMO_PASSWORD}'."
            )
        )
