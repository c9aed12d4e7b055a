"""Fixed enumerations of the maps app."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class LayerKind(models.TextChoices):
    """What a hazard or context layer holds; it decides which geometries it accepts."""

    FLOOD = "flood", _("Flood hazard area")
    LANDSLIDE = "landslide", _("Landslide hazard area")
    HAZARD_SITE = "hazard_site", _("Fire, explosion or chemical hazard site")
    POLLUTION = "pollution_site", _("Pollution source")
    VIBRATION = "vibration_source", _("Vibration source")
    ROAD = "road", _("Main road")


class CriterionKind(models.TextChoices):
    HARD = "hard", _("Hard constraint")
    WEIGHTED = "weighted", _("Weighted criterion")
    PARAMETER = "parameter", _("Parameter")


class RecordSourceKind(models.TextChoices):
    """Who hands records over to the Provincial Historical Archive Center."""

    DISTRICT = "district", _("Agencies of an abolished district")
    COMMUNES = "communes", _("Merged communes of a former district")


class FloorLoadStatus(models.TextChoices):
    """Whether a candidate bears the stacks' floor load: only a recorded structural
    inspection says so; the building grade never does."""

    PASSES = "passes", _("inspected: bears the load")
    NEEDS_INSPECTION = "needs_inspection", _("needs inspection")
    FAILS = "fails", _("inspected: too weak")


class Shelving(models.TextChoices):
    """Shelving of the archive stacks: linear metres held per m² of stack floor."""

    FIXED = "fixed", _("Fixed shelving")
    MOBILE = "mobile", _("Mobile shelving")
