"""The declared remaining value is the book remaining value (giá trị còn lại theo sổ kế
toán): renamed, no data lost. The history triggers that name the column are replaced in
the next migration, before anything is written."""

from django.db import migrations

MODELS = ("asset", "assetevent", "premises", "premisesevent", "house", "houseevent")


class Migration(migrations.Migration):
    dependencies = [
        ("inventory", "0019_public_register"),
    ]

    operations = [
        migrations.RenameField(model_name=name, old_name="declared_remaining_value", new_name="book_remaining_value")
        for name in MODELS
    ]
