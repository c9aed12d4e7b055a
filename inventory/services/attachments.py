"""Photos and documents of premises: checked by content, photos re-encoded."""

import io
from pathlib import Path

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils.text import get_valid_filename
from django.utils.translation import gettext as _
from PIL import Image, UnidentifiedImageError

from inventory.choices import AttachmentKind
from inventory.models import Attachment, Premises
from inventory.services.declarations import can_declare

THUMBNAIL_SIZE = (320, 320)
PDF_MAGIC = b"%PDF-"


def upload_limit() -> int:
    return getattr(settings, "ATTACHMENT_MAX_BYTES", 10 * 1024 * 1024)


@transaction.atomic
def attach(actor, premises: Premises, upload, title: str = "") -> Attachment:
    """Store a photo (JPEG/PNG/WebP, re-encoded as JPEG with a thumbnail) or a PDF."""
    if not can_declare(actor) or not Premises.objects.visible_to(actor).filter(pk=premises.pk).exists():
        raise PermissionDenied(_("You may only add files to your own unit's premises."))
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
        try:
            image = Image.open(upload)
            image.load()
        except (UnidentifiedImageError, OSError) as exc:
            raise ValidationError(_("Only photos (JPEG, PNG, WebP) and PDF documents can be attached.")) from exc
        if image.format not in {"JPEG", "PNG", "WEBP"}:
            raise ValidationError(_("Only photos (JPEG, PNG, WebP) and PDF documents can be attached."))
        image = image.convert("RGB")
        buffer = io.BytesIO()
        image.save(buffer, "JPEG", quality=88)  # re-encoding drops anything hidden in the file
        content = ContentFile(buffer.getvalue(), name=f"{stem}.jpg")
        image.thumbnail(THUMBNAIL_SIZE)
        thumb = io.BytesIO()
        image.save(thumb, "JPEG", quality=80)
        thumbnail = ContentFile(thumb.getvalue(), name=f"{stem}-thumb.jpg")
        kind, content_type = AttachmentKind.PHOTO, "image/jpeg"
    attachment = Attachment(
        premises=premises, kind=kind, title=title, content_type=content_type, size=content.size, uploaded_by=actor
    )
    attachment.file.save(content.name, content, save=False)
    if thumbnail is not None:
        attachment.thumbnail.save(thumbnail.name, thumbnail, save=False)
    attachment.save()
    return attachment
