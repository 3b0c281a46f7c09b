"""The ledger is append-only at the database level: UPDATE and DELETE of an entry fail.

The application never changes an entry (a correction is a new entry); the triggers make sure
nothing else does either, whoever connects.
"""

from django.db import migrations

MESSAGE = "The budget ledger is append-only: post a correcting entry instead"

SQLITE_CREATE = [
    f"""CREATE TRIGGER budgets_ledgerentry_no_update BEFORE UPDATE ON budgets_ledgerentry
        BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END""",
    f"""CREATE TRIGGER budgets_ledgerentry_no_delete BEFORE DELETE ON budgets_ledgerentry
        BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END""",
]
SQLITE_DROP = [
    "DROP TRIGGER IF EXISTS budgets_ledgerentry_no_update",
    "DROP TRIGGER IF EXISTS budgets_ledgerentry_no_delete",
]
POSTGRESQL_CREATE = [
    f"""CREATE OR REPLACE FUNCTION budgets_ledgerentry_append_only() RETURNS trigger AS $$
        BEGIN RAISE EXCEPTION '{MESSAGE}'; END; $$ LANGUAGE plpgsql""",
    """CREATE TRIGGER budgets_ledgerentry_append_only BEFORE UPDATE OR DELETE
        ON budgets_ledgerentry FOR EACH ROW EXECUTE FUNCTION budgets_ledgerentry_append_only()""",
]
POSTGRESQL_DROP = [
    "DROP TRIGGER IF EXISTS budgets_ledgerentry_append_only ON budgets_ledgerentry",
    "DROP FUNCTION IF EXISTS budgets_ledgerentry_append_only()",
]
STATEMENTS = {
    "sqlite": (SQLITE_CREATE, SQLITE_DROP),
    "postgresql": (POSTGRESQL_CREATE, POSTGRESQL_DROP),
}


def run(schema_editor, which: int) -> None:
    vendor = schema_editor.connection.vendor
    if vendor not in STATEMENTS:
        raise RuntimeError(f"No append-only ledger triggers written for {vendor}")
    for sql in STATEMENTS[vendor][which]:
        schema_editor.execute(sql)


def create_triggers(apps, schema_editor):
    run(schema_editor, 0)


def drop_triggers(apps, schema_editor):
    run(schema_editor, 1)


class Migration(migrations.Migration):
    dependencies = [("budgets", "0001_initial")]

    operations = [migrations.RunPython(create_triggers, drop_triggers)]
