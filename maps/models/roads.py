"""The road network (mạng lưới đường bộ) that network distances and travel times are
measured on: road classes with their planning speeds and the routing parameters as
data, and the noded edges built once from the road layers (`maps.routing`)."""

from django.contrib.gis.db import models
from django.core.validators import MinValueValidator
from django.utils.translation import gettext_lazy as _

from inventory.models.base import track_history

__all__ = ["RoadClass", "RoadEdge", "RoutingParameter"]


@track_history()
class RoadClass(models.Model):
    """A class of road (quốc lộ, tỉnh lộ, đường huyện, đường xã...) and the average
    speed travel times are planned with on it. `aliases` are the values of a road
    layer's class attribute that mean this class (e.g. OSM's `primary`), so a province's
    layer maps onto the classes without editing it. Editable, with its source."""

    code = models.CharField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=200)
    speed_kmh = models.DecimalField(
        _("planning speed (km/h)"), max_digits=5, decimal_places=1, validators=[MinValueValidator(1)]
    )
    aliases = models.CharField(
        _("layer values meaning this class"),
        max_length=500,
        blank=True,
        help_text=_("Comma-separated values of the road layer's class attribute, compared without case."),
    )
    source = models.TextField(_("source"))
    needs_verification = models.BooleanField(_("verify"), default=True)
    sort_order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("road class")
        verbose_name_plural = _("road classes")
        ordering = ["sort_order", "code"]

    def __str__(self):
        return self.name

    def alias_set(self) -> set[str]:
        return {a.strip().lower() for a in self.aliases.split(",") if a.strip()} | {self.code.lower()}


@track_history()
class RoutingParameter(models.Model):
    """A number the routing rests on (detour factor of the straight-line estimate, the
    farthest a point may be snapped to a road, speeds off the network), with its
    source and a "verify" mark where the source is secondary or an assumption."""

    code = models.CharField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=200)
    value = models.DecimalField(_("value"), max_digits=10, decimal_places=2, validators=[MinValueValidator(0)])
    unit = models.CharField(_("unit"), max_length=40, blank=True)
    source = models.TextField(_("source"))
    needs_verification = models.BooleanField(_("verify"), default=True)

    class Meta:
        verbose_name = _("routing parameter")
        verbose_name_plural = _("routing parameters")
        ordering = ["code"]

    def __str__(self):
        return self.name


class RoadEdge(models.Model):
    """One edge of the routable network: a road segment between two nodes, cut where
    roads cross or meet, built from the road layers by `maps.routing.build_network()`
    (derived data: rebuilt whole from the layers, not edited). `source` and `target`
    are node numbers; the length is metres on the spheroid."""

    layer = models.ForeignKey(
        "maps.HazardLayer", verbose_name=_("layer"), on_delete=models.CASCADE, related_name="road_edges"
    )
    road_class = models.ForeignKey(
        RoadClass, verbose_name=_("road class"), on_delete=models.PROTECT, related_name="edges"
    )
    source = models.IntegerField(_("from node"), db_index=True)
    target = models.IntegerField(_("to node"), db_index=True)
    length_m = models.FloatField(_("length (m)"))
    geom = models.LineStringField(_("geometry"), srid=4326, spatial_index=True)

    class Meta:
        verbose_name = _("road network edge")
        verbose_name_plural = _("road network edges")

    def __str__(self):
        return f"{self.source}–{self.target}"
