"""Each exception recorded before exceptions were a history becomes its first row.

Such an exception was never checked against its dates. On a kind whose time limit the
regulations give an exception (reg 5(4), 10(4), 13(3), 27(3)) it stays live, as recorded; on any
other kind it is carried in as withdrawn, with why, and the deadline's current exception is
cleared — the regulations never allowed it.
"""

from django.db import migrations
from django.utils import timezone

# As declared when this migration was written: migrations do not read the live registry.
ADMIT_EXCEPTIONS = {
    "decision_to_assess",
    "decision_not_to_issue",
    "final_plan",
    "reassessment_final",
}
NOT_ALLOWED = (
    "Carried over from before exceptions were checked: the regulations allow no exception to "
    "this time limit."
)


def carry_in(apps, schema_editor):
    Deadline = apps.get_model("workflows", "Deadline")
    DeadlineException = apps.get_model("workflows", "DeadlineException")
    TransitionLog = apps.get_model("workflows", "TransitionLog")
    ContentType = apps.get_model("contenttypes", "ContentType")
    deadline_type = ContentType.objects.filter(app_label="workflows", model="deadline").first()
    now = timezone.now()
    carried = withdrawn = 0
    for deadline in Deadline.objects.exclude(exception="").order_by("pk"):
        recorded = (
            TransitionLog.objects.filter(
                subject_type=deadline_type, subject_id=deadline.pk, transition="record_exception"
            )
            .order_by("-at", "-pk")
            .first()
            if deadline_type
            else None
        )
        allowed = deadline.kind in ADMIT_EXCEPTIONS
        DeadlineException.objects.create(
            deadline=deadline,
            ground=deadline.exception,
            reason=deadline.waiver_reason or "(no reason was recorded)",
            added_by_id=recorded.actor_id if recorded else None,
            withdrawn_at=None if allowed else now,
            withdrawal_reason="" if allowed else NOT_ALLOWED,
        )
        carried += 1
        if not allowed:
            withdrawn += 1
            Deadline.objects.filter(pk=deadline.pk).update(exception="")
    if carried:
        print(
            f"\n  Exceptions carried into the history: {carried}; withdrawn as not allowed on "
            f"their kind: {withdrawn}."
        )


class Migration(migrations.Migration):
    dependencies = [
        ("contenttypes", "0002_remove_content_type_name"),
        ("workflows", "0006_deadline_exception_history"),
    ]

    operations = [migrations.RunPython(carry_in, migrations.RunPython.noop)]
