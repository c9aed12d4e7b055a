"""Siting studies for the Provincial Historical Archive Center's repository (DESIGN §4)."""

from django.conf import settings
from django.contrib.gis.db import models
from django.core.validators import MaxValueValidator, MinValueValidator
from django.utils.translation import gettext_lazy as _

from inventory.models.base import track_history
from maps.choices import CriterionKind, LayerKind, RecordSourceKind, Shelving

__all__ = ["ArchiveRecordSource", "SitingChoice", "SitingCriterion", "SitingStudy", "StructuralInspection"]

POSITIVE = [MinValueValidator(0)]
# Bounds that keep hostile numbers out: no stack floor is rated above 100 t/m², no
# source hands over more than 100 km of shelving.
FLOOR_LOAD_LIMITS = [MinValueValidator(1), MaxValueValidator(100_000)]


@track_history()
class SitingCriterion(models.Model):
    """A siting criterion as data, with its source, parameter and weight, editable by a
    reviewer: a hard constraint excludes a candidate, a weighted criterion scores it 0–1."""

    code = models.CharField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=255)
    kind = models.CharField(_("kind"), max_length=20, choices=CriterionKind.choices)
    parameter = models.DecimalField(
        _("parameter"), max_digits=12, decimal_places=2, null=True, blank=True, validators=POSITIVE
    )
    unit = models.CharField(_("unit of the parameter"), max_length=40, blank=True)
    weight = models.DecimalField(_("weight"), max_digits=5, decimal_places=2, default=0, validators=POSITIVE)
    source = models.TextField(_("source"))
    legal_basis = models.CharField(_("legal basis"), max_length=255, blank=True)
    effective_from = models.DateField(_("effective from"), null=True, blank=True)
    verify = models.BooleanField(
        _("verify"),
        default=True,
        help_text=_("The figure comes from a secondary source or is the project's own: check it against the text."),
    )
    layer_kind = models.CharField(
        _("measured to layer"),
        max_length=20,
        choices=LayerKind.choices,
        blank=True,
        help_text=_("For a distance constraint: the kind of layer the distance is measured to."),
    )
    sort_order = models.PositiveSmallIntegerField(_("order"), default=0)
    is_active = models.BooleanField(_("in use"), default=True)

    class Meta:
        verbose_name = _("siting criterion")
        verbose_name_plural = _("siting criteria")
        ordering = ["kind", "sort_order", "code"]

    def __str__(self):
        return self.name


@track_history()
class SitingStudy(models.Model):
    """One run of the siting analysis: the need, the candidates, the criteria as they
    were, and the results. A new version keeps the previous one for comparison."""

    name = models.CharField(_("name"), max_length=200)
    version = models.PositiveIntegerField(_("version"), default=1)
    previous = models.ForeignKey(
        "self",
        verbose_name=_("previous version"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="next_versions",
    )
    shelf_metres = models.DecimalField(
        _("shelving now (linear metres)"), max_digits=10, decimal_places=1, validators=POSITIVE
    )
    growth_metres_per_year = models.DecimalField(
        _("growth (linear metres a year)"), max_digits=10, decimal_places=1, default=0, validators=POSITIVE
    )
    growth_years = models.PositiveSmallIntegerField(_("years of growth to plan for"), default=20)
    shelving = models.CharField(_("shelving"), max_length=10, choices=Shelving.choices, default=Shelving.FIXED)
    office_area = models.DecimalField(_("office area (m²)"), max_digits=10, decimal_places=1, validators=POSITIVE)
    processing_area = models.DecimalField(
        _("processing area (m²)"), max_digits=10, decimal_places=1, default=0, validators=POSITIVE
    )
    reading_area = models.DecimalField(
        _("public reading area (m²)"), max_digits=10, decimal_places=1, default=0, validators=POSITIVE
    )
    technical_area = models.DecimalField(
        _("technical area (m²)"), max_digits=10, decimal_places=1, default=0, validators=POSITIVE
    )
    # Kept for the studies made before access was measured from the former district
    # centres; a new study still records the province's centre, as a reference only.
    centre = models.PointField(_("provincial centre"), srid=4326)
    candidates = models.ManyToManyField("inventory.Premises", verbose_name=_("candidates"), related_name="+")
    seed = models.PositiveIntegerField(_("random seed"), default=1)
    random_sets = models.PositiveIntegerField(_("random weight sets"), default=200)
    criteria = models.JSONField(_("criteria used"), default=list, editable=False)
    results = models.JSONField(_("results"), default=dict, editable=False)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("siting study")
        verbose_name_plural = _("siting studies")
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.name} (v{self.version})"


