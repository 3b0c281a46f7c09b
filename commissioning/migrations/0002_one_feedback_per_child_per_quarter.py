import datetime as dt

from django.db import migrations, models


def quarter_start(day: dt.date) -> dt.date:
    return dt.date(day.year, (day.month - 1) // 3 * 3 + 1, 1)


def one_per_child_per_quarter(apps, schema_editor):
    """Each rating's quarter; where a child already has several in one quarter, the latest
    stands, as it would have replaced the others had the rule been there."""
    Feedback = apps.get_model("commissioning", "Feedback")
    kept: set[tuple[int, dt.date]] = set()
    replaced = []
    for row in Feedback.objects.order_by("-given_on", "-id").only("id", "child_id", "given_on"):
        key = (row.child_id, quarter_start(row.given_on))
        if key in kept:
            replaced.append(row.pk)
            continue
        kept.add(key)
        Feedback.objects.filter(pk=row.pk).update(period_start=key[1])
    Feedback.objects.filter(pk__in=replaced).delete()


class Migration(migrations.Migration):
    dependencies = [("commissioning", "0001_initial")]

    operations = [
        migrations.AddField(
            model_name="feedback",
            name="period_start",
            field=models.DateField(
                null=True, help_text="The first day of the quarter it is given in."
            ),
        ),
        migrations.RunPython(one_per_child_per_quarter, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="feedback",
            name="period_start",
            field=models.DateField(help_text="The first day of the quarter it is given in."),
        ),
        migrations.AddConstraint(
            model_name="feedback",
            constraint=models.UniqueConstraint(
                fields=("child", "period_start"), name="one_feedback_per_child_per_quarter"
            ),
        ),
        migrations.AddConstraint(
            model_name="feedback",
            constraint=models.CheckConstraint(
                condition=models.Q(("given_on__gte", models.F("period_start"))),
                name="feedback_in_its_quarter",
            ),
        ),
    ]
