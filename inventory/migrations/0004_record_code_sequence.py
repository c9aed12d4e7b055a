"""The sequence that numbers the codes given to records declared without one."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("inventory", "0003_unaccent")]
    operations = [
        migrations.RunSQL(
            "CREATE SEQUENCE IF NOT EXISTS inventory_record_code_seq",
            "DROP SEQUENCE IF EXISTS inventory_record_code_seq",
        )
    ]
