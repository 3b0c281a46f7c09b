import unicodedata

import django.db.models.functions.text
from django.db import migrations, models

import accounts.models


def normalise(address):
    # As accounts.models.normalise_email, frozen here as migrations must be.
    return unicodedata.normalize("NFKC", address).strip().lower()


def fold_addresses(apps, schema_editor):
    """Store every address in its one spelling; refuse, naming them, if two people would then
    share one, because only a person can tell which account is whose."""
    user = apps.get_model("accounts", "User")
    spellings = {}
    for pk, email in user.objects.values_list("pk", "email"):
        spellings.setdefault(normalise(email), []).append((pk, email))
    clashes = {folded: rows for folded, rows in spellings.items() if len(rows) > 1}
    if clashes:
        listed = "; ".join(
            f"{folded}: " + ", ".join(f"user {pk} ({email!r})" for pk, email in rows)
            for folded, rows in sorted(clashes.items())
        )
        raise RuntimeError(
            "E-mail addresses are now the same whatever their case or surrounding spaces, and "
            f"these accounts would share one: {listed}. Change or remove all but one of each "
            "(in the Django admin of the previous release), then migrate again."
        )
    for folded, [(pk, email)] in spellings.items():
        if folded != email:
            user.objects.filter(pk=pk).update(email=folded)


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0002_role_groups"),
        ("auth", "0012_alter_user_first_name_max_length"),
    ]

    operations = [
        migrations.RunPython(fold_addresses, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="user",
            name="email",
            field=accounts.models.NormalisedEmailField(
                max_length=254, unique=True, verbose_name="email address"
            ),
        ),
        migrations.AddConstraint(
            model_name="user",
            constraint=models.UniqueConstraint(
                django.db.models.functions.text.Lower("email"),
                name="user_email_unique_in_any_case",
                violation_error_message="A user with this email address already exists.",
            ),
        ),
    ]
