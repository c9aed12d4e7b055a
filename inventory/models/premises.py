"""Premises: houses and land (cơ sở nhà, đất; trụ sở)."""

from django.contrib.gis.db import models
from django.core.validators import MaxValueValidator, MinValueValidator
from django.utils import timezone
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
from inventory.models.rollups import premises_rollup_triggers
from inventory.models.valued import ValuedModel, raise_if
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
class Premises(ValuedModel, VersionedModel, SoftDeleteModel, DemoFlagModel, TimeStampedModel):
    """A site with land and usually a building: a headquarters (trụ sở) or another
    public-service site, placed by a point (SRID 4326) and optionally its land parcel.

    After the merger a premises is in use as a headquarters, in other public use, partly
    surplus (with the surplus floor area), surplus, under handling or handled. Values are
    those of the building (form 04a-ĐK/TSC); areas are in m².
    """

    code = models.CharField(_("code"), max_length=40, unique=True)
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

    is_flooded = models.BooleanField(_("flood-prone"), default=False)
    has_landslide = models.BooleanField(_("landslide risk"), default=False)
    storm_damaged = models.BooleanField(_("storm damage"), default=False)
    notes = models.TextField(_("notes"), blank=True)

    objects = live_manager(PremisesQuerySet)
    all_objects = PremisesQuerySet.as_manager()

    class Meta:
        verbose_name = _("premises")
        verbose_name_plural = _("premises")
        ordering = ["code"]
        indexes = [models.Index(fields=["admin_unit", "status"]), deleted_index("premises_deleted")]
        triggers = premises_rollup_triggers()

    def __str__(self):
        return f"{self.code} – {self.name}"

    def wear_rate(self):
        return self.building_class.wear_rate if self.building_class_id else None

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
        self._validate_year_built(errors)
        raise_if(errors)

    def _validate_areas(self, errors: dict) -> None:
        if (
            self.floor_area is not None
            and self.footprint_area is not None
            and self.floors
            and self.floor_area > self.footprint_area * self.floors
        ):
            errors["floor_area"] = _("The total floor area cannot exceed footprint × floors.")
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

    def _validate_year_built(self, errors: dict) -> None:
        if self.year_built and self.year_built > timezone.localdate().year:
            errors["year_built"] = _("The year built cannot be in the future.")
        if self.year_built and self.in_use_date and self.in_use_date.year < self.year_built:
            errors["in_use_date"] = _("A building cannot be put into use before it is built.")

    def save(self, *args, **kwargs):
        self._set_building_class()
        super().save(*args, **kwargs)
