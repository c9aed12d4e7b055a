"""The province key of the large tables (issue 15): every row of the register carries the
province it belongs to (`province_id`), the column a distributed PostgreSQL (Citus) would
shard on and that every unique constraint of these tables includes.

PostgreSQL sets it, not the code paths one by one: a BEFORE INSERT OR UPDATE trigger
derives it from the row's parent (`province_from`: an agency's administrative unit, an
asset's agency, a house's premises, an item's declaration…), so the ORM, bulk creates,
raw SQL, COPY, the Excel import, set-based wear runs and the demo generator all get it.
A row none of whose parents is set keeps the province it was given (a weekly return, an
attachment whose declaration item was withdrawn).

The column has a database default, so Django reads the trigger's value back from
INSERT … RETURNING: a created object knows its province without another query."""

import pgtrigger
from django.db import models
from django.db.models.expressions import DatabaseDefault
from django.utils.translation import gettext_lazy as _

__all__ = ["ProvinceKeyedModel", "ProvinceOneToOneField", "province_key", "province_sql"]

UNIT_TABLE = "inventory_administrativeunit"


def _table(model) -> str:
    """A model's table, also while the models load (a lazy reference "app.Model": the
    default table name, which every parent here has)."""
    if isinstance(model, str):
        app, name = model.split(".")
        return f"{app}_{name}".lower()
    return model._meta.db_table


def _parent_sql(model, field_name: str, row: str) -> str:
    """The province of the parent `field_name` of a `row` of `model`, as SQL."""
    field = model._meta.get_field(field_name)
    parent = _table(field.remote_field.model)
    # A province's own row has no province: it is its own (a provincial department's unit).
    column = "COALESCE(p.province_id, p.id)" if parent == UNIT_TABLE else "p.province_id"
    # table and column names come from the models, never from input
    return f"(SELECT {column} FROM {parent} p WHERE p.id = {row}.{field.column})"  # noqa: S608


def province_sql(model, row: str = "NEW") -> str:
    """The province of a `row` of `model`: its first parent's, else the one it has."""
    parents = [_parent_sql(model, name, row) for name in model.province_from]
    return f"COALESCE({', '.join([*parents, f'{row}.province_id'])})"


def province_key(model):
    """Class decorator: the triggers that set `province_id` on insert, and again on an
    update that changes a parent (or touches the key itself). A model without parents
    (`province_from` empty) is given its province by the code that writes it."""
    if not model.province_from:
        return model
    columns = [model._meta.get_field(name).column for name in model.province_from] + ["province_id"]
    changed = " OR ".join(f"OLD.{c} IS DISTINCT FROM NEW.{c}" for c in columns)
    func = f"NEW.province_id := {province_sql(model)}; RETURN NEW;"
    return pgtrigger.register(
        pgtrigger.Trigger(name="province_on_insert", when=pgtrigger.Before, operation=pgtrigger.Insert, func=func),
        pgtrigger.Trigger(
            name="province_on_update",
            when=pgtrigger.Before,
            operation=pgtrigger.Update,
            condition=pgtrigger.Condition(changed),
            func=func,
        ),
    )(model)


class ProvinceKeyedModel(models.Model):
    """A row of a large table, with the province it belongs to (set by PostgreSQL)."""

    # The foreign keys whose row gives this row's province, first set one wins.
    province_from: tuple[str, ...] = ()

    province = models.ForeignKey(
        "inventory.AdministrativeUnit",
        verbose_name=_("province"),
        on_delete=models.PROTECT,
        related_name="+",
        limit_choices_to={"level": "province"},
        editable=False,
        db_index=False,  # the composite indexes lead with it
        db_default=None,  # PostgreSQL's trigger sets it; Django reads it back (RETURNING)
    )

    class Meta:
        abstract = True

    def _derived_province_id(self):
        """The province the trigger will give this row, for validating unique constraints
        (which include the province) before it is saved."""
        for name in self.province_from:
            if getattr(self, self._meta.get_field(name).attname) is not None:
                parent = getattr(self, name)
                if parent._meta.db_table == UNIT_TABLE:
                    return parent.province_id or parent.pk
                return parent.province_id
        return None

    def validate_constraints(self, exclude=None):
        # The province is derived from the parents, so it is known even when a form
        # leaves it out: the constraints that include it are checked, not skipped.
        derived = self._derived_province_id()
        if derived is not None or isinstance(self.province_id, DatabaseDefault):
            self.province_id = derived
        if exclude:
            exclude = set(exclude) - {"province"}
        super().validate_constraints(exclude=exclude)


class ProvinceOneToOneField(models.OneToOneField):
    """A one-to-one link (a request's decision, a premises' public listing) whose
    uniqueness is a constraint of the model that includes the province, as every unique
    constraint of a large table does, instead of a unique index on the link alone. Django
    still reads it as one-to-one (`request.decision`); the link column keeps a plain index."""

    @property
    def unique(self):
        return False
