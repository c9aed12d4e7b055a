"""Dated wear rates (WearRate), the booked-wear ledger (BookedWear, WearRun).

The life and rates an asset class held become its two dated rows (Circular 23/2023 up
to FY2025, Circular 141/2025 from FY2026, marked verify) before the class's own columns
go. The ledger's record keys cascade in PostgreSQL: only demo records are ever deleted
(no_hard_delete), and their books go with them (generate_demo deletes assets in SQL).
"""

import django.core.validators
import django.db.models.deletion
import pgtrigger.compiler
import pgtrigger.migrations
from django.conf import settings
from django.db import migrations, models

from inventory import dbguards

NEW_TABLES = ["inventory_wearrate", "inventory_wearrateevent", "inventory_wearrun", "inventory_bookedwear"]


def copy_rates_to_dated_rows(apps, schema_editor):
    from inventory.legal_lists import seed_wear_rates

    AssetClass = apps.get_model("inventory", "AssetClass")
    current = {
        c.code: (c.useful_life_years, c.statutory_wear_rate, c.wear_rate) for c in AssetClass.objects.all()
    }
    seed_wear_rates(apps, current)


def copy_rates_back(apps, schema_editor):
    """Reverse: the class columns get the rows in force in FY2025 again."""
    WearRate = apps.get_model("inventory", "WearRate")
    for row in WearRate.objects.filter(effective_to=2025).select_related("asset_class"):
        asset_class = row.asset_class
        asset_class.useful_life_years = row.useful_life_years
        asset_class.statutory_wear_rate = row.statutory_rate
        asset_class.wear_rate = row.applied_rate
        asset_class.save(update_fields=["useful_life_years", "statutory_wear_rate", "wear_rate"])