@track_history()
class SitingChoice(models.Model):
    """The link from a handling record to the siting study whose ranking chose its
    building for the archive repository (item 8 of issue 18). It lives in `maps`
    because `maps` uses `inventory` and never the reverse: a foreign key declared in
    `inventory` to `maps.SitingStudy` would make the inventory's migrations depend on
    the maps app. One study may lead to several records (a cancelled proposal, then
    another); a record comes from at most one study."""

    study = models.ForeignKey(
        SitingStudy, verbose_name=_("siting study"), on_delete=models.PROTECT, related_name="choices"
    )
    handling_record = models.OneToOneField(
        "inventory.HandlingRecord",
        verbose_name=_("handling record"),
        on_delete=models.PROTECT,
        related_name="siting_choice",
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("siting choice")
        verbose_name_plural = _("siting choices")
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.study} → {self.handling_record}"


@track_history()
class ArchiveRecordSource(models.Model):
    """Records the Provincial Historical Archive Center must receive from one source —
    the agencies of an abolished district, or the communes merged from it — as an
    estimate in linear metres of shelving (units × metres per unit), editable, with its
    basis. The sum over the sources in use is a study's shelving need."""

    name = models.CharField(_("name"), max_length=255)
    kind = models.CharField(_("kind"), max_length=20, choices=RecordSourceKind.choices)
    unit = models.ForeignKey(
        "inventory.AdministrativeUnit",
        verbose_name=_("former district"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    units = models.PositiveIntegerField(
        _("agencies or communes"), default=1, validators=[MinValueValidator(0), MaxValueValidator(10_000)]
    )
    metres_per_unit = models.DecimalField(
        _("linear metres per agency or commune"),
        max_digits=8,
        decimal_places=1,
        validators=[MinValueValidator(0), MaxValueValidator(10_000)],
    )
    basis = models.TextField(_("basis of the estimate"))
    verify = models.BooleanField(_("verify"), default=True)
    is_active = models.BooleanField(_("in use"), default=True)

    class Meta:
        verbose_name = _("archive record source")
        verbose_name_plural = _("archive record sources")
        ordering = ["kind", "name"]

    def __str__(self):
        return self.name

    @property
    def shelf_metres(self):
        return self.units * self.metres_per_unit


def inspection_path(instance, filename):
    """The folder says what the file is; the storage (`inventory.storage`) adds a random token."""
    return f"inspections/{instance.premises_id}/{filename}"


@track_history()
class StructuralInspection(models.Model):
    """A structural inspection (kiểm định kết cấu) of a building: the floor load it
    found, when, by whom, and its report. Only such a record qualifies a building on
    floor load for archive stacks; the grade (cấp nhà) is a durability class, not a load
    rating. The report is served only to those who may see the premises."""

    premises = models.ForeignKey(
        "inventory.Premises",
        verbose_name=_("premises"),
        on_delete=models.PROTECT,
        related_name="structural_inspections",
    )
    house = models.ForeignKey(
        "inventory.House",
        verbose_name=_("house"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="structural_inspections",
    )
    floor_load = models.PositiveIntegerField(_("floor load found (kg/m²)"), validators=FLOOR_LOAD_LIMITS)
    inspected_on = models.DateField(_("date of the inspection"))
    inspector = models.CharField(_("inspecting organisation"), max_length=255)
    reference = models.CharField(_("report number"), max_length=100, blank=True)
    document = models.FileField(_("inspection report (PDF)"), upload_to=inspection_path, max_length=300, blank=True)
    notes = models.TextField(_("notes"), blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("structural inspection")
        verbose_name_plural = _("structural inspections")
        ordering = ["-inspected_on", "-pk"]

    def __str__(self):
        return f"{self.premises} — {self.floor_load} kg/m² ({self.inspected_on:%d/%m/%Y})"
