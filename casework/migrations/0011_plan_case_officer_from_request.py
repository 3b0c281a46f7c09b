"""Existing plans get a case officer — the person who recorded the request, from its audit row —
and their running deadlines with no owner get the owner the rule now finds: the case's lead
professional, else the case officer. Plans whose request has no audit row keep none, and their
deadlines are reminded to the team's managers."""

from django.db import migrations

RUNNING = ("open", "missed")


def backfill(apps, schema_editor):
    EHCPlan = apps.get_model("casework", "EHCPlan")
    Deadline = apps.get_model("workflows", "Deadline")
    TransitionLog = apps.get_model("workflows", "TransitionLog")
    ContentType = apps.get_model("contenttypes", "ContentType")
    plan_type = ContentType.objects.filter(app_label="casework", model="ehcplan").first()
    if plan_type is None:
        return
    officers = owners = 0
    for plan in EHCPlan.objects.select_related("case").order_by("pk"):
        if plan.case_officer_id is None:
            created = (
                TransitionLog.objects.filter(
                    subject_type=plan_type, subject_id=plan.pk, transition="create"
                )
                .exclude(actor=None)
                .order_by("at", "pk")
                .first()
            )
            if created is not None:
                plan.case_officer_id = created.actor_id
                plan.save(update_fields=["case_officer"])
                officers += 1
        owner = (plan.case.lead_professional_id if plan.case else None) or plan.case_officer_id
        if owner is not None:
            owners += Deadline.objects.filter(
                subject_type=plan_type,
                subject_id=plan.pk,
                owner=None,
                closed_on=None,
                status__in=RUNNING,
            ).update(owner_id=owner)
    if officers or owners:
        print(
            f"\n  Case officers recorded: {officers}; running deadlines given an owner: {owners}."
        )


class Migration(migrations.Migration):
    dependencies = [
        ("casework", "0010_plan_case_officer"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("workflows", "0007_deadline_exceptions_carried_into_history"),
    ]

    operations = [migrations.RunPython(backfill, migrations.RunPython.noop)]
