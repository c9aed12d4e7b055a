"""Administrative units before and after the 1 July 2025 reorganisation, and their lineage."""

from django.contrib.gis.db import models
from django.utils.translation import gettext_lazy as _

from inventory.choices import UnitLevel
from inventory.models.base import TimeStampedModel, track_history
from inventory.querysets import AdministrativeUnitQuerySet

__all__ = ["AdministrativeUnit", "UnitLineage"]


@track_history()
class AdministrativeUnit(TimeStampedModel):
    """A province, a commune-level unit of the two-level government (xã, phường, đặc khu),
    or a legacy district or commune that existed until 30 June 2025.

    Codes are the official ones; a new unit's code can equal a former commune's, so a
    code is unique within its level. The centroid is always known; the boundary polygon
    is imported when a user has one, and until then "which unit holds this point" falls
    back to the nearest centroid.
    """

    level = models.CharField(_("level"), max_length=20, choices=UnitLevel.choices, db_index=True)
    code = models.CharField(_("official code"), max_length=10)
    name = models.CharField(_("name"), max_length=120)
    short_name = models.CharField(_("short name"), max_length=100)
    type_name = models.CharField(_("unit type"), max_length=40, help_text=_("Xã, Phường, Huyện, Thị xã..."))
    search_key = models.CharField(max_length=120, db_index=True, editable=False)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent unit"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    province = models.ForeignKey(
        "self",
        verbose_name=_("province"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    centroid = models.PointField(_("centroid"), srid=4326)
    bbox = models.PolygonField(_("bounding box"), srid=4326, null=True, blank=True)
    boundary = models.MultiPolygonField(_("boundary"), srid=4326, null=True, blank=True)
    area_km2 = models.DecimalField(_("area (km²)"), max_digits=10, decimal_places=2, null=True, blank=True)
    valid_from = models.DateField(_("valid from"), null=True, blank=True)
    valid_to = models.DateField(_("valid to"), null=True, blank=True)
    source = models.CharField(_("data source"), max_length=120, blank=True)

    objects = AdministrativeUnitQuerySet.as_manager()

    class Meta:
        verbose_name = _("administrative unit")
        verbose_name_plural = _("administrative units")
        ordering = ["level", "name"]
        constraints = [
            models.UniqueConstraint(fields=["level", "code"], name="unit_code_unique_per_level"),
        ]

    def __str__(self):
        return self.name

    @property
    def name_with_district(self) -> str:
        """A former commune with its former district ("Xã Hưng Lộc (Thành phố Vinh)"):
        several former communes share a name. Other units: their name."""
        if self.level == UnitLevel.LEGACY_COMMUNE and self.parent_id:
            return f"{self.name} ({self.parent.name})"
        return self.name

    @property
    def is_legacy(self) -> bool:
        return self.level in (UnitLevel.LEGACY_DISTRICT, UnitLevel.LEGACY_COMMUNE)

    def save(self, *args, **kwargs):
        from inventory.text import search_key

        self.search_key = search_key(self.name)
        super().save(*args, **kwargs)


@track_history()
class UnitLineage(TimeStampedModel):
    """Legacy commune → the new unit(s) its territory went into, with the legal basis.

    A commune divided between several new units has one row per successor; `is_primary`
    marks the one that took its seat (the package's default successor).
    """

    predecessor = models.ForeignKey(
        AdministrativeUnit,
        verbose_name=_("former unit"),
        on_delete=models.PROTECT,
        related_name="successor_links",
    )
    successor = models.ForeignKey(
        AdministrativeUnit,
        verbose_name=_("new unit"),
        on_delete=models.PROTECT,
        related_name="predecessor_links",
    )
    is_primary = models.BooleanField(_("primary successor"), default=True)
    legal_basis = models.CharField(_("legal basis"), max_length=255)
    effective_date = models.DateField(_("effective date"))

    class Meta:
        verbose_name = _("unit lineage link")
        verbose_name_plural = _("unit lineage")
        ordering = ["successor__name", "predecessor__name"]
        constraints = [
            models.UniqueConstraint(fields=["predecessor", "successor"], name="lineage_unique_pair"),
        ]

    def __str__(self):
        return f"{self.predecessor} → {self.successor}"
