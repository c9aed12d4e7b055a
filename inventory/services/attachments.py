"""Photos and documents of premises: checked by content, photos re-encoded."""

import io
import warnings
from pathlib import Path

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils.text import get_valid_filename
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from PIL import Image, UnidentifiedImageError

from inventory.choices import AttachmentKind
from inventory.models import Attachment, DeclarationItem, Premises
from inventory.permissions import can_declare

THUMBNAIL_SIZE = (320, 320)
PDF_MAGIC = b"%PDF-"


def upload_limit() -> int:
    return getattr(settings, "ATTACHMENT_MAX_BYTES", 10 * 1024 * 1024)


def pixel_limit() -> int:
    return getattr(settings, "ATTACHMENT_MAX_PIXELS", 40_000_000)


NOT_A_PHOTO = gettext_lazy("Only photos (JPEG, PNG, WebP) and PDF documents can be attached.")
UNREADABLE = gettext_lazy("The photo cannot be read: the file is damaged or is not a photo.")
TOO_LARGE = gettext_lazy("The photo has too many pixels (at most %(mp)s million): scale it down and attach it again.")


def reencode_photo(upload, stem: str) -> tuple[ContentFile, ContentFile]:
    """The photo re-encoded as JPEG, and its thumbnail; or a ValidationError.

    A small file can declare a huge image (a PNG of zeros compresses a thousandfold):
    the size in the header is checked before anything is decoded, and Pillow's own
    limit is set to the same value. The decoders meet hostile files: whatever they
    raise is a refusal, never a server error."""
    limit = pixel_limit()
    Image.MAX_IMAGE_PIXELS = limit
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(upload)  # reads the header only
            if image.format not in {"JPEG", "PNG", "WEBP"}:
                raise ValidationError(NOT_A_PHOTO, code="type")
            width, height = image.size
            if width * height > limit:
                raise ValidationError(TOO_LARGE, code="pixels", params={"mp": f"{limit / 1_000_000:g}"})
            image.load()
            image = image.convert("RGB")
            buffer = io.BytesIO()
            image.save(buffer, "JPEG", quality=88)  # re-encoding drops anything hidden in the file
            image.thumbnail(THUMBNAIL_SIZE)
            thumb = io.BytesIO()
            image.save(thumb, "JPEG", quality=80)
    except ValidationError:
        raise
    except UnidentifiedImageError as exc:
        raise ValidationError(NOT_A_PHOTO, code="type") from exc
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        raise ValidationError(TOO_LARGE, code="pixels", params={"mp": f"{limit / 1_000_000:g}"}) from exc
    except Exception as exc:  # decoders raise OSError, SyntaxError, ValueError, struct.error...
        raise ValidationError(UNREADABLE, code="damaged") from exc
    return ContentFile(buffer.getvalue(), name=f"{stem}.jpg"), ContentFile(thumb.getvalue(), name=f"{stem}-thumb.jpg")


@transaction.atomic
def attach(actor, premises: Premises, upload, title: str = "") -> Attachment:
    """Store a photo (JPEG/PNG/WebP, re-encoded as JPEG with a thumbnail) or a PDF."""
    if not can_declare(actor) or not Premises.objects.visible_to(actor).filter(pk=premises.pk).exists():
        raise PermissionDenied(_("You may only add files to your own unit's premises."))
    return _store(actor, upload, title, premises=premises)


MAX_ITEM_PHOTOS = 10


@transaction.atomic
def attach_to_item(actor, item: DeclarationItem, upload, title: str = "") -> Attachment:
    """A photo (or PDF) of a declared record, kept with the declaration item while it is
    drafted or waits for review, so the reviewer sees the building before approving it;
    it joins the premises when the item takes effect (`declarations._apply`)."""
    if not can_declare(actor) or not DeclarationItem.objects.visible_to(actor).filter(pk=item.pk).exists():
        raise PermissionDenied(_("You may only add files to your own unit's premises."))
    if not item.declaration.editable or item.status not in ("draft", "returned"):
        raise ValidationError(_("This item can no longer be changed."))
    if item.attachments.count() >= MAX_ITEM_PHOTOS:
        raise ValidationError(_("At most %(n)s files per declared record.") % {"n": MAX_ITEM_PHOTOS})
    return _store(actor, upload, title, item=item)


def _store(actor, upload, title, **owner) -> Attachment:
    if upload.size > upload_limit():
        raise ValidationError(_("The file is larger than %(mb)s MB.") % {"mb": upload_limit() // (1024 * 1024)})
    head = upload.read(8)
    upload.seek(0)
    stem = get_valid_filename(Path(upload.name).stem) or "file"
    if head.startswith(PDF_MAGIC):
        kind, content_type = AttachmentKind.DOCUMENT, "application/pdf"
        content = ContentFile(upload.read(), name=f"{stem}.pdf")
        thumbnail = None
    else:
        content, thumbnail = reencode_photo(upload, stem)
        kind, content_type = AttachmentKind.PHOTO, "image/jpeg"
    attachment = Attachment(
        **owner, kind=kind, title=title, content_type=content_type, size=content.size, uploaded_by=actor
    )
    attachment.file.save(content.name, content, save=False)
    if thumbnail is not None:
        attachment.thumbnail.save(thumbnail.name, thumbnail, save=False)
    attachment.save()
    return attachment