class Migration(migrations.Migration):

    dependencies = [
        ('inventory', '0010_register_guards'),
        ('pghistory', '0007_auto_20250421_0444'),
    ]

    operations = [
        migrations.CreateModel(
            name='BookedWear',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('year', models.PositiveSmallIntegerField(verbose_name='year')),
                ('original_cost', models.DecimalField(decimal_places=0, max_digits=18, verbose_name='original cost (VND)')),
                ('rate', models.DecimalField(decimal_places=2, max_digits=5, verbose_name='wear rate (%/year)')),
                ('amount', models.DecimalField(decimal_places=0, max_digits=18, verbose_name='wear of the year (VND)')),
                ('accumulated_wear', models.DecimalField(decimal_places=0, max_digits=18, verbose_name='accumulated wear (VND)')),
                ('remaining_value', models.DecimalField(decimal_places=0, max_digits=18, verbose_name='remaining value (VND)')),
                ('note', models.CharField(blank=True, max_length=20, verbose_name='note')),
            ],
            options={
                'verbose_name': 'booked wear',
                'verbose_name_plural': 'booked wear',
                'ordering': ['year'],
            },
        ),
        migrations.CreateModel(
            name='WearRate',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('created_at', models.DateTimeField(auto_now_add=True, verbose_name='created at')),
                ('updated_at', models.DateTimeField(auto_now=True, verbose_name='updated at')),
                ('effective_from', models.PositiveSmallIntegerField(blank=True, help_text='Empty: every year before the next row.', null=True, validators=[django.core.validators.MinValueValidator(1900), django.core.validators.MaxValueValidator(2200)], verbose_name='in force from (year)')),
                ('effective_to', models.PositiveSmallIntegerField(blank=True, null=True, validators=[django.core.validators.MinValueValidator(1900), django.core.validators.MaxValueValidator(2200)], verbose_name='in force until (year)')),
                ('useful_life_years', models.PositiveSmallIntegerField(blank=True, null=True, verbose_name='useful life (years)')),
                ('statutory_rate', models.DecimalField(blank=True, decimal_places=2, max_digits=5, null=True, validators=[django.core.validators.MinValueValidator(0), django.core.validators.MaxValueValidator(100)], verbose_name='statutory wear rate (%/year)')),
                ('applied_rate', models.DecimalField(blank=True, decimal_places=2, help_text='Empty for assets that are not worn (e.g. land-use rights).', max_digits=5, null=True, validators=[django.core.validators.MinValueValidator(0), django.core.validators.MaxValueValidator(100)], verbose_name='applied wear rate (%/year)')),
                ('legal_basis', models.CharField(max_length=255, verbose_name='legal basis')),
                ('provincial_decision', models.CharField(blank=True, help_text="The People's Committee decision that adjusted the rate or set the life (Art. 13).", max_length=255, verbose_name='provincial decision')),
                ('provincial_decision_date', models.DateField(blank=True, null=True, verbose_name='date of the provincial decision')),
                ('verify', models.BooleanField(default=False, help_text='Entered from a secondary source: check against the official text.', verbose_name='to verify')),
            ],
            options={
                'verbose_name': 'wear rate',
                'verbose_name_plural': 'wear rates',
                'ordering': ['asset_class__sort_order', 'asset_class__code', models.OrderBy(models.F('effective_from'), nulls_first=True)],
            },
        ),
        migrations.CreateModel(
            name='WearRateEvent',
            fields=[
                ('pgh_id', models.AutoField(primary_key=True, serialize=False)),
                ('pgh_created_at', models.DateTimeField(auto_now_add=True)),
                ('pgh_label', models.TextField(help_text='The event label.')),
                ('id', models.BigIntegerField()),
                ('created_at', models.DateTimeField(auto_now_add=True, verbose_name='created at')),
                ('updated_at', models.DateTimeField(auto_now=True, verbose_name='updated at')),
                ('effective_from', models.PositiveSmallIntegerField(blank=True, help_text='Empty: every year before the next row.', null=True, validators=[django.core.validators.MinValueValidator(1900), django.core.validators.MaxValueValidator(2200)], verbose_name='in force from (year)')),
                ('effective_to', models.PositiveSmallIntegerField(blank=True, null=True, validators=[django.core.validators.MinValueValidator(1900), django.core.validators.MaxValueValidator(2200)], verbose_name='in force until (year)')),
                ('useful_life_years', models.PositiveSmallIntegerField(blank=True, null=True, verbose_name='useful life (years)')),
                ('statutory_rate', models.DecimalField(blank=True, decimal_places=2, max_digits=5, null=True, validators=[django.core.validators.MinValueValidator(0), django.core.validators.MaxValueValidator(100)], verbose_name='statutory wear rate (%/year)')),
                ('applied_rate', models.DecimalField(blank=True, decimal_places=2, help_text='Empty for assets that are not worn (e.g. land-use rights).', max_digits=5, null=True, validators=[django.core.validators.MinValueValidator(0), django.core.validators.MaxValueValidator(100)], verbose_name='applied wear rate (%/year)')),
                ('legal_basis', models.CharField(max_length=255, verbose_name='legal basis')),
                ('provincial_decision', models.CharField(blank=True, help_text="The People's Committee decision that adjusted the rate or set the life (Art. 13).", max_length=255, verbose_name='provincial decision')),
                ('provincial_decision_date', models.DateField(blank=True, null=True, verbose_name='date of the provincial decision')),
                ('verify', models.BooleanField(default=False, help_text='Entered from a secondary source: check against the official text.', verbose_name='to verify')),
            ],
            options={
                'abstract': False,
            },
        ),
        migrations.CreateModel(
            name='WearRun',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('year', models.PositiveSmallIntegerField(db_index=True, verbose_name='year')),
                ('booked_at', models.DateTimeField(auto_now_add=True, verbose_name='booked at')),
                ('entries', models.PositiveIntegerField(default=0, verbose_name='entries')),
                ('total_wear', models.DecimalField(decimal_places=0, default=0, max_digits=18, verbose_name='total wear (VND)')),
            ],
            options={
                'verbose_name': 'year-end wear run',
                'verbose_name_plural': 'year-end wear runs',
                'ordering': ['-year', '-booked_at'],
            },
        ),
        migrations.AddField(
            model_name='bookedwear',
            name='asset',
            field=models.ForeignKey(blank=True, db_constraint=False, db_index=False, null=True, on_delete=django.db.models.deletion.CASCADE, related_name='booked_wear', to='inventory.asset', verbose_name='asset'),
        ),
        migrations.AddField(
            model_name='bookedwear',
            name='premises',
            field=models.ForeignKey(blank=True, db_constraint=False, db_index=False, null=True, on_delete=django.db.models.deletion.CASCADE, related_name='booked_wear', to='inventory.premises', verbose_name='premises'),
        ),
        migrations.AddField(
            model_name='wearrate',
            name='asset_class',
            field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='rates', to='inventory.assetclass', verbose_name='asset class'),
        ),
        migrations.AddField(
            model_name='wearrateevent',
            name='asset_class',
            field=models.ForeignKey(db_constraint=False, db_index=False, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', related_query_name='+', to='inventory.assetclass', verbose_name='asset class'),
        ),
        migrations.AddField(
            model_name='wearrateevent',
            name='pgh_context',
            field=models.ForeignKey(db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='pghistory.context'),
        ),
        migrations.AddField(
            model_name='wearrateevent',
            name='pgh_obj',
            field=models.ForeignKey(db_constraint=False, on_delete=django.db.models.deletion.DO_NOTHING, related_name='events', to='inventory.wearrate'),
        ),
        migrations.AddField(
            model_name='wearrun',
            name='booked_by',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='booked by'),
        ),
        migrations.AddField(
            model_name='bookedwear',
            name='run',
            field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='entries_booked', to='inventory.wearrun', verbose_name='run'),
        ),
        migrations.AddConstraint(
            model_name='wearrate',
            constraint=models.UniqueConstraint(fields=('asset_class', 'effective_from'), name='wear_rate_one_per_start', nulls_distinct=False),
        ),
        migrations.AddConstraint(
            model_name='wearrate',
            constraint=models.CheckConstraint(condition=models.Q(('effective_to__isnull', True), ('effective_from__isnull', True), ('effective_to__gte', models.F('effective_from')), _connector='OR'), name='wear_rate_period_ordered'),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name='wearrate',
            trigger=pgtrigger.compiler.Trigger(name='insert_insert', sql=pgtrigger.compiler.UpsertTriggerSql(func='WITH _pgh_attached_context AS ( SELECT _pgh_attach_context() AS value ) INSERT INTO "inventory_wearrateevent" ("applied_rate", "asset_class_id", "created_at", "effective_from", "effective_to", "id", "legal_basis", "pgh_context_id", "pgh_created_at", "pgh_label", "pgh_obj_id", "provincial_decision", "provincial_decision_date", "statutory_rate", "updated_at", "useful_life_years", "verify") SELECT new_values."applied_rate", new_values."asset_class_id", new_values."created_at", new_values."effective_from", new_values."effective_to", new_values."id", new_values."legal_basis", _pgh_attached_context.value, NOW(), \'insert\', new_values."id", new_values."provincial_decision", new_values."provincial_decision_date", new_values."statutory_rate", new_values."updated_at", new_values."useful_life_years", new_values."verify" FROM ( SELECT new_values.* FROM new_values  ) AS new_values, _pgh_attached_context; RETURN NULL;', hash='b8367b63ddfe27e376fd6bb5322fdf357b70bc2e', level='STATEMENT', operation='INSERT', pgid='pgtrigger_insert_insert_cf8bf', referencing='REFERENCING NEW TABLE AS new_values ', table='inventory_wearrate', when='AFTER')),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name='wearrate',
            trigger=pgtrigger.compiler.Trigger(name='update_update', sql=pgtrigger.compiler.UpsertTriggerSql(func='WITH _pgh_attached_context AS ( SELECT _pgh_attach_context() AS value ) INSERT INTO "inventory_wearrateevent" ("applied_rate", "asset_class_id", "created_at", "effective_from", "effective_to", "id", "legal_basis", "pgh_context_id", "pgh_created_at", "pgh_label", "pgh_obj_id", "provincial_decision", "provincial_decision_date", "statutory_rate", "updated_at", "useful_life_years", "verify") SELECT new_values."applied_rate", new_values."asset_class_id", new_values."created_at", new_values."effective_from", new_values."effective_to", new_values."id", new_values."legal_basis", _pgh_attached_context.value, NOW(), \'update\', new_values."id", new_values."provincial_decision", new_values."provincial_decision_date", new_values."statutory_rate", new_values."updated_at", new_values."useful_life_years", new_values."verify" FROM ( SELECT new_values.* FROM old_values JOIN new_values ON (old_values."id") = (new_values."id") WHERE (old_values.* IS DISTINCT FROM new_values.*) ) AS new_values, _pgh_attached_context; RETURN NULL;', hash='a66e999dbcb7f243d34cf24865b1cb233f4ecbca', level='STATEMENT', operation='UPDATE', pgid='pgtrigger_update_update_ac50c', referencing='REFERENCING OLD TABLE AS old_values  NEW TABLE AS new_values ', table='inventory_wearrate', when='AFTER')),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name='wearrate',
            trigger=pgtrigger.compiler.Trigger(name='delete_delete', sql=pgtrigger.compiler.UpsertTriggerSql(func='WITH _pgh_attached_context AS ( SELECT _pgh_attach_context() AS value ) INSERT INTO "inventory_wearrateevent" ("applied_rate", "asset_class_id", "created_at", "effective_from", "effective_to", "id", "legal_basis", "pgh_context_id", "pgh_created_at", "pgh_label", "pgh_obj_id", "provincial_decision", "provincial_decision_date", "statutory_rate", "updated_at", "useful_life_years", "verify") SELECT old_values."applied_rate", old_values."asset_class_id", old_values."created_at", old_values."effective_from", old_values."effective_to", old_values."id", old_values."legal_basis", _pgh_attached_context.value, NOW(), \'delete\', old_values."id", old_values."provincial_decision", old_values."provincial_decision_date", old_values."statutory_rate", old_values."updated_at", old_values."useful_life_years", old_values."verify" FROM ( SELECT old_values.* FROM old_values  ) AS old_values, _pgh_attached_context; RETURN NULL;', hash='98af3ff98c6b80d6670945a50e7c535bb31db672', level='STATEMENT', operation='DELETE', pgid='pgtrigger_delete_delete_c246f', referencing='REFERENCING OLD TABLE AS old_values ', table='inventory_wearrate', when='AFTER')),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name='wearrateevent',
            trigger=pgtrigger.compiler.Trigger(name='append_only', sql=pgtrigger.compiler.UpsertTriggerSql(func="RAISE EXCEPTION 'pgtrigger: Cannot update or delete rows from % table', TG_TABLE_NAME;", hash='814343f0c8593a4cb6d27027df590a1cc51bc49e', operation='UPDATE OR DELETE', pgid='pgtrigger_append_only_1072d', table='inventory_wearrateevent', when='BEFORE')),
        ),
        migrations.AddConstraint(
            model_name='bookedwear',
            constraint=models.CheckConstraint(condition=models.Q(models.Q(('asset__isnull', False), ('premises__isnull', True)), models.Q(('asset__isnull', True), ('premises__isnull', False)), _connector='OR'), name='booked_wear_one_record'),
        ),
        migrations.AddConstraint(
            model_name='bookedwear',
            constraint=models.UniqueConstraint(fields=('asset', 'year'), name='booked_wear_asset_year'),
        ),
        migrations.AddConstraint(
            model_name='bookedwear',
            constraint=models.UniqueConstraint(fields=('premises', 'year'), name='booked_wear_premises_year'),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name='bookedwear',
            trigger=pgtrigger.compiler.Trigger(name='append_only', sql=pgtrigger.compiler.UpsertTriggerSql(func="RAISE EXCEPTION 'pgtrigger: Cannot update rows from % table', TG_TABLE_NAME;", hash='feb4705d15bbd4466ebe08a9164a0b2e8bb59f1c', operation='UPDATE', pgid='pgtrigger_append_only_f2040', table='inventory_bookedwear', when='BEFORE')),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name='bookedwear',
            trigger=pgtrigger.compiler.Trigger(name='keep_real_books', sql=pgtrigger.compiler.UpsertTriggerSql(func="IF EXISTS (SELECT 1 FROM inventory_asset WHERE id = OLD.asset_id AND NOT is_demo) OR EXISTS (SELECT 1 FROM inventory_premises WHERE id = OLD.premises_id AND NOT is_demo) THEN RAISE EXCEPTION 'pgtrigger: booked wear of a real record cannot be deleted'; END IF; RETURN OLD;", hash='4d8743fe153f2c7e0fc55ec4a12034fa847a77b9', operation='DELETE', pgid='pgtrigger_keep_real_books_a0c62', table='inventory_bookedwear', when='BEFORE')),
        ),
        migrations.RunSQL(dbguards.refuse_truncate(NEW_TABLES), dbguards.allow_truncate(NEW_TABLES)),
        migrations.RunPython(copy_rates_to_dated_rows, copy_rates_back),
        migrations.RunSQL(
            [
                "ALTER TABLE inventory_bookedwear ADD CONSTRAINT booked_wear_asset_fk FOREIGN KEY (asset_id) "
                "REFERENCES inventory_asset (id) ON DELETE CASCADE",
                "ALTER TABLE inventory_bookedwear ADD CONSTRAINT booked_wear_premises_fk FOREIGN KEY (premises_id) "
                "REFERENCES inventory_premises (id) ON DELETE CASCADE",
            ],
            [
                "ALTER TABLE inventory_bookedwear DROP CONSTRAINT booked_wear_asset_fk",
                "ALTER TABLE inventory_bookedwear DROP CONSTRAINT booked_wear_premises_fk",
            ],
        ),
        pgtrigger.migrations.RemoveTrigger(
            model_name='assetclass',
            name='insert_insert',
        ),
        pgtrigger.migrations.RemoveTrigger(
            model_name='assetclass',
            name='update_update',
        ),
        pgtrigger.migrations.RemoveTrigger(
            model_name='assetclass',
            name='delete_delete',
        ),
        migrations.RemoveField(
            model_name='assetclass',
            name='statutory_wear_rate',
        ),
        migrations.RemoveField(
            model_name='assetclass',
            name='useful_life_years',
        ),
        migrations.RemoveField(
            model_name='assetclass',
            name='wear_rate',
        ),
        migrations.RemoveField(
            model_name='assetclassevent',
            name='statutory_wear_rate',
        ),
        migrations.RemoveField(
            model_name='assetclassevent',
            name='useful_life_years',
        ),
        migrations.RemoveField(
            model_name='assetclassevent',
            name='wear_rate',
        ),
        pgtrigger.migrations.AddTrigger(
            model_name='assetclass',
            trigger=pgtrigger.compiler.Trigger(name='insert_insert', sql=pgtrigger.compiler.UpsertTriggerSql(func='WITH _pgh_attached_context AS ( SELECT _pgh_attach_context() AS value ) INSERT INTO "inventory_assetclassevent" ("building_grade", "category", "code", "created_at", "id", "is_active", "legal_basis", "name", "pgh_context_id", "pgh_created_at", "pgh_label", "pgh_obj_id", "sort_order", "updated_at") SELECT new_values."building_grade", new_values."category", new_values."code", new_values."created_at", new_values."id", new_values."is_active", new_values."legal_basis", new_values."name", _pgh_attached_context.value, NOW(), \'insert\', new_values."id", new_values."sort_order", new_values."updated_at" FROM ( SELECT new_values.* FROM new_values  ) AS new_values, _pgh_attached_context; RETURN NULL;', hash='f51a4488461c49fadf8e656b13061841a428b6d0', level='STATEMENT', operation='INSERT', pgid='pgtrigger_insert_insert_41860', referencing='REFERENCING NEW TABLE AS new_values ', table='inventory_assetclass', when='AFTER')),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name='assetclass',
            trigger=pgtrigger.compiler.Trigger(name='update_update', sql=pgtrigger.compiler.UpsertTriggerSql(func='WITH _pgh_attached_context AS ( SELECT _pgh_attach_context() AS value ) INSERT INTO "inventory_assetclassevent" ("building_grade", "category", "code", "created_at", "id", "is_active", "legal_basis", "name", "pgh_context_id", "pgh_created_at", "pgh_label", "pgh_obj_id", "sort_order", "updated_at") SELECT new_values."building_grade", new_values."category", new_values."code", new_values."created_at", new_values."id", new_values."is_active", new_values."legal_basis", new_values."name", _pgh_attached_context.value, NOW(), \'update\', new_values."id", new_values."sort_order", new_values."updated_at" FROM ( SELECT new_values.* FROM old_values JOIN new_values ON (old_values."id") = (new_values."id") WHERE (old_values.* IS DISTINCT FROM new_values.*) ) AS new_values, _pgh_attached_context; RETURN NULL;', hash='96e064c53ee0746c75ece37ade94df22ce8b6ca9', level='STATEMENT', operation='UPDATE', pgid='pgtrigger_update_update_36b41', referencing='REFERENCING OLD TABLE AS old_values  NEW TABLE AS new_values ', table='inventory_assetclass', when='AFTER')),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name='assetclass',
            trigger=pgtrigger.compiler.Trigger(name='delete_delete', sql=pgtrigger.compiler.UpsertTriggerSql(func='WITH _pgh_attached_context AS ( SELECT _pgh_attach_context() AS value ) INSERT INTO "inventory_assetclassevent" ("building_grade", "category", "code", "created_at", "id", "is_active", "legal_basis", "name", "pgh_context_id", "pgh_created_at", "pgh_label", "pgh_obj_id", "sort_order", "updated_at") SELECT old_values."building_grade", old_values."category", old_values."code", old_values."created_at", old_values."id", old_values."is_active", old_values."legal_basis", old_values."name", _pgh_attached_context.value, NOW(), \'delete\', old_values."id", old_values."sort_order", old_values."updated_at" FROM ( SELECT old_values.* FROM old_values  ) AS old_values, _pgh_attached_context; RETURN NULL;', hash='9fbe58a1224368965ddfb066cb61ae584d8e3f6a', level='STATEMENT', operation='DELETE', pgid='pgtrigger_delete_delete_c5d62', referencing='REFERENCING OLD TABLE AS old_values ', table='inventory_assetclass', when='AFTER')),
        ),
    ]
