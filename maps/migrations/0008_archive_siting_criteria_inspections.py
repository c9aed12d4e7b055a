"""Archive siting that holds up (issue 14 item 4): every parameter of the archive
criteria as data with its legal basis, effective date and "verify" mark; the record
sources that give the shelving need; structural inspections (the only way a building
qualifies on floor load); the five zones on a study.

The data step turns the criteria as they were into the new set, keeping each row (and
its history) where one carries over: FLOOR_LOAD (a minimum year for grade III used as a
load rating) becomes FLOOR_LOAD_FIXED at 1,700 kg/m²; FLOOR_AREA's shelving density (as
a reviewer may have set it) moves to SHELF_DENSITY_FIXED; CENTRE_DISTANCE ("near the
provincial centre", attributed to the Circular, which only asks for convenient
transport) becomes ACCESS, measured from the former district centres. Existing studies
keep their stored criteria and results, marked as made by the earlier method (method
version 1), with zones of 0 m² besides offices so their required area still reads true.
"""

import django.core.validators
import django.db.models.deletion
import maps.models.siting
import pgtrigger.compiler
import pgtrigger.migrations
from django.conf import settings
from django.db import migrations, models

from inventory import dbguards

TABLES = [
    "maps_archiverecordsource",
    "maps_archiverecordsourceevent",
    "maps_structuralinspection",
    "maps_structuralinspectionevent",
]
RENAMED = {"FLOOR_LOAD": "FLOOR_LOAD_FIXED", "CENTRE_DISTANCE": "ACCESS"}


def upgrade_criteria(apps, schema_editor):
    from maps.criteria import CRITERIA, seed_criteria, seed_record_sources

    SitingCriterion = apps.get_model("maps", "SitingCriterion")
    SitingStudy = apps.get_model("maps", "SitingStudy")
    seeded = {row["code"]: row for row in CRITERIA}
    order = {row["code"]: position for position, row in enumerate(CRITERIA, start=1)}
    old_density = SitingCriterion.objects.filter(code="FLOOR_AREA").values_list("parameter", flat=True).first()
    for old, new in RENAMED.items():
        if not SitingCriterion.objects.filter(code=new).exists():
            SitingCriterion.objects.filter(code=old).update(code=new)
    # Rows whose meaning changed take the new definition whole; the others keep the
    # reviewer's parameter and weight and gain their basis, date and verify mark.
    for criterion in SitingCriterion.objects.all():
        row = seeded.get(criterion.code)
        if row is None:
            continue
        criterion.legal_basis = row.get("legal_basis", "")
        criterion.effective_from = row.get("effective_from")
        criterion.verify = row.get("verify", True)
        criterion.layer_kind = row.get("layer_kind", "")
        criterion.sort_order = order[criterion.code]
        if criterion.code in ("FLOOR_LOAD_FIXED", "ACCESS", "FLOOR_AREA", "HAZARD_SITE", "FLOOD", "LANDSLIDE"):
            criterion.name = row["name"]
            criterion.source = row["source"]
            criterion.unit = row.get("unit", "")
            if criterion.code != "HAZARD_SITE":
                criterion.parameter = row.get("parameter")
        criterion.save()
    seed_criteria(apps)
    if old_density is not None:
        SitingCriterion.objects.filter(code="SHELF_DENSITY_FIXED").update(parameter=old_density)
    seed_record_sources(apps)
    for study in SitingStudy.objects.all():
        if "method_version" not in study.results:
            study.results = {**study.results, "method_version": 1}
            study.save(update_fields=["results"])


