"""The public register of surplus sites (công khai cơ sở nhà, đất dôi dư): which sites
Finance has published, which of their photos are public, and the interest agencies and
the public register in a site."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from inventory.choices import InterestStatus
from inventory.models.base import TimeStampedModel, no_hard_delete_unless_demo, track_history
from inventory.models.province import ProvinceKeyedModel, ProvinceOneToOneField, province_key

__all__ = ["InterestRegistration", "PublicListing"]


class PublicListingQuerySet(models.QuerySet):
    def published(self):
        """Listings shown on /cong-khai/: not withdrawn, of a live site in a publishable status."""
        from inventory.choices import PUBLISHABLE_PREMISES_STATUSES

        return self.filter(
            withdrawn=False, premises__deleted_at__isnull=True, premises__status__in=PUBLISHABLE_PREMISES_STATUSES
        )


@no_hard_delete_unless_demo(premises_id="inventory_premises")
@track_history()
@province_key
class PublicListing(ProvinceKeyedModel, TimeStampedModel):
    """A site Finance has published in the public register (công khai), with the short
    text the public reads and the photos chosen for it. Withdrawing keeps the row (and
    its history); a withdrawn listing, or one whose site left the publishable statuses,
    answers 404 to the public."""

    premises = ProvinceOneToOneField(
        "inventory.Premises", verbose_name=_("premises"), on_delete=models.PROTECT, related_name="public_listing"
    )
    summary = models.TextField(
        _("public summary"),
        max_length=2000,
        blank=True,
        help_text=_("Shown to the public: no names of people, phone numbers or internal notes."),
    )
    photos = models.ManyToManyField(
        "inventory.Attachment",
        verbose_name=_("public photos"),
        blank=True,
        related_name="public_listings",
        help_text=_("Only the photos chosen here are shown and served to the public."),
    )
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("published by"), on_delete=models.PROTECT, related_name="+"
    )
    published_at = models.DateTimeField(_("published at"))
    withdrawn = models.BooleanField(_("withdrawn"), default=False, db_index=True)
    withdrawn_at = models.DateTimeField(_("withdrawn at"), null=True, blank=True)

    objects = PublicListingQuerySet.as_manager()

    province_from = ("premises",)

    class Meta:
        verbose_name = _("public listing")
        verbose_name_plural = _("public listings")
        ordering = ["premises__code"]
        constraints = [models.UniqueConstraint(fields=["premises", "province"], name="one_listing_per_premises")]

    def __str__(self):
        return str(self.premises)


@no_hard_delete_unless_demo(premises_id="inventory_premises")
@track_history()
@province_key
class InterestRegistration(ProvinceKeyedModel, TimeStampedModel):
    """Interest registered by an agency or a member of the public in a published site:
    who, for which organisation, for what use, how to reach them. Kept private (Finance
    reads it); the public sees only counts by outcome."""

    premises = models.ForeignKey(
        "inventory.Premises", verbose_name=_("premises"), on_delete=models.PROTECT, related_name="interests"
    )
    name = models.CharField(_("your name"), max_length=120)
    organisation = models.CharField(_("organisation"), max_length=200, blank=True)
    priority_use = models.ForeignKey(
        "inventory.PriorityUse",
        verbose_name=_("intended use"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    use_details = models.CharField(_("use in your words"), max_length=300, blank=True)
    contact = models.CharField(_("phone or e-mail"), max_length=120)
    message = models.TextField(_("message"), max_length=2000, blank=True)
    status = models.CharField(
        _("outcome"), max_length=20, choices=InterestStatus.choices, default=InterestStatus.RECEIVED, db_index=True
    )

    province_from = ("premises",)

    class Meta:
        verbose_name = _("registration of interest")
        verbose_name_plural = _("registrations of interest")
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(priority_use__isnull=False) | ~Q(use_details=""), name="interest_names_a_use"
            )
        ]

    def __str__(self):
        return f"{self.premises.code} – {self.organisation or self.name}"
