"""Existing drafts and amendments: how they were served is not known, so the notice counts as
served on the day the draft was issued (what the old 15 days were counted from), and a comment
the family already made becomes their first representation, dated as it was received."""

from django.db import migrations


def forwards(apps, schema_editor):
    EHCPlan = apps.get_model("casework", "EHCPlan")
    Representation = apps.get_model("casework", "Representation")
    for plan in EHCPlan.objects.filter(draft_issued_on__isnull=False):
        plan.notice_sent_on = plan.draft_issued_on
        plan.notice_served_on = plan.draft_issued_on
        plan.save(update_fields=["notice_sent_on", "notice_served_on"])
        if plan.family_comments_received_on is not None:
            Representation.objects.create(
                plan=plan,
                period="amendment" if plan.being_amended else "draft",
                text=plan.family_comments,
                made_on=plan.family_comments_received_on,
            )


class Migration(migrations.Migration):
    dependencies = [("casework", "0005_family_periods_and_representations")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
