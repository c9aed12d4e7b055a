"""Seed the siting criteria; existing rows are left as a reviewer edited them."""

from django.db import migrations


def seed(apps, schema_editor):
    from maps.criteria import seed_criteria

    seed_criteria(apps)


class Migration(migrations.Migration):
    dependencies = [("maps", "0001_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
