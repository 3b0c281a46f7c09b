"""The ledger's rules of DESIGN §8 that SQL can say, so that nothing connecting past the
application can break them either:

- a release names its commitment, and only a payment or a release uses one up (CHECKs);
- an entry is dated within its budget's dates: from its start, or from its approval if that came
  first, to its end (trigger; `services.first_entry_day` is the same rule);
- what a payment or release uses up is a commitment on the same budget, and never more than is
  left of it (trigger; compared in whole pence, since SQLite sums decimals as floating point).

"Not after today" stays with the application, whose clock the tests can set: the database's own
date would disagree with it.
"""

from importlib import import_module

from django.db import migrations, models

append_only = import_module("budgets.migrations.0002_ledger_append_only")


SQLITE_CREATE = [
    """CREATE TRIGGER budgets_ledgerentry_in_period BEFORE INSERT ON budgets_ledgerentry
        WHEN NOT EXISTS (
            SELECT 1 FROM budgets_personalbudget b WHERE b.id = NEW.budget_id
            AND NEW.entry_on >= CASE WHEN b.approved_on < b.start_on THEN b.approved_on ELSE b.start_on END AND NEW.entry_on <= b.end_on)
        BEGIN SELECT RAISE(ABORT, 'A ledger entry must be dated within the dates of its budget'); END""",
    """CREATE TRIGGER budgets_ledgerentry_settles_a_commitment
        BEFORE INSERT ON budgets_ledgerentry
        WHEN NEW.settles_id IS NOT NULL AND NOT EXISTS (
            SELECT 1 FROM budgets_ledgerentry c WHERE c.id = NEW.settles_id
            AND c.kind = 'commitment' AND c.budget_id = NEW.budget_id)
        BEGIN SELECT RAISE(ABORT, 'A payment or release can only use up a commitment on the same budget'); END""",
    """CREATE TRIGGER budgets_ledgerentry_settles_what_is_left
        BEFORE INSERT ON budgets_ledgerentry
        WHEN NEW.settles_id IS NOT NULL AND (
            SELECT ROUND(c.amount * 100) FROM budgets_ledgerentry c WHERE c.id = NEW.settles_id
        ) < ROUND(NEW.amount * 100) + (
            SELECT COALESCE(SUM(ROUND(s.amount * 100)), 0) FROM budgets_ledgerentry s
            WHERE s.settles_id = NEW.settles_id)
        BEGIN SELECT RAISE(ABORT, 'A payment or release cannot use more of a commitment than is left of it'); END""",
]
SQLITE_DROP = [
    "DROP TRIGGER IF EXISTS budgets_ledgerentry_in_period",
    "DROP TRIGGER IF EXISTS budgets_ledgerentry_settles_a_commitment",
    "DROP TRIGGER IF EXISTS budgets_ledgerentry_settles_what_is_left",
]
POSTGRESQL_CREATE = [
    """CREATE OR REPLACE FUNCTION budgets_ledgerentry_rules() RETURNS trigger AS $$
        DECLARE
            b record;
            c record;
            used numeric;
            first_day date;
        BEGIN
            SELECT start_on, end_on, approved_on INTO b
                FROM budgets_personalbudget WHERE id = NEW.budget_id;
            -- Worked out first: inside IF, the CASE's own THEN would end the condition.
            first_day := CASE WHEN b.approved_on < b.start_on THEN b.approved_on ELSE b.start_on END;
            IF NEW.entry_on < first_day OR NEW.entry_on > b.end_on THEN
                RAISE EXCEPTION 'A ledger entry must be dated within the dates of its budget' USING ERRCODE = 'check_violation';
            END IF;
            IF NEW.settles_id IS NOT NULL THEN
                SELECT kind, budget_id, amount INTO c
                    FROM budgets_ledgerentry WHERE id = NEW.settles_id;
                IF c.kind IS DISTINCT FROM 'commitment' OR c.budget_id <> NEW.budget_id THEN
                    RAISE EXCEPTION 'A payment or release can only use up a commitment on the same budget' USING ERRCODE = 'check_violation';
                END IF;
                SELECT COALESCE(SUM(amount), 0) INTO used
                    FROM budgets_ledgerentry WHERE settles_id = NEW.settles_id;
                IF used + NEW.amount > c.amount THEN
                    RAISE EXCEPTION 'A payment or release cannot use more of a commitment than is left of it' USING ERRCODE = 'check_violation';
                END IF;
            END IF;
            RETURN NEW;
        END; $$ LANGUAGE plpgsql""",
    """CREATE TRIGGER budgets_ledgerentry_rules BEFORE INSERT ON budgets_ledgerentry
        FOR EACH ROW EXECUTE FUNCTION budgets_ledgerentry_rules()""",
]
POSTGRESQL_DROP = [
    "DROP TRIGGER IF EXISTS budgets_ledgerentry_rules ON budgets_ledgerentry",
    "DROP FUNCTION IF EXISTS budgets_ledgerentry_rules()",
]
STATEMENTS = {
    "sqlite": (SQLITE_CREATE, SQLITE_DROP),
    "postgresql": (POSTGRESQL_CREATE, POSTGRESQL_DROP),
}


def run(schema_editor, which: int) -> None:
    vendor = schema_editor.connection.vendor
    if vendor not in STATEMENTS:
        raise RuntimeError(f"No ledger rule triggers written for {vendor}")
    for sql in STATEMENTS[vendor][which]:
        schema_editor.execute(sql)


def restore_append_only(schema_editor):
    # SQLite adds or removes a CHECK by rebuilding the table, which loses its triggers.
    if schema_editor.connection.vendor == "sqlite":
        for sql in append_only.SQLITE_DROP + append_only.SQLITE_CREATE:
            schema_editor.execute(sql)


def create_triggers(apps, schema_editor):
    restore_append_only(schema_editor)
    run(schema_editor, 0)


def drop_triggers(apps, schema_editor):
    run(schema_editor, 1)


class Migration(migrations.Migration):
    dependencies = [("budgets", "0002_ledger_append_only")]

    operations = [
        # Undone last: puts back the append-only triggers that removing the CHECKs loses.
        migrations.RunPython(
            migrations.RunPython.noop, lambda apps, editor: restore_append_only(editor)
        ),
        migrations.AddConstraint(
            model_name="ledgerentry",
            constraint=models.CheckConstraint(
                condition=~models.Q(kind="commitment_release") | models.Q(settles__isnull=False),
                name="release_names_its_commitment",
            ),
        ),
        migrations.AddConstraint(
            model_name="ledgerentry",
            constraint=models.CheckConstraint(
                condition=models.Q(settles__isnull=True)
                | models.Q(kind__in=["payment", "commitment_release"]),
                name="only_payments_and_releases_settle",
            ),
        ),
        migrations.RunPython(create_triggers, drop_triggers),
    ]
