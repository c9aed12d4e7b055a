"""Coordinates in range on the maps' geometry columns and no TRUNCATE of its tables
(the rules and functions of inventory.dbguards, installed by inventory 0010)."""

from django.db import migrations

from inventory import dbguards

GEOMETRY_COLUMNS = [("maps_hazardfeature", "geometry"), ("maps_sitingstudy", "centre")]
TABLES = [
    "maps_hazardfeature",
    "maps_hazardfeatureevent",
    "maps_hazardlayer",
    "maps_hazardlayerevent",
    "maps_sitingcriterion",
    "maps_sitingcriterionevent",
    "maps_sitingstudy",
    "maps_sitingstudyevent",
]


class Migration(migrations.Migration):
    dependencies = [
        ("maps", "0003_versions_soft_delete_append_only_history"),
        ("inventory", "0010_register_guards"),
    ]

    operations = [
        migrations.RunSQL(dbguards.add_lonlat_checks(GEOMETRY_COLUMNS), dbguards.drop_lonlat_checks(GEOMETRY_COLUMNS)),
        migrations.RunSQL(dbguards.refuse_truncate(TABLES), dbguards.allow_truncate(TABLES)),
    ]
