import django_fsm
from django.db import migrations


def status_from_dates(apps, schema_editor):
    """A review with a decision date is decided; one with only a meeting date is held; the rest
    are still waiting for their meeting."""
    Review = apps.get_model("casework", "Review")
    Review.objects.filter(decision_on__isnull=False).update(status="decided")
    Review.objects.filter(decision_on__isnull=True, meeting_on__isnull=False).update(status="held")


class Migration(migrations.Migration):
    dependencies = [
        ("casework", "0002_access_log_via_export"),
    ]

    operations = [
        migrations.AddField(
            model_name="review",
            name="status",
            field=django_fsm.FSMField(
                choices=[
                    ("scheduled", "Scheduled"),
                    ("held", "Meeting held"),
                    ("decided", "Decided"),
                ],
                default="scheduled",
                max_length=50,
                protected=True,
            ),
        ),
        migrations.RunPython(status_from_dates, migrations.RunPython.noop),
    ]
