"""Siting studies for the Provincial Historical Archive Center's repository (DESIGN §4)."""

from django.conf import settings
from django.contrib.gis.db import models
from django.core.validators import MinValueValidator
from django.utils.translation import gettext_lazy as _

from inventory.models.base import track_history
from maps.choices import CriterionKind, Shelving

__all__ = ["SitingChoice", "SitingCriterion", "SitingStudy"]

POSITIVE = [MinValueValidator(0)]


@track_history()
class SitingCriterion(models.Model):
    """A siting criterion as data, with its source, parameter and weight, editable by a
    reviewer: a hard constraint excludes a candidate, a weighted criterion scores it 0–1."""

    code = models.CharField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=255)
    kind = models.CharField(_("kind"), max_length=20, choices=CriterionKind.choices)
    parameter = models.DecimalField(_("parameter"), max_digits=12, decimal_places=2, null=True, blank=True)
    unit = models.CharField(_("unit of the parameter"), max_length=40, blank=True)
    weight = models.DecimalField(_("weight"), max_digits=5, decimal_places=2, default=0, validators=POSITIVE)
    source = models.TextField(_("source"))
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
