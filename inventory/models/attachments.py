"""Photos and documents attached to premises, or to a declared record before it takes effect."""

import posixpath

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from inventory.choices import AttachmentKind
from inventory.models.base import no_hard_delete_unless_demo, track_history
from inventory.models.province import ProvinceKeyedModel, province_key

__all__ = ["Attachment"]


def attachment_path(instance, filename):
    """The folder says what the file is; the storage (`inventory.storage`) adds a random
    token folder, so that the full name cannot be guessed."""
    if instance.premises_id is None and instance.item_id is not None:
        return f"declared/{instance.item_id}/{instance.kind}/{filename}"
    return f"premises/{instance.premises_id}/{instance.kind}/{filename}"


@no_hard_delete_unless_demo(premises_id="inventory_premises")
@track_history()
@province_key
class Attachment(ProvinceKeyedModel, models.Model):
    """A photo (re-encoded, with a thumbnail) or a document (PDF) of a premises. The
    type is checked from the content, not the name; removal keeps the history row.
    Files are served only by `inventory.views.files`, to those who may see the premises.

    A photo taken while declaring (a new premises or asset, before review) belongs to the
    declaration item (`item`); when the item takes effect on a premises, the photo joins
    the premises too. Until then it is seen by those who may see the item."""

    premises = models.ForeignKey(
        "inventory.Premises",
        verbose_name=_("premises"),
        on_delete=models.PROTECT,
        related_name="attachments",
        null=True,
        blank=True,
    )
    item = models.ForeignKey(
        "inventory.DeclarationItem",
        verbose_name=_("declaration item"),
        # A withdrawn item is deleted (history keeps it); its photos stay, reachable by no one.
        on_delete=models.SET_NULL,
        related_name="attachments",
        null=True,
        blank=True,
    )
    kind = models.CharField(_("kind"), max_length=20, choices=AttachmentKind.choices)
    file = models.FileField(_("file"), upload_to=attachment_path, max_length=300)
    thumbnail = models.ImageField(_("thumbnail"), upload_to=attachment_path, max_length=300, blank=True)
    title = models.CharField(_("title"), max_length=255, blank=True)
    content_type = models.CharField(_("content type"), max_length=100)
    size = models.PositiveIntegerField(_("size (bytes)"))
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)

    province_from = ("premises", "item")

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")
        ordering = ["-uploaded_at"]
        indexes = [models.Index(fields=["province", "premises"])]

    def __str__(self):
        return self.title or self.filename

    @property
    def filename(self) -> str:
        """The file's own name, without its folders (nor the random token among them)."""
        return posixpath.basename(self.file.name)