class Migration(migrations.Migration):
    dependencies = [
        ("inventory", "0022_vn2000_srs"),
        ("maps", "0007_road_network"),
        ("pghistory", "0007_auto_20250421_0444"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="ArchiveRecordSource",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("name", models.CharField(max_length=255, verbose_name="name")),
                (
                    "kind",
                    models.CharField(
                        choices=[
                            ("district", "Agencies of an abolished district"),
                            ("communes", "Merged communes of a former district"),
                        ],
                        max_length=20,
                        verbose_name="kind",
                    ),
                ),
                (
                    "units",
                    models.PositiveIntegerField(
                        default=1,
                        validators=[
                            django.core.validators.MinValueValidator(0),
                            django.core.validators.MaxValueValidator(10000),
                        ],
                        verbose_name="agencies or communes",
                    ),
                ),
                (
                    "metres_per_unit",
                    models.DecimalField(
                        decimal_places=1,
                        max_digits=8,
                        validators=[
                            django.core.validators.MinValueValidator(0),
                            django.core.validators.MaxValueValidator(10000),
                        ],
                        verbose_name="linear metres per agency or commune",
                    ),
                ),
                ("basis", models.TextField(verbose_name="basis of the estimate")),
                ("verify", models.BooleanField(default=True, verbose_name="verify")),
                ("is_active", models.BooleanField(default=True, verbose_name="in use")),
            ],
            options={
                "verbose_name": "archive record source",
                "verbose_name_plural": "archive record sources",
                "ordering": ["kind", "name"],
            },
        ),
        migrations.CreateModel(
            name="ArchiveRecordSourceEvent",
            fields=[
                ("pgh_id", models.AutoField(primary_key=True, serialize=False)),
                ("pgh_created_at", models.DateTimeField(auto_now_add=True)),
                ("pgh_label", models.TextField(help_text="The event label.")),
                ("id", models.BigIntegerField()),
                ("name", models.CharField(max_length=255, verbose_name="name")),
                (
                    "kind",
                    models.CharField(
                        choices=[
                            ("district", "Agencies of an abolished district"),
                            ("communes", "Merged communes of a former district"),
                        ],
                        max_length=20,
                        verbose_name="kind",
                    ),
                ),
                (
                    "units",
                    models.PositiveIntegerField(
                        default=1,
                        validators=[
                            django.core.validators.MinValueValidator(0),
                            django.core.validators.MaxValueValidator(10000),
                        ],
                        verbose_name="agencies or communes",
                    ),
                ),
                (
                    "metres_per_unit",
                    models.DecimalField(
                        decimal_places=1,
                        max_digits=8,
                        validators=[
                            django.core.validators.MinValueValidator(0),
                            django.core.validators.MaxValueValidator(10000),
                        ],
                        verbose_name="linear metres per agency or commune",
                    ),
                ),
                ("basis", models.TextField(verbose_name="basis of the estimate")),
                ("verify", models.BooleanField(default=True, verbose_name="verify")),
                ("is_active", models.BooleanField(default=True, verbose_name="in use")),
            ],
            options={
                "abstract": False,
            },
        ),
        migrations.CreateModel(
            name="StructuralInspection",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                (
                    "floor_load",
                    models.PositiveIntegerField(
                        validators=[
                            django.core.validators.MinValueValidator(1),
                            django.core.validators.MaxValueValidator(100000),
                        ],
                        verbose_name="floor load found (kg/m²)",
                    ),
                ),
                ("inspected_on", models.DateField(verbose_name="date of the inspection")),
                ("inspector", models.CharField(max_length=255, verbose_name="inspecting organisation")),
                ("reference", models.CharField(blank=True, max_length=100, verbose_name="report number")),
                (
                    "document",
                    models.FileField(
                        blank=True,
                        max_length=300,
                        upload_to=maps.models.siting.inspection_path,
                        verbose_name="inspection report (PDF)",
                    ),
                ),
                ("notes", models.TextField(blank=True, verbose_name="notes")),
                ("created_at", models.DateTimeField(auto_now_add=True, verbose_name="created at")),
            ],
            options={
                "verbose_name": "structural inspection",
                "verbose_name_plural": "structural inspections",
                "ordering": ["-inspected_on", "-pk"],
            },
        ),
        migrations.CreateModel(
            name="StructuralInspectionEvent",
            fields=[
                ("pgh_id", models.AutoField(primary_key=True, serialize=False)),
                ("pgh_created_at", models.DateTimeField(auto_now_add=True)),
                ("pgh_label", models.TextField(help_text="The event label.")),
                ("id", models.BigIntegerField()),
                (
                    "floor_load",
                    models.PositiveIntegerField(
                        validators=[
                            django.core.validators.MinValueValidator(1),
                            django.core.validators.MaxValueValidator(100000),
                        ],
                        verbose_name="floor load found (kg/m²)",
                    ),
                ),
                ("inspected_on", models.DateField(verbose_name="date of the inspection")),
                ("inspector", models.CharField(max_length=255, verbose_name="inspecting organisation")),
                ("reference", models.CharField(blank=True, max_length=100, verbose_name="report number")),
                (
                    "document",
                    models.FileField(
                        blank=True,
                        max_length=300,
                        upload_to=maps.models.siting.inspection_path,
                        verbose_name="inspection report (PDF)",
                    ),
                ),
                ("notes", models.TextField(blank=True, verbose_name="notes")),
                ("created_at", models.DateTimeField(auto_now_add=True, verbose_name="created at")),
            ],
            options={
                "abstract": False,
            },
        ),
        pgtrigger.migrations.RemoveTrigger(
            model_name="sitingcriterion",
            name="insert_insert",
        ),
        pgtrigger.migrations.RemoveTrigger(
            model_name="sitingcriterion",
            name="update_update",
        ),
        pgtrigger.migrations.RemoveTrigger(
            model_name="sitingcriterion",
            name="delete_delete",
        ),
        pgtrigger.migrations.RemoveTrigger(
            model_name="sitingstudy",
            name="insert_insert",
        ),
        pgtrigger.migrations.RemoveTrigger(
            model_name="sitingstudy",
            name="update_update",
        ),
        pgtrigger.migrations.RemoveTrigger(
            model_name="sitingstudy",
            name="delete_delete",
        ),
        migrations.AddField(
            model_name="sitingcriterion",
            name="effective_from",
            field=models.DateField(blank=True, null=True, verbose_name="effective from"),
        ),
        migrations.AddField(
            model_name="sitingcriterion",
            name="layer_kind",
            field=models.CharField(
                blank=True,
                choices=[
                    ("flood", "Flood hazard area"),
                    ("landslide", "Landslide hazard area"),
                    ("hazard_site", "Fire, explosion or chemical hazard site"),
                    ("pollution_site", "Pollution source"),
                    ("vibration_source", "Vibration source"),
                    ("road", "Main road"),
                ],
                help_text="For a distance constraint: the kind of layer the distance is measured to.",
                max_length=20,
                verbose_name="measured to layer",
            ),
        ),
        migrations.AddField(
            model_name="sitingcriterion",
            name="legal_basis",
            field=models.CharField(blank=True, max_length=255, verbose_name="legal basis"),
        ),
        migrations.AddField(
            model_name="sitingcriterion",
            name="verify",
            field=models.BooleanField(
                default=True,
                help_text="The figure comes from a secondary source or is the project's own: check it against the text.",
                verbose_name="verify",
            ),
        ),
        migrations.AddField(
            model_name="sitingcriterionevent",
            name="effective_from",
            field=models.DateField(blank=True, null=True, verbose_name="effective from"),
        ),
        migrations.AddField(
            model_name="sitingcriterionevent",
            name="layer_kind",
            field=models.CharField(
                blank=True,
                choices=[
                    ("flood", "Flood hazard area"),
                    ("landslide", "Landslide hazard area"),
                    ("hazard_site", "Fire, explosion or chemical hazard site"),
                    ("pollution_site", "Pollution source"),
                    ("vibration_source", "Vibration source"),
                    ("road", "Main road"),
                ],
                help_text="For a distance constraint: the kind of layer the distance is measured to.",
                max_length=20,
                verbose_name="measured to layer",
            ),
        ),
        migrations.AddField(
            model_name="sitingcriterionevent",
            name="legal_basis",
            field=models.CharField(blank=True, max_length=255, verbose_name="legal basis"),
        ),
        migrations.AddField(
            model_name="sitingcriterionevent",
            name="verify",
            field=models.BooleanField(
                default=True,
                help_text="The figure comes from a secondary source or is the project's own: check it against the text.",
                verbose_name="verify",
            ),
        ),
        migrations.AddField(
            model_name="sitingstudy",
            name="processing_area",
            field=models.DecimalField(
                decimal_places=1,
                default=0,
                max_digits=10,
                validators=[django.core.validators.MinValueValidator(0)],
                verbose_name="processing area (m²)",
            ),
        ),
        migrations.AddField(
            model_name="sitingstudy",
            name="reading_area",
            field=models.DecimalField(
                decimal_places=1,
                default=0,
                max_digits=10,
                validators=[django.core.validators.MinValueValidator(0)],
                verbose_name="public reading area (m²)",
            ),
        ),
        migrations.AddField(
            model_name="sitingstudy",
            name="technical_area",
            field=models.DecimalField(
                decimal_places=1,
                default=0,
                max_digits=10,
                validators=[django.core.validators.MinValueValidator(0)],
                verbose_name="technical area (m²)",
            ),
        ),
        migrations.AddField(
            model_name="sitingstudyevent",
            name="processing_area",
            field=models.DecimalField(
                decimal_places=1,
                default=0,
                max_digits=10,
                validators=[django.core.validators.MinValueValidator(0)],
                verbose_name="processing area (m²)",
            ),
        ),
        migrations.AddField(
            model_name="sitingstudyevent",
            name="reading_area",
            field=models.DecimalField(
                decimal_places=1,
                default=0,
                max_digits=10,
                validators=[django.core.validators.MinValueValidator(0)],
                verbose_name="public reading area (m²)",
            ),
        ),
        migrations.AddField(
            model_name="sitingstudyevent",
            name="technical_area",
            field=models.DecimalField(
                decimal_places=1,
                default=0,
                max_digits=10,
                validators=[django.core.validators.MinValueValidator(0)],
                verbose_name="technical area (m²)",
            ),
        ),
        migrations.AlterField(
            model_name="hazardlayer",
            name="kind",
            field=models.CharField(
                choices=[
                    ("flood", "Flood hazard area"),
                    ("landslide", "Landslide hazard area"),
                    ("hazard_site", "Fire, explosion or chemical hazard site"),
                    ("pollution_site", "Pollution source"),
                    ("vibration_source", "Vibration source"),
                    ("road", "Main road"),
                ],
                db_index=True,
                max_length=20,
                verbose_name="kind",
            ),
        ),
        migrations.AlterField(
            model_name="hazardlayerevent",
            name="kind",
            field=models.CharField(
                choices=[
                    ("flood", "Flood hazard area"),
                    ("landslide", "Landslide hazard area"),
                    ("hazard_site", "Fire, explosion or chemical hazard site"),
                    ("pollution_site", "Pollution source"),
                    ("vibration_source", "Vibration source"),
                    ("road", "Main road"),
                ],
                max_length=20,
                verbose_name="kind",
            ),
        ),
        migrations.AlterField(
            model_name="sitingcriterion",
            name="kind",
            field=models.CharField(
                choices=[("hard", "Hard constraint"), ("weighted", "Weighted criterion"), ("parameter", "Parameter")],
                max_length=20,
                verbose_name="kind",
            ),
        ),
        migrations.AlterField(
            model_name="sitingcriterionevent",
            name="kind",
            field=models.CharField(
                choices=[("hard", "Hard constraint"), ("weighted", "Weighted criterion"), ("parameter", "Parameter")],
                max_length=20,
                verbose_name="kind",
            ),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name="sitingcriterion",
            trigger=pgtrigger.compiler.Trigger(
                name="insert_insert",
                sql=pgtrigger.compiler.UpsertTriggerSql(
                    func='WITH _pgh_attached_context AS ( SELECT _pgh_attach_context() AS value ) INSERT INTO "maps_sitingcriterionevent" ("code", "effective_from", "id", "is_active", "kind", "layer_kind", "legal_basis", "name", "parameter", "pgh_context_id", "pgh_created_at", "pgh_label", "pgh_obj_id", "sort_order", "source", "unit", "verify", "weight") SELECT new_values."code", new_values."effective_from", new_values."id", new_values."is_active", new_values."kind", new_values."layer_kind", new_values."legal_basis", new_values."name", new_values."parameter", _pgh_attached_context.value, NOW(), \'insert\', new_values."id", new_values."sort_order", new_values."source", new_values."unit", new_values."verify", new_values."weight" FROM ( SELECT new_values.* FROM new_values  ) AS new_values, _pgh_attached_context; RETURN NULL;',
                    hash="e5488cecd4a67b40df83412fd9acc751fb7fe1ac",
                    level="STATEMENT",
                    operation="INSERT",
                    pgid="pgtrigger_insert_insert_26f62",
                    referencing="REFERENCING NEW TABLE AS new_values ",
                    table="maps_sitingcriterion",
                    when="AFTER",
                ),
            ),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name="sitingcriterion",
            trigger=pgtrigger.compiler.Trigger(
                name="update_update",
                sql=pgtrigger.compiler.UpsertTriggerSql(
                    func='WITH _pgh_attached_context AS ( SELECT _pgh_attach_context() AS value ) INSERT INTO "maps_sitingcriterionevent" ("code", "effective_from", "id", "is_active", "kind", "layer_kind", "legal_basis", "name", "parameter", "pgh_context_id", "pgh_created_at", "pgh_label", "pgh_obj_id", "sort_order", "source", "unit", "verify", "weight") SELECT new_values."code", new_values."effective_from", new_values."id", new_values."is_active", new_values."kind", new_values."layer_kind", new_values."legal_basis", new_values."name", new_values."parameter", _pgh_attached_context.value, NOW(), \'update\', new_values."id", new_values."sort_order", new_values."source", new_values."unit", new_values."verify", new_values."weight" FROM ( SELECT new_values.* FROM old_values JOIN new_values ON (old_values."id") = (new_values."id") WHERE (old_values.* IS DISTINCT FROM new_values.*) ) AS new_values, _pgh_attached_context; RETURN NULL;',
                    hash="2e64d5c2884396c650c62094d2b6a0cc178adb8e",
                    level="STATEMENT",
                    operation="UPDATE",
                    pgid="pgtrigger_update_update_0e5d9",
                    referencing="REFERENCING OLD TABLE AS old_values  NEW TABLE AS new_values ",
                    table="maps_sitingcriterion",
                    when="AFTER",
                ),
            ),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name="sitingcriterion",
            trigger=pgtrigger.compiler.Trigger(
                name="delete_delete",
                sql=pgtrigger.compiler.UpsertTriggerSql(
                    func='WITH _pgh_attached_context AS ( SELECT _pgh_attach_context() AS value ) INSERT INTO "maps_sitingcriterionevent" ("code", "effective_from", "id", "is_active", "kind", "layer_kind", "legal_basis", "name", "parameter", "pgh_context_id", "pgh_created_at", "pgh_label", "pgh_obj_id", "sort_order", "source", "unit", "verify", "weight") SELECT old_values."code", old_values."effective_from", old_values."id", old_values."is_active", old_values."kind", old_values."layer_kind", old_values."legal_basis", old_values."name", old_values."parameter", _pgh_attached_context.value, NOW(), \'delete\', old_values."id", old_values."sort_order", old_values."source", old_values."unit", old_values."verify", old_values."weight" FROM ( SELECT old_values.* FROM old_values  ) AS old_values, _pgh_attached_context; RETURN NULL;',
                    hash="601ce671193b21176ded771ecd6649e2b47db6de",
                    level="STATEMENT",
                    operation="DELETE",
                    pgid="pgtrigger_delete_delete_e9be4",
                    referencing="REFERENCING OLD TABLE AS old_values ",
                    table="maps_sitingcriterion",
                    when="AFTER",
                ),
            ),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name="sitingstudy",
            trigger=pgtrigger.compiler.Trigger(
                name="insert_insert",
                sql=pgtrigger.compiler.UpsertTriggerSql(
                    func='WITH _pgh_attached_context AS ( SELECT _pgh_attach_context() AS value ) INSERT INTO "maps_sitingstudyevent" ("centre", "created_at", "created_by_id", "criteria", "growth_metres_per_year", "growth_years", "id", "name", "office_area", "pgh_context_id", "pgh_created_at", "pgh_label", "pgh_obj_id", "previous_id", "processing_area", "random_sets", "reading_area", "results", "seed", "shelf_metres", "shelving", "technical_area", "version") SELECT new_values."centre", new_values."created_at", new_values."created_by_id", new_values."criteria", new_values."growth_metres_per_year", new_values."growth_years", new_values."id", new_values."name", new_values."office_area", _pgh_attached_context.value, NOW(), \'insert\', new_values."id", new_values."previous_id", new_values."processing_area", new_values."random_sets", new_values."reading_area", new_values."results", new_values."seed", new_values."shelf_metres", new_values."shelving", new_values."technical_area", new_values."version" FROM ( SELECT new_values.* FROM new_values  ) AS new_values, _pgh_attached_context; RETURN NULL;',
                    hash="f19c2d51ccfadeea4c45de77fd02e885eda1c657",
                    level="STATEMENT",
                    operation="INSERT",
                    pgid="pgtrigger_insert_insert_6290d",
                    referencing="REFERENCING NEW TABLE AS new_values ",
                    table="maps_sitingstudy",
                    when="AFTER",
                ),
            ),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name="sitingstudy",
            trigger=pgtrigger.compiler.Trigger(
                name="update_update",
                sql=pgtrigger.compiler.UpsertTriggerSql(
                    func='WITH _pgh_attached_context AS ( SELECT _pgh_attach_context() AS value ) INSERT INTO "maps_sitingstudyevent" ("centre", "created_at", "created_by_id", "criteria", "growth_metres_per_year", "growth_years", "id", "name", "office_area", "pgh_context_id", "pgh_created_at", "pgh_label", "pgh_obj_id", "previous_id", "processing_area", "random_sets", "reading_area", "results", "seed", "shelf_metres", "shelving", "technical_area", "version") SELECT new_values."centre", new_values."created_at", new_values."created_by_id", new_values."criteria", new_values."growth_metres_per_year", new_values."growth_years", new_values."id", new_values."name", new_values."office_area", _pgh_attached_context.value, NOW(), \'update\', new_values."id", new_values."previous_id", new_values."processing_area", new_values."random_sets", new_values."reading_area", new_values."results", new_values."seed", new_values."shelf_metres", new_values."shelving", new_values."technical_area", new_values."version" FROM ( SELECT new_values.* FROM old_values JOIN new_values ON (old_values."id") = (new_values."id") WHERE (old_values.* IS DISTINCT FROM new_values.*) ) AS new_values, _pgh_attached_context; RETURN NULL;',
                    hash="860d99aa5f7855c0a97cf4b6b4b9b47f279cd655",
                    level="STATEMENT",
                    operation="UPDATE",
                    pgid="pgtrigger_update_update_8e1a0",
                    referencing="REFERENCING OLD TABLE AS old_values  NEW TABLE AS new_values ",
                    table="maps_sitingstudy",
                    when="AFTER",
                ),
            ),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name="sitingstudy",
            trigger=pgtrigger.compiler.Trigger(
                name="delete_delete",
                sql=pgtrigger.compiler.UpsertTriggerSql(
                    func='WITH _pgh_attached_context AS ( SELECT _pgh_attach_context() AS value ) INSERT INTO "maps_sitingstudyevent" ("centre", "created_at", "created_by_id", "criteria", "growth_metres_per_year", "growth_years", "id", "name", "office_area", "pgh_context_id", "pgh_created_at", "pgh_label", "pgh_obj_id", "previous_id", "processing_area", "random_sets", "reading_area", "results", "seed", "shelf_metres", "shelving", "technical_area", "version") SELECT old_values."centre", old_values."created_at", old_values."created_by_id", old_values."criteria", old_values."growth_metres_per_year", old_values."growth_years", old_values."id", old_values."name", old_values."office_area", _pgh_attached_context.value, NOW(), \'delete\', old_values."id", old_values."previous_id", old_values."processing_area", old_values."random_sets", old_values."reading_area", old_values."results", old_values."seed", old_values."shelf_metres", old_values."shelving", old_values."technical_area", old_values."version" FROM ( SELECT old_values.* FROM old_values  ) AS old_values, _pgh_attached_context; RETURN NULL;',
                    hash="d71419dbca01004b7de6ee043d19c5049ce123a3",
                    level="STATEMENT",
                    operation="DELETE",
                    pgid="pgtrigger_delete_delete_9174d",
                    referencing="REFERENCING OLD TABLE AS old_values ",
                    table="maps_sitingstudy",
                    when="AFTER",
                ),
            ),
        ),
        migrations.AddField(
            model_name="archiverecordsource",
            name="unit",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="inventory.administrativeunit",
                verbose_name="former district",
            ),
        ),
        migrations.AddField(
            model_name="archiverecordsourceevent",
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
            model_name="archiverecordsourceevent",
            name="pgh_obj",
            field=models.ForeignKey(
                db_constraint=False,
                db_index=False,
                on_delete=django.db.models.deletion.DO_NOTHING,
                related_name="events",
                to="maps.archiverecordsource",
            ),
        ),
        migrations.AddField(
            model_name="archiverecordsourceevent",
            name="unit",
            field=models.ForeignKey(
                blank=True,
                db_constraint=False,
                db_index=False,
                null=True,
                on_delete=django.db.models.deletion.DO_NOTHING,
                related_name="+",
                related_query_name="+",
                to="inventory.administrativeunit",
                verbose_name="former district",
            ),
        ),
        migrations.AddField(
            model_name="structuralinspection",
            name="created_by",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.PROTECT, related_name="+", to=settings.AUTH_USER_MODEL
            ),
        ),
        migrations.AddField(
            model_name="structuralinspection",
            name="house",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="structural_inspections",
                to="inventory.house",
                verbose_name="house",
            ),
        ),
        migrations.AddField(
            model_name="structuralinspection",
            name="premises",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.PROTECT,
                related_name="structural_inspections",
                to="inventory.premises",
                verbose_name="premises",
            ),
        ),
        migrations.AddField(
            model_name="structuralinspectionevent",
            name="created_by",
            field=models.ForeignKey(
                db_constraint=False,
                db_index=False,
                on_delete=django.db.models.deletion.DO_NOTHING,
                related_name="+",
                related_query_name="+",
                to=settings.AUTH_USER_MODEL,
            ),
        ),
        migrations.AddField(
            model_name="structuralinspectionevent",
            name="house",
            field=models.ForeignKey(
                blank=True,
                db_constraint=False,
                db_index=False,
                null=True,
                on_delete=django.db.models.deletion.DO_NOTHING,
                related_name="+",
                related_query_name="+",
                to="inventory.house",
                verbose_name="house",
            ),
        ),
        migrations.AddField(
            model_name="structuralinspectionevent",
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
            model_name="structuralinspectionevent",
            name="pgh_obj",
            field=models.ForeignKey(
                db_constraint=False,
                db_index=False,
                on_delete=django.db.models.deletion.DO_NOTHING,
                related_name="events",
                to="maps.structuralinspection",
            ),
        ),
        migrations.AddField(
            model_name="structuralinspectionevent",
            name="premises",
            field=models.ForeignKey(
                db_constraint=False,
                db_index=False,
                on_delete=django.db.models.deletion.DO_NOTHING,
                related_name="+",
                related_query_name="+",
                to="inventory.premises",
                verbose_name="premises",
            ),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name="archiverecordsource",
            trigger=pgtrigger.compiler.Trigger(
                name="insert_insert",
                sql=pgtrigger.compiler.UpsertTriggerSql(
                    func='WITH _pgh_attached_context AS ( SELECT _pgh_attach_context() AS value ) INSERT INTO "maps_archiverecordsourceevent" ("basis", "id", "is_active", "kind", "metres_per_unit", "name", "pgh_context_id", "pgh_created_at", "pgh_label", "pgh_obj_id", "unit_id", "units", "verify") SELECT new_values."basis", new_values."id", new_values."is_active", new_values."kind", new_values."metres_per_unit", new_values."name", _pgh_attached_context.value, NOW(), \'insert\', new_values."id", new_values."unit_id", new_values."units", new_values."verify" FROM ( SELECT new_values.* FROM new_values  ) AS new_values, _pgh_attached_context; RETURN NULL;',
                    hash="d48935a449891277bf903ecfb36b65efbafd67f7",
                    level="STATEMENT",
                    operation="INSERT",
                    pgid="pgtrigger_insert_insert_65c89",
                    referencing="REFERENCING NEW TABLE AS new_values ",
                    table="maps_archiverecordsource",
                    when="AFTER",
                ),
            ),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name="archiverecordsource",
            trigger=pgtrigger.compiler.Trigger(
                name="update_update",
                sql=pgtrigger.compiler.UpsertTriggerSql(
                    func='WITH _pgh_attached_context AS ( SELECT _pgh_attach_context() AS value ) INSERT INTO "maps_archiverecordsourceevent" ("basis", "id", "is_active", "kind", "metres_per_unit", "name", "pgh_context_id", "pgh_created_at", "pgh_label", "pgh_obj_id", "unit_id", "units", "verify") SELECT new_values."basis", new_values."id", new_values."is_active", new_values."kind", new_values."metres_per_unit", new_values."name", _pgh_attached_context.value, NOW(), \'update\', new_values."id", new_values."unit_id", new_values."units", new_values."verify" FROM ( SELECT new_values.* FROM old_values JOIN new_values ON (old_values."id") = (new_values."id") WHERE (old_values.* IS DISTINCT FROM new_values.*) ) AS new_values, _pgh_attached_context; RETURN NULL;',
                    hash="fece361907d844d9d3d32df88d2eb478e493349b",
                    level="STATEMENT",
                    operation="UPDATE",
                    pgid="pgtrigger_update_update_e03f9",
                    referencing="REFERENCING OLD TABLE AS old_values  NEW TABLE AS new_values ",
                    table="maps_archiverecordsource",
                    when="AFTER",
                ),
            ),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name="archiverecordsource",
            trigger=pgtrigger.compiler.Trigger(
                name="delete_delete",
                sql=pgtrigger.compiler.UpsertTriggerSql(
                    func='WITH _pgh_attached_context AS ( SELECT _pgh_attach_context() AS value ) INSERT INTO "maps_archiverecordsourceevent" ("basis", "id", "is_active", "kind", "metres_per_unit", "name", "pgh_context_id", "pgh_created_at", "pgh_label", "pgh_obj_id", "unit_id", "units", "verify") SELECT old_values."basis", old_values."id", old_values."is_active", old_values."kind", old_values."metres_per_unit", old_values."name", _pgh_attached_context.value, NOW(), \'delete\', old_values."id", old_values."unit_id", old_values."units", old_values."verify" FROM ( SELECT old_values.* FROM old_values  ) AS old_values, _pgh_attached_context; RETURN NULL;',
                    hash="523e9979eb1413357e6c53635d258b29b531b096",
                    level="STATEMENT",
                    operation="DELETE",
                    pgid="pgtrigger_delete_delete_62145",
                    referencing="REFERENCING OLD TABLE AS old_values ",
                    table="maps_archiverecordsource",
                    when="AFTER",
                ),
            ),
        ),
        migrations.AddIndex(
            model_name="archiverecordsourceevent",
            index=models.Index(fields=["pgh_obj", "pgh_id"], name="maps_archiv_pgh_obj_b5b556_idx"),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name="archiverecordsourceevent",
            trigger=pgtrigger.compiler.Trigger(
                name="append_only",
                sql=pgtrigger.compiler.UpsertTriggerSql(
                    func="RAISE EXCEPTION 'pgtrigger: Cannot update or delete rows from % table', TG_TABLE_NAME;",
                    hash="25bb510a80daf43412b603a9391db79d7b603302",
                    operation="UPDATE OR DELETE",
                    pgid="pgtrigger_append_only_b61f0",
                    table="maps_archiverecordsourceevent",
                    when="BEFORE",
                ),
            ),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name="structuralinspection",
            trigger=pgtrigger.compiler.Trigger(
                name="insert_insert",
                sql=pgtrigger.compiler.UpsertTriggerSql(
                    func='WITH _pgh_attached_context AS ( SELECT _pgh_attach_context() AS value ) INSERT INTO "maps_structuralinspectionevent" ("created_at", "created_by_id", "document", "floor_load", "house_id", "id", "inspected_on", "inspector", "notes", "pgh_context_id", "pgh_created_at", "pgh_label", "pgh_obj_id", "premises_id", "reference") SELECT new_values."created_at", new_values."created_by_id", new_values."document", new_values."floor_load", new_values."house_id", new_values."id", new_values."inspected_on", new_values."inspector", new_values."notes", _pgh_attached_context.value, NOW(), \'insert\', new_values."id", new_values."premises_id", new_values."reference" FROM ( SELECT new_values.* FROM new_values  ) AS new_values, _pgh_attached_context; RETURN NULL;',
                    hash="92a0e9fa676f1b8101b105990d0e3f930b099a05",
                    level="STATEMENT",
                    operation="INSERT",
                    pgid="pgtrigger_insert_insert_68e56",
                    referencing="REFERENCING NEW TABLE AS new_values ",
                    table="maps_structuralinspection",
                    when="AFTER",
                ),
            ),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name="structuralinspection",
            trigger=pgtrigger.compiler.Trigger(
                name="update_update",
                sql=pgtrigger.compiler.UpsertTriggerSql(
                    func='WITH _pgh_attached_context AS ( SELECT _pgh_attach_context() AS value ) INSERT INTO "maps_structuralinspectionevent" ("created_at", "created_by_id", "document", "floor_load", "house_id", "id", "inspected_on", "inspector", "notes", "pgh_context_id", "pgh_created_at", "pgh_label", "pgh_obj_id", "premises_id", "reference") SELECT new_values."created_at", new_values."created_by_id", new_values."document", new_values."floor_load", new_values."house_id", new_values."id", new_values."inspected_on", new_values."inspector", new_values."notes", _pgh_attached_context.value, NOW(), \'update\', new_values."id", new_values."premises_id", new_values."reference" FROM ( SELECT new_values.* FROM old_values JOIN new_values ON (old_values."id") = (new_values."id") WHERE (old_values.* IS DISTINCT FROM new_values.*) ) AS new_values, _pgh_attached_context; RETURN NULL;',
                    hash="d6b7ad7147d45f7c1ad8c75bab52fac59e4de3f4",
                    level="STATEMENT",
                    operation="UPDATE",
                    pgid="pgtrigger_update_update_9842d",
                    referencing="REFERENCING OLD TABLE AS old_values  NEW TABLE AS new_values ",
                    table="maps_structuralinspection",
                    when="AFTER",
                ),
            ),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name="structuralinspection",
            trigger=pgtrigger.compiler.Trigger(
                name="delete_delete",
                sql=pgtrigger.compiler.UpsertTriggerSql(
                    func='WITH _pgh_attached_context AS ( SELECT _pgh_attach_context() AS value ) INSERT INTO "maps_structuralinspectionevent" ("created_at", "created_by_id", "document", "floor_load", "house_id", "id", "inspected_on", "inspector", "notes", "pgh_context_id", "pgh_created_at", "pgh_label", "pgh_obj_id", "premises_id", "reference") SELECT old_values."created_at", old_values."created_by_id", old_values."document", old_values."floor_load", old_values."house_id", old_values."id", old_values."inspected_on", old_values."inspector", old_values."notes", _pgh_attached_context.value, NOW(), \'delete\', old_values."id", old_values."premises_id", old_values."reference" FROM ( SELECT old_values.* FROM old_values  ) AS old_values, _pgh_attached_context; RETURN NULL;',
                    hash="31d6e2253f63cf1bd735ecb39d8c296685cab597",
                    level="STATEMENT",
                    operation="DELETE",
                    pgid="pgtrigger_delete_delete_07994",
                    referencing="REFERENCING OLD TABLE AS old_values ",
                    table="maps_structuralinspection",
                    when="AFTER",
                ),
            ),
        ),
        migrations.AddIndex(
            model_name="structuralinspectionevent",
            index=models.Index(fields=["pgh_obj", "pgh_id"], name="maps_struct_pgh_obj_1cae61_idx"),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name="structuralinspectionevent",
            trigger=pgtrigger.compiler.Trigger(
                name="append_only",
                sql=pgtrigger.compiler.UpsertTriggerSql(
                    func="RAISE EXCEPTION 'pgtrigger: Cannot update or delete rows from % table', TG_TABLE_NAME;",
                    hash="71a7de0540c47f53b2b8c1233eed28a0e396c0e5",
                    operation="UPDATE OR DELETE",
                    pgid="pgtrigger_append_only_03670",
                    table="maps_structuralinspectionevent",
                    when="BEFORE",
                ),
            ),
        ),
        migrations.AlterField(
            model_name="sitingcriterion",
            name="parameter",
            field=models.DecimalField(
                blank=True,
                decimal_places=2,
                max_digits=12,
                null=True,
                validators=[django.core.validators.MinValueValidator(0)],
                verbose_name="parameter",
            ),
        ),
        migrations.AlterField(
            model_name="sitingcriterionevent",
            name="parameter",
            field=models.DecimalField(
                blank=True,
                decimal_places=2,
                max_digits=12,
                null=True,
                validators=[django.core.validators.MinValueValidator(0)],
                verbose_name="parameter",
            ),
        ),
        migrations.RunSQL(dbguards.refuse_truncate(TABLES), dbguards.allow_truncate(TABLES)),
        migrations.RunPython(upgrade_criteria, migrations.RunPython.noop),
    ]
