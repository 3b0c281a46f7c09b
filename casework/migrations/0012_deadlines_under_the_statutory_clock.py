"""Existing deadlines under the statutory clock's rules (issue 17, item 11): the logic is
`casework.clock_migration`, tested directly; this prints one line per deadline it changes."""

from django.db import migrations

from casework.clock_migration import Models, statutory_clock_recompute
from workflows import clock


def forward(apps, schema_editor):
    lines = statutory_clock_recompute(Models.from_apps(apps), today=clock.today())
    if lines:
        print(f"\n  Deadlines brought under the statutory clock ({len(lines)}):")
        for line in lines:
            print(f"    {line}")


class Migration(migrations.Migration):
    dependencies = [
        ("casework", "0011_plan_case_officer_from_request"),
        ("workflows", "0007_deadline_exceptions_carried_into_history"),
        ("budgets", "0003_ledger_entries_mean_something"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    # Not reversible in meaning (the old rules were wrong), so backwards changes nothing.
    operations = [migrations.RunPython(forward, migrations.RunPython.noop)]
