"""Premises: houses and land (cơ sở nhà, đất; trụ sở)."""

from django.contrib.gis.db import models
from django.core.validators import MaxValueValidator, MinValueValidator
from django.utils.translation import gettext_lazy as _

from inventory.choices import AssetCategory, BuildingGrade, Condition, PremisesStatus
from inventory.models.base import (
    DemoFlagModel,
    SoftDeleteModel,
    TimeStampedModel,
    VersionedModel,
    deleted_index,
    no_hard_delete,
    track_history,
    versioned,
)
from inventory.models.houses import DECLARED_HOUSE_FIELDS, HOUSE_TOTALS, House, validate_building
from inventory.models.province import ProvinceKeyedModel, province_key
from inventory.models.rollups import premises_rollup_triggers
from inventory.models.valued import MONEY, ValuedModel, raise_if
from inventory.querysets import PremisesQuerySet, live_manager

__all__ = ["Premises"]

AREA = {"max_digits": 12, "decimal_places": 2, "validators": [MinValueValidator(0)]}
LAND_USE_FIELDS = (
    "land_use_office",
    "land_use_public_service",
    "land_use_housing",
    "land_use_leased",
    "land_use_vacant",
    "land_use_encroached",
    "land_use_other",
)


@no_hard_delete
@versioned
@track_history()
@province_key
class Premises(ProvinceKeyedModel, ValuedModel, VersionedModel, SoftDeleteModel, DemoFlagModel, TimeStampedModel):
    """A site (cơ sở nhà, đất): a headquarters (trụ sở) or another public-service site,
    placed by a point (SRID 4326) and optionally its land parcel, with its land (area,
    use split, land book value, certificate) and zero or more houses (`House`).

    After the merger a premises is in use as a headquarters, in other public use, partly
    surplus (with the surplus floor area), surplus, under handling or handled. Its
    building columns (floor area, footprint, floors, grade, original cost, remaining
    value…: `houses.HOUSE_TOTALS`) are the totals of its live houses, kept by PostgreSQL;
    while it has at most one house, those columns declare that house (a form or workbook
    row gives a site with one house). Areas are in m².
    """

    code = models.CharField(_("code"), max_length=40)
    name = models.CharField(_("name"), max_length=255)
    location = models.PointField(_("location"), srid=4326)
    parcel = models.MultiPolygonField(_("land parcel"), srid=4326, null=True, blank=True)
    address = models.CharField(_("address"), max_length=255, blank=True)
    admin_unit = models.ForeignKey(
        "inventory.AdministrativeUnit",
        verbose_name=_("commune (since 2025)"),
        on_delete=models.PROTECT,
        related_name="premises",
    )
    legacy_unit = models.ForeignKey(
        "inventory.AdministrativeUnit",
        verbose_name=_("former commune"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="legacy_premises",
    )
    agency = models.ForeignKey(
        "inventory.Agency",
        verbose_name=_("managing agency"),
        on_delete=models.PROTECT,
        related_name="premises",
    )
    status = models.CharField(
        _("status"),
        max_length=30,
        choices=PremisesStatus.choices,
        default=PremisesStatus.IN_USE_HQ,
        db_index=True,
    )
    condition = models.CharField(_("condition"), max_length=20, choices=Condition.choices, default=Condition.GOOD)

    land_area = models.DecimalField(_("land area (m²)"), null=True, blank=True, **AREA)
    footprint_area = models.DecimalField(_("building footprint (m²)"), null=True, blank=True, **AREA)
    floor_area = models.DecimalField(_("total floor area (m²)"), null=True, blank=True, **AREA)
    surplus_floor_area = models.DecimalField(_("surplus floor area (m²)"), null=True, blank=True, **AREA)
    floors = models.PositiveSmallIntegerField(_("floors"), null=True, blank=True, validators=[MaxValueValidator(100)])
    building_grade = models.CharField(_("building grade"), max_length=10, choices=BuildingGrade.choices, blank=True)
    building_class = models.ForeignKey(
        "inventory.AssetClass",
        verbose_name=_("building asset class"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="premises",
        help_text=_("Set from the building grade when left empty; gives the wear rate."),
    )
    year_built = models.PositiveSmallIntegerField(_("year built"), null=True, blank=True)
    floor_load = models.PositiveIntegerField(
        _("design floor load (kg/m²)"),
        null=True,
        blank=True,
        validators=[MaxValueValidator(20_000)],
        help_text=_("Where known, from the design or an inspection."),
    )

    land_use_office = models.DecimalField(_("land used as office (m²)"), null=True, blank=True, **AREA)
    land_use_public_service = models.DecimalField(_("land for public services (m²)"), null=True, blank=True, **AREA)
    land_use_housing = models.DecimalField(_("land used for housing (m²)"), null=True, blank=True, **AREA)
    land_use_leased = models.DecimalField(_("land leased out (m²)"), null=True, blank=True, **AREA)
    land_use_vacant = models.DecimalField(_("vacant land (m²)"), null=True, blank=True, **AREA)
    land_use_encroached = models.DecimalField(_("encroached land (m²)"), null=True, blank=True, **AREA)
    land_use_other = models.DecimalField(_("land in other use (m²)"), null=True, blank=True, **AREA)
    land_certificate = models.CharField(_("land-use certificate"), max_length=120, blank=True)
    land_value = models.DecimalField(
        _("land book value (VND)"),
        null=True,
        blank=True,
        **MONEY,
        help_text=_("The value of the land-use right as the accounts state it (whole đồng)."),
    )

    is_flooded = models.BooleanField(_("flood-prone"), default=False)
    has_landslide = models.BooleanField(_("landslide risk"), default=False)
    storm_damaged = models.BooleanField(_("storm damage"), default=False)
    notes = models.TextField(_("notes"), blank=True)

    # The declared fields of a premises, in the order people read them: the API and its
    # CSV/XLSX exports, the OGC properties and the detail page derive from this list
    # (docs/architecture.md, "Adding a field").
    PUBLIC_FIELDS = (
        "id",
        "code",
        "name",
        "address",
        "admin_unit",
        "legacy_unit",
        "agency",
        "status",
        "condition",
        "land_area",
        *LAND_USE_FIELDS,
        "land_certificate",
        "land_value",
        "footprint_area",
        "floor_area",
        "surplus_floor_area",
        "floors",
        "building_grade",
        "year_built",
        "floor_load",
        "in_use_date",
        "original_cost",
        "book_accumulated_wear",
        "book_remaining_value",
        "book_date",
        "remaining_value",
        "is_flooded",
        "has_landslide",
        "storm_damaged",
        "notes",
        "is_demo",
        "updated_at",
    )

    objects = live_manager(PremisesQuerySet)
    all_objects = PremisesQuerySet.as_manager()

    province_from = ("agency",)

    class Meta:
        verbose_name = _("premises")
        verbose_name_plural = _("premises")
        ordering = ["code"]
        indexes = [
            models.Index(fields=["admin_unit", "status"]),
            models.Index(fields=["province", "status"]),
            models.Index(fields=["province", "agency"]),
            deleted_index("premises_deleted"),
        ]
        constraints = [models.UniqueConstraint(fields=["code", "province"], name="premises_code_per_province")]
        triggers = premises_rollup_triggers()

    def __str__(self):
        return f"{self.code} – {self.name}"

    def wear_class(self):
        return None  # the houses wear, each by its own class; the premises holds their totals

    def wear_rate(self):
        return self.building_class.wear_rate if self.building_class_id else None

    def recompute_value(self, today=None) -> None:
        """Nothing to compute: the remaining value is the sum of the houses' (PostgreSQL)."""

    def value_as_of(self, as_of):
        values = [h.value_as_of(as_of) for h in self.houses.all()]
        values = [v for v in values if v is not None]
        return sum(values) if values else None

    def _set_building_class(self) -> None:
        from inventory.models.reference import AssetClass

        if self.building_grade and (
            not self.building_class_id or self.building_class.building_grade != self.building_grade
        ):
            self.building_class = (
                AssetClass.objects.filter(
                    category=AssetCategory.BUILDING, building_grade=self.building_grade, is_active=True
                )
                .order_by("sort_order")
                .first()
            )

    def clean(self):
        super().clean()
        errors: dict = {}
        self._validate_in_use_date(errors)
        self._validate_areas(errors)
        validate_building(self, errors)
        if self.pk is not None and self.houses.count() > 1:
            errors.update(self._total_changes(type(self)._base_manager.filter(pk=self.pk).values(*TOTAL_FIELDS).get()))
        raise_if(errors)

    def _validate_areas(self, errors: dict) -> None:
        if (
            self.surplus_floor_area is not None
            and self.floor_area is not None
            and self.surplus_floor_area > self.floor_area
        ):
            errors["surplus_floor_area"] = _("The surplus floor area cannot exceed the total floor area.")
        if self.status == PremisesStatus.PARTLY_SURPLUS and not self.surplus_floor_area:
            errors["surplus_floor_area"] = _("A partly surplus premises needs its surplus floor area.")
        uses = [getattr(self, f) for f in LAND_USE_FIELDS if getattr(self, f) is not None]
        if uses and self.land_area is not None and sum(uses) > self.land_area:
            errors["land_area"] = _("The land-use breakdown adds up to more than the land area.")

    def save(self, *args, **kwargs):
        """Save the site; while it has at most one live house, its building columns
        declare that house (made when the first building value is given). With several
        houses the columns are their totals and are changed through the houses."""
        self._set_building_class()
        houses = [] if self._state.adding else list(self.houses.filter(deleted_at__isnull=True)[:2])
        if not self._state.adding:
            self._keep_totals(several=len(houses) > 1)
        update_fields = kwargs.get("update_fields")
        declares = update_fields is None or set(update_fields) & set(DECLARED_HOUSE_FIELDS)
        house = self._declared_house(houses[0] if houses else None) if len(houses) <= 1 and declares else None
        if house is not None:  # the premises row gets the values the trigger will give it
            house.recompute_value()
            self.remaining_value, self.valuation_date = house.remaining_value, house.valuation_date
        super().save(*args, **kwargs)
        if house is not None:
            house.premises = self
            house.save()
        self.refresh_from_db(fields=[name.removesuffix("_id") for name in TOTAL_FIELDS])

    def _keep_totals(self, several: bool) -> None:
        """The computed totals are never written from a (possibly stale) instance; with
        several houses none of the building columns is, and a change to one is refused."""
        stored = type(self)._base_manager.filter(pk=self.pk).values(*TOTAL_FIELDS).first() or {}
        if several:
            raise_if(self._total_changes(stored))
        for name, value in stored.items():
            if several or name in ("remaining_value", "valuation_date"):
                setattr(self, name, value)

    def _total_changes(self, stored: dict) -> dict:
        """Errors for the building columns changed on a premises with several houses."""
        return {
            name: _("This premises has several houses: change its houses, not their totals.")
            for name in DECLARED_HOUSE_FIELDS
            if getattr(self, _attname(name)) != stored.get(_attname(name))
        }

    def _declared_house(self, house: House | None) -> House | None:
        """The one house this row declares, with the row's values (unsaved), or None when
        there is nothing to write (land only, or the house already holds them)."""
        values = {name: getattr(self, name) for name in DECLARED_HOUSE_FIELDS}
        if house is None:
            if all(value in (None, "") for value in values.values()):
                return None  # land only
            house = House(condition=self.condition)
        elif all(getattr(house, name) == value for name, value in values.items()):
            return None
        for name, value in values.items():
            setattr(house, name, value)
        house._set_building_class()
        return house


def _attname(name: str) -> str:
    return f"{name}_id" if name == "building_class" else name


TOTAL_FIELDS = tuple(column for column, _house, _how in HOUSE_TOTALS)
