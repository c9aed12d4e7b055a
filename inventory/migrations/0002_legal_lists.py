"""Seed the legal lists (asset classes and wear rates, forms of handling, reasons,
priority uses). Existing rows are left as an administrator edited them."""

from django.db import migrations


def seed(apps, schema_editor):
    from inventory.legal_lists import seed_legal_lists

    seed_legal_lists(apps)


class Migration(migrations.Migration):
    dependencies = [("inventory", "0001_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
