"""Declarations (kê khai): how agencies put premises, assets and needs into the system,
and how the Finance department accepts them."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from inventory.choices import (
    OPEN_DECLARATION_STATUSES,
    DeclarationKind,
    DeclarationStatus,
    ItemAction,
    ItemStatus,
    ItemTarget,
)
from inventory.models.base import TimeStampedModel, VersionedModel, track_history, versioned
from inventory.models.province import ProvinceKeyedModel, province_key
from inventory.querysets import ScopedQuerySet

__all__ = ["Declaration", "DeclarationItem", "Notification"]

# Item statuses still undecided: being written, returned for correction, or waiting.
OPEN_OR_PENDING = [ItemStatus.DRAFT, ItemStatus.RETURNED, ItemStatus.PENDING]


class DeclarationQuerySet(ScopedQuerySet):
    def open_for_review(self):
        return self.filter(status=DeclarationStatus.SUBMITTED)


@versioned
@track_history()
@province_key
class Declaration(ProvinceKeyedModel, VersionedModel, TimeStampedModel):
    """A declaration by an agency: a set of proposed new records and changes (items).

    Items that need the Finance department's approval (land and houses, cars, anything
    of original cost ≥ the approval threshold) wait for it; the others take effect when
    the declaration is submitted."""

    agency = models.ForeignKey(
        "inventory.Agency", verbose_name=_("declaring agency"), on_delete=models.PROTECT, related_name="declarations"
    )
    kind = models.CharField(_("kind"), max_length=20, choices=DeclarationKind.choices)
    status = models.CharField(
        _("status"), max_length=20, choices=DeclarationStatus.choices, default=DeclarationStatus.DRAFT, db_index=True
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("created by"), on_delete=models.PROTECT, related_name="+"
    )
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("submitted by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    reviewed_at = models.DateTimeField(_("reviewed at"), null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("reviewed by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    review_comment = models.TextField(_("reviewer's comment"), blank=True)
    note = models.TextField(_("note"), blank=True)

    objects = DeclarationQuerySet.as_manager()

    province_from = ("agency",)

    class Meta:
        verbose_name = _("declaration")
        verbose_name_plural = _("declarations")
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["province", "status"])]
        constraints = [
            # One declaration open for changes per agency, even when two people start at once.
            models.UniqueConstraint(
                fields=["agency", "province"],
                condition=models.Q(status__in=["draft", "returned"]),
                name="one_open_declaration_per_agency",
            )
        ]

    def __str__(self):
        return _("Declaration no. %(pk)s – %(agency)s") % {"pk": self.pk, "agency": self.agency}

    @property
    def editable(self) -> bool:
        """The declarant may still change it: a draft, or returned for correction."""
        return self.status in OPEN_DECLARATION_STATUSES


class DeclarationItemQuerySet(ScopedQuerySet):
    unit_path = "declaration__agency__admin_unit"


@versioned
@track_history()
@province_key
class DeclarationItem(ProvinceKeyedModel, VersionedModel, TimeStampedModel):
    """One proposed new record or change, kept as the field values the declarant gave
    (`payload`), until it takes effect on the record itself (`premises`, `asset` or
    `need`, set once the record exists)."""

    declaration = models.ForeignKey(
        Declaration, verbose_name=_("declaration"), on_delete=models.PROTECT, related_name="items"
    )
    target = models.CharField(_("record type"), max_length=20, choices=ItemTarget.choices)
    action = models.CharField(_("action"), max_length=20, choices=ItemAction.choices)
    code = models.CharField(_("record code"), max_length=40)
    payload = models.JSONField(_("declared values"))
    base_version = models.PositiveIntegerField(
        _("version of the record declared on"),
        null=True,
        blank=True,
        help_text=_("A change is approved only onto this version of the record; otherwise it conflicts."),
    )
    premises = models.ForeignKey(
        "inventory.Premises", null=True, blank=True, on_delete=models.PROTECT, related_name="declaration_items"
    )
    asset = models.ForeignKey(
        "inventory.Asset", null=True, blank=True, on_delete=models.PROTECT, related_name="declaration_items"
    )
    need = models.ForeignKey(
        "inventory.Need", null=True, blank=True, on_delete=models.PROTECT, related_name="declaration_items"
    )
    requires_approval = models.BooleanField(_("needs approval"), default=True)
    # Items are looked up through their declaration or their record; no index of their
    # own on status or reviewer, which every bulk upload would have to maintain.
    status = models.CharField(_("status"), max_length=20, choices=ItemStatus.choices, default=ItemStatus.DRAFT)
    review_comment = models.TextField(_("reviewer's comment"), blank=True)
    reviewed_at = models.DateTimeField(_("reviewed at"), null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("reviewed by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,
    )

    objects = DeclarationItemQuerySet.as_manager()

    province_from = ("declaration",)

    class Meta:
        verbose_name = _("declaration item")
        verbose_name_plural = _("declaration items")
        ordering = ["declaration", "pk"]
        indexes = [models.Index(fields=["province", "status"])]
        constraints = [
            # One open item per record in a declaration; closed ones (approved, in effect)
            # stay beside a later change to the same record.
            models.UniqueConstraint(
                fields=["declaration", "target", "code", "province"],
                condition=models.Q(status__in=OPEN_OR_PENDING),
                name="one_open_item_per_record",
            ),
            # A code chosen for a new record is held by one declaration until it is
            # decided: two units cannot both be waiting to create the same code.
            models.UniqueConstraint(
                fields=["target", "code", "province"],
                condition=models.Q(action=ItemAction.CREATE, status__in=OPEN_OR_PENDING),
                name="one_new_record_per_code",
            ),
        ]

    def __str__(self):
        return f"{self.get_target_display()} {self.code} ({self.get_action_display()})"

    @property
    def record(self):
        return getattr(self, self.target)


class Notification(models.Model):
    """An in-app message to a user about what changed for them."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications")
    message = models.CharField(_("message"), max_length=500)
    url = models.CharField(_("link"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-created_at"]

    def __str__(self):
        return self.message
