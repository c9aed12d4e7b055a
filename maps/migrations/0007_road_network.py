"""The road network (issue 14 item 1): pgRouting, road classes with planning speeds and
routing parameters as data (seeded), the noded edges; coordinate checks and no
TRUNCATE on the new tables like the rest of the register. The pgrouting extension
comes from the Debian package postgresql-<major>-pgrouting (scripts/system-packages.sh)."""

import django.contrib.gis.db.models.fields
import django.core.validators
import django.db.models.deletion
import pgtrigger.compiler
import pgtrigger.migrations
from django.db import migrations, models

from inventory import dbguards

GEOMETRY_COLUMNS = [("maps_roadedge", "geom")]
TABLES = [
    "maps_roadclass",
    "maps_roadclassevent",
    "maps_routingparameter",
    "maps_routingparameterevent",
    "maps_roadedge",
]


def seed(apps, schema_editor):
    from maps.roads_data import seed_roads

    seed_roads(apps)


class Migration(migrations.Migration):
    dependencies = [
        ("maps", "0006_history_by_record"),
        ("pghistory", "0007_auto_20250421_0444"),
    ]

    operations = [
        migrations.RunSQL("CREATE EXTENSION IF NOT EXISTS pgrouting", migrations.RunSQL.noop),
        migrations.CreateModel(
            name="RoadClass",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("code", models.CharField(max_length=40, unique=True, verbose_name="code")),
                ("name", models.CharField(max_length=200, verbose_name="name")),
                (
                    "speed_kmh",
                    models.DecimalField(
                        decimal_places=1,
                        max_digits=5,
                        validators=[django.core.validators.MinValueValidator(1)],
                        verbose_name="planning speed (km/h)",
                    ),
                ),
                (
                    "aliases",
                    models.CharField(
                        blank=True,
                        help_text="Comma-separated values of the road layer's class attribute, compared without case.",
                        max_length=500,
                        verbose_name="layer values meaning this class",
                    ),
                ),
                ("source", models.TextField(verbose_name="source")),
                ("needs_verification", models.BooleanField(default=True, verbose_name="verify")),
                ("sort_order", models.PositiveSmallIntegerField(default=0, verbose_name="order")),
            ],
            options={
                "verbose_name": "road class",
                "verbose_name_plural": "road classes",
                "ordering": ["sort_order", "code"],
            },
        ),
        migrations.CreateModel(
            name="RoadClassEvent",
            fields=[
                ("pgh_id", models.AutoField(primary_key=True, serialize=False)),
                ("pgh_created_at", models.DateTimeField(auto_now_add=True)),
                ("pgh_label", models.TextField(help_text="The event label.")),
                ("id", models.BigIntegerField()),
                ("code", models.CharField(max_length=40, verbose_name="code")),
                ("name", models.CharField(max_length=200, verbose_name="name")),
                (
                    "speed_kmh",
                    models.DecimalField(
                        decimal_places=1,
                        max_digits=5,
                        validators=[django.core.validators.MinValueValidator(1)],
                        verbose_name="planning speed (km/h)",
                    ),
                ),
                (
                    "aliases",
                    models.CharField(
                        blank=True,
                        help_text="Comma-separated values of the road layer's class attribute, compared without case.",
                        max_length=500,
                        verbose_name="layer values meaning this class",
                    ),
                ),
                ("source", models.TextField(verbose_name="source")),
                ("needs_verification", models.BooleanField(default=True, verbose_name="verify")),
                ("sort_order", models.PositiveSmallIntegerField(default=0, verbose_name="order")),
            ],
            options={
                "abstract": False,
            },
        ),
        migrations.CreateModel(
            name="RoadEdge",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("source", models.IntegerField(db_index=True, verbose_name="from node")),
                ("target", models.IntegerField(db_index=True, verbose_name="to node")),
                ("length_m", models.FloatField(verbose_name="length (m)")),
                ("geom", django.contrib.gis.db.models.fields.LineStringField(srid=4326, verbose_name="geometry")),
            ],
            options={
                "verbose_name": "road network edge",
                "verbose_name_plural": "road network edges",
            },
        ),
        migrations.CreateModel(
            name="RoutingParameter",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("code", models.CharField(max_length=40, unique=True, verbose_name="code")),
                ("name", models.CharField(max_length=200, verbose_name="name")),
                (
                    "value",
                    models.DecimalField(
                        decimal_places=2,
                        max_digits=10,
                        validators=[django.core.validators.MinValueValidator(0)],
                        verbose_name="value",
                    ),
                ),
                ("unit", models.CharField(blank=True, max_length=40, verbose_name="unit")),
                ("source", models.TextField(verbose_name="source")),
                ("needs_verification", models.BooleanField(default=True, verbose_name="verify")),
            ],
            options={
                "verbose_name": "routing parameter",
                "verbose_name_plural": "routing parameters",
                "ordering": ["code"],
            },
        ),
        migrations.CreateModel(
            name="RoutingParameterEvent",
            fields=[
                ("pgh_id", models.AutoField(primary_key=True, serialize=False)),
                ("pgh_created_at", models.DateTimeField(auto_now_add=True)),
                ("pgh_label", models.TextField(help_text="The event label.")),
                ("id", models.BigIntegerField()),
                ("code", models.CharField(max_length=40, verbose_name="code")),
                ("name", models.CharField(max_length=200, verbose_name="name")),
                (
                    "value",
                    models.DecimalField(
                        decimal_places=2,
                        max_digits=10,
                        validators=[django.core.validators.MinValueValidator(0)],
                        verbose_name="value",
                    ),
                ),
                ("unit", models.CharField(blank=True, max_length=40, verbose_name="unit")),
                ("source", models.TextField(verbose_name="source")),
                ("needs_verification", models.BooleanField(default=True, verbose_name="verify")),
            ],
            options={
                "abstract": False,
            },
        ),
        pgtrigger.migrations.AddTrigger(
            model_name="roadclass",
            trigger=pgtrigger.compiler.Trigger(
                name="insert_insert",
                sql=pgtrigger.compiler.UpsertTriggerSql(
                    func='WITH _pgh_attached_context AS ( SELECT _pgh_attach_context() AS value ) INSERT INTO "maps_roadclassevent" ("aliases", "code", "id", "name", "needs_verification", "pgh_context_id", "pgh_created_at", "pgh_label", "pgh_obj_id", "sort_order", "source", "speed_kmh") SELECT new_values."aliases", new_values."code", new_values."id", new_values."name", new_values."needs_verification", _pgh_attached_context.value, NOW(), \'insert\', new_values."id", new_values."sort_order", new_values."source", new_values."speed_kmh" FROM ( SELECT new_values.* FROM new_values  ) AS new_values, _pgh_attached_context; RETURN NULL;',
                    hash="4610e4f57332dc463681aaa7917c332d01e5b3b0",
                    level="STATEMENT",
                    operation="INSERT",
                    pgid="pgtrigger_insert_insert_d0500",
                    referencing="REFERENCING NEW TABLE AS new_values ",
                    table="maps_roadclass",
                    when="AFTER",
                ),
            ),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name="roadclass",
            trigger=pgtrigger.compiler.Trigger(
                name="update_update",
                sql=pgtrigger.compiler.UpsertTriggerSql(
                    func='WITH _pgh_attached_context AS ( SELECT _pgh_attach_context() AS value ) INSERT INTO "maps_roadclassevent" ("aliases", "code", "id", "name", "needs_verification", "pgh_context_id", "pgh_created_at", "pgh_label", "pgh_obj_id", "sort_order", "source", "speed_kmh") SELECT new_values."aliases", new_values."code", new_values."id", new_values."name", new_values."needs_verification", _pgh_attached_context.value, NOW(), \'update\', new_values."id", new_values."sort_order", new_values."source", new_values."speed_kmh" FROM ( SELECT new_values.* FROM old_values JOIN new_values ON (old_values."id") = (new_values."id") WHERE (old_values.* IS DISTINCT FROM new_values.*) ) AS new_values, _pgh_attached_context; RETURN NULL;',
                    hash="7d8ca1a456602f888518ce729ae57812712c50cb",
                    level="STATEMENT",
                    operation="UPDATE",
                    pgid="pgtrigger_update_update_6b99d",
                    referencing="REFERENCING OLD TABLE AS old_values  NEW TABLE AS new_values ",
                    table="maps_roadclass",
                    when="AFTER",
                ),
            ),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name="roadclass",
            trigger=pgtrigger.compiler.Trigger(
                name="delete_delete",
                sql=pgtrigger.compiler.UpsertTriggerSql(
                    func='WITH _pgh_attached_context AS ( SELECT _pgh_attach_context() AS value ) INSERT INTO "maps_roadclassevent" ("aliases", "code", "id", "name", "needs_verification", "pgh_context_id", "pgh_created_at", "pgh_label", "pgh_obj_id", "sort_order", "source", "speed_kmh") SELECT old_values."aliases", old_values."code", old_values."id", old_values."name", old_values."needs_verification", _pgh_attached_context.value, NOW(), \'delete\', old_values."id", old_values."sort_order", old_values."source", old_values."speed_kmh" FROM ( SELECT old_values.* FROM old_values  ) AS old_values, _pgh_attached_context; RETURN NULL;',
                    hash="97a112c01164fbdfb041d82e966b57936c7f8bbe",
                    level="STATEMENT",
                    operation="DELETE",
                    pgid="pgtrigger_delete_delete_6acab",
                    referencing="REFERENCING OLD TABLE AS old_values ",
                    table="maps_roadclass",
                    when="AFTER",
                ),
            ),
        ),
        migrations.AddField(
            model_name="roadclassevent",
            name="pgh_context",
            field=models.ForeignKey(
                db_constraint=False,
                null=True,
                on_delete=django.db.models.deletion.DO_NOTHING,
                related_name="+",
                to="pghistory.context",
            ),
        ),
        migrations.AddField(
            model_name="roadclassevent",
            name="pgh_obj",
            field=models.ForeignKey(
                db_constraint=False,
                db_index=False,
                on_delete=django.db.models.deletion.DO_NOTHING,
                related_name="events",
                to="maps.roadclass",
            ),
        ),
        migrations.AddField(
            model_name="roadedge",
            name="layer",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.CASCADE,
                related_name="road_edges",
                to="maps.hazardlayer",
                verbose_name="layer",
            ),
        ),
        migrations.AddField(
            model_name="roadedge",
            name="road_class",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.PROTECT,
                related_name="edges",
                to="maps.roadclass",
                verbose_name="road class",
            ),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name="routingparameter",
            trigger=pgtrigger.compiler.Trigger(
                name="insert_insert",
                sql=pgtrigger.compiler.UpsertTriggerSql(
                    func='WITH _pgh_attached_context AS ( SELECT _pgh_attach_context() AS value ) INSERT INTO "maps_routingparameterevent" ("code", "id", "name", "needs_verification", "pgh_context_id", "pgh_created_at", "pgh_label", "pgh_obj_id", "source", "unit", "value") SELECT new_values."code", new_values."id", new_values."name", new_values."needs_verification", _pgh_attached_context.value, NOW(), \'insert\', new_values."id", new_values."source", new_values."unit", new_values."value" FROM ( SELECT new_values.* FROM new_values  ) AS new_values, _pgh_attached_context; RETURN NULL;',
                    hash="479cd2f5f6beb1acb7b262e3490b82182461d314",
                    level="STATEMENT",
                    operation="INSERT",
                    pgid="pgtrigger_insert_insert_6d7b0",
                    referencing="REFERENCING NEW TABLE AS new_values ",
                    table="maps_routingparameter",
                    when="AFTER",
                ),
            ),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name="routingparameter",
            trigger=pgtrigger.compiler.Trigger(
                name="update_update",
                sql=pgtrigger.compiler.UpsertTriggerSql(
                    func='WITH _pgh_attached_context AS ( SELECT _pgh_attach_context() AS value ) INSERT INTO "maps_routingparameterevent" ("code", "id", "name", "needs_verification", "pgh_context_id", "pgh_created_at", "pgh_label", "pgh_obj_id", "source", "unit", "value") SELECT new_values."code", new_values."id", new_values."name", new_values."needs_verification", _pgh_attached_context.value, NOW(), \'update\', new_values."id", new_values."source", new_values."unit", new_values."value" FROM ( SELECT new_values.* FROM old_values JOIN new_values ON (old_values."id") = (new_values."id") WHERE (old_values.* IS DISTINCT FROM new_values.*) ) AS new_values, _pgh_attached_context; RETURN NULL;',
                    hash="2a04ba76db87468519e5181957a5821882244314",
                    level="STATEMENT",
                    operation="UPDATE",
                    pgid="pgtrigger_update_update_25eb2",
                    referencing="REFERENCING OLD TABLE AS old_values  NEW TABLE AS new_values ",
                    table="maps_routingparameter",
                    when="AFTER",
                ),
            ),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name="routingparameter",
            trigger=pgtrigger.compiler.Trigger(
                name="delete_delete",
                sql=pgtrigger.compiler.UpsertTriggerSql(
                    func='WITH _pgh_attached_context AS ( SELECT _pgh_attach_context() AS value ) INSERT INTO "maps_routingparameterevent" ("code", "id", "name", "needs_verification", "pgh_context_id", "pgh_created_at", "pgh_label", "pgh_obj_id", "source", "unit", "value") SELECT old_values."code", old_values."id", old_values."name", old_values."needs_verification", _pgh_attached_context.value, NOW(), \'delete\', old_values."id", old_values."source", old_values."unit", old_values."value" FROM ( SELECT old_values.* FROM old_values  ) AS old_values, _pgh_attached_context; RETURN NULL;',
                    hash="aa32346ee18a9f4fd6a9403f46c3dc6ef4ba66f8",
                    level="STATEMENT",
                    operation="DELETE",
                    pgid="pgtrigger_delete_delete_58c42",
                    referencing="REFERENCING OLD TABLE AS old_values ",
                    table="maps_routingparameter",
                    when="AFTER",
                ),
            ),
        ),
        migrations.AddField(
            model_name="routingparameterevent",
            name="pgh_context",
            field=models.ForeignKey(
                db_constraint=False,
                null=True,
                on_delete=django.db.models.deletion.DO_NOTHING,
                related_name="+",
                to="pghistory.context",
            ),
        ),
        migrations.AddField(
            model_name="routingparameterevent",
            name="pgh_obj",
            field=models.ForeignKey(
                db_constraint=False,
                db_index=False,
                on_delete=django.db.models.deletion.DO_NOTHING,
                related_name="events",
                to="maps.routingparameter",
            ),
        ),
        migrations.AddIndex(
            model_name="roadclassevent",
            index=models.Index(fields=["pgh_obj", "pgh_id"], name="maps_roadcl_pgh_obj_4354af_idx"),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name="roadclassevent",
            trigger=pgtrigger.compiler.Trigger(
                name="append_only",
                sql=pgtrigger.compiler.UpsertTriggerSql(
                    func="RAISE EXCEPTION 'pgtrigger: Cannot update or delete rows from % table', TG_TABLE_NAME;",
                    hash="3d8d4401b607bd058675075538280bf5fea2d1f1",
                    operation="UPDATE OR DELETE",
                    pgid="pgtrigger_append_only_1adf2",
                    table="maps_roadclassevent",
                    when="BEFORE",
                ),
            ),
        ),
        migrations.AddIndex(
            model_name="routingparameterevent",
            index=models.Index(fields=["pgh_obj", "pgh_id"], name="maps_routin_pgh_obj_d4bd6b_idx"),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name="routingparameterevent",
            trigger=pgtrigger.compiler.Trigger(
                name="append_only",
                sql=pgtrigger.compiler.UpsertTriggerSql(
                    func="RAISE EXCEPTION 'pgtrigger: Cannot update or delete rows from % table', TG_TABLE_NAME;",
                    hash="84532b47a5fe2067106ad1b0ae20166bf391c20b",
                    operation="UPDATE OR DELETE",
                    pgid="pgtrigger_append_only_7be47",
                    table="maps_routingparameterevent",
                    when="BEFORE",
                ),
            ),
        ),
        migrations.RunSQL(dbguards.add_lonlat_checks(GEOMETRY_COLUMNS), dbguards.drop_lonlat_checks(GEOMETRY_COLUMNS)),
        migrations.RunSQL(dbguards.refuse_truncate(TABLES), dbguards.allow_truncate(TABLES)),
        migrations.RunPython(seed, migrations.RunPython.noop),
    ]
