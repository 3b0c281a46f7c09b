from django.db import migrations


class Migration(migrations.Migration):
    """API tokens are django-rest-knox's now (expiring, hashed). The permanent tokens of DRF's
    `rest_framework.authtoken`, which is no longer installed, are dropped with their table, so
    that none can be brought back to life by reinstalling the app."""

    dependencies = [("accounts", "0003_email_unique_in_any_case")]

    operations = [
        migrations.RunSQL(
            [
                "DROP TABLE IF EXISTS authtoken_token",
                "DELETE FROM django_migrations WHERE app = 'authtoken'",
            ],
            migrations.RunSQL.noop,
        )
    ]
