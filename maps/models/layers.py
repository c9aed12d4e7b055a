"""Hazard and context layers imported from GeoJSON or Shapefile."""

from django.conf import settings
from django.contrib.gis.db import models
from django.utils.translation import gettext_lazy as _

from inventory.models.base import track_history
from maps.choices import LayerKind

__all__ = ["HazardFeature", "HazardLayer"]


@track_history()
class HazardLayer(models.Model):
    """A layer of flood or landslide areas, hazard sites or main roads, with where it
    came from. Demo layers say so in their name and flag."""

    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=20, choices=LayerKind.choices, db_index=True)
    source = models.CharField(_("source"), max_length=300, blank=True)
    source_crs = models.CharField(_("source CRS"), max_length=120, blank=True)
    is_demo = models.BooleanField(_("demo data"), default=False)
    imported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    imported_at = models.DateTimeField(_("imported at"), auto_now_add=True)

    class Meta:
        verbose_name = _("hazard or context layer")
        verbose_name_plural = _("hazard and context layers")
        ordering = ["kind", "name"]

    def __str__(self):
        return self.name


@track_history()
class HazardFeature(models.Model):
    """One area, site or road of a layer (SRID 4326)."""

    layer = models.ForeignKey(HazardLayer, on_delete=models.CASCADE, related_name="features")
    geometry = models.GeometryField(_("geometry"), srid=4326)
    label = models.CharField(_("label"), max_length=200, blank=True)
    properties = models.JSONField(_("attributes"), default=dict, blank=True)

    class Meta:
        verbose_name = _("layer feature")
        verbose_name_plural = _("layer features")
        indexes = [models.Index(fields=["layer"])]

    def __str__(self):
        return self.label or f"{self.layer} #{self.pk}"
