"""Fixed enumerations of the maps app."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class LayerKind(models.TextChoices):
    """What a hazard or context layer holds; it decides which geometries it accepts."""

    FLOOD = "flood", _("Flood hazard area")
    LANDSLIDE = "landslide", _("Landslide hazard area")
    HAZARD_SITE = "hazard_site", _("Fire, explosion or chemical hazard site")
    ROAD = "road", _("Main road")


class CriterionKind(models.TextChoices):
    HARD = "hard", _("Hard constraint")
    WEIGHTED = "weighted", _("Weighted criterion")


class Shelving(models.TextChoices):
    """Shelving of the archive stacks: linear metres held per m² of stack floor."""

    FIXED = "fixed", _("Fixed shelving")
    MOBILE = "mobile", _("Mobile shelving")
