"""PostgreSQL's unaccent, so lists find Vietnamese names with or without diacritics."""

from django.contrib.postgres.operations import UnaccentExtension
from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("inventory", "0002_legal_lists")]
    operations = [UnaccentExtension()]
