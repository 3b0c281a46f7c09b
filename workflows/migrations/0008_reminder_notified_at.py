"""The sweep writes reminder rows only; the sender puts each into words and stamps it notified.

Every reminder written before this was written with its notification in the same statement, so
each is stamped notified as of when it was written: none is put into words a second time.
"""

from django.db import migrations, models


def stamp_existing(apps, schema_editor):
    Reminder = apps.get_model("workflows", "Reminder")
    Reminder.objects.update(notified_at=models.F("created_at"))


class Migration(migrations.Migration):
    dependencies = [
        ("workflows", "0007_deadline_exceptions_carried_into_history"),
    ]

    operations = [
        migrations.AddField(
            model_name="reminder",
            name="notified_at",
            field=models.DateTimeField(
                blank=True, help_text="When its message was written into the outbox.", null=True
            ),
        ),
        migrations.RunPython(stamp_existing, migrations.RunPython.noop, elidable=True),
        migrations.AddIndex(
            model_name="reminder",
            index=models.Index(
                condition=models.Q(("notified_at__isnull", True)),
                fields=["id"],
                name="reminder_to_notify",
            ),
        ),
    ]
