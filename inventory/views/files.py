"""Uploaded files (photos and documents of premises, decision documents, rejected rows
of a workbook), served only to those who may see the record they belong to.

Nothing serves MEDIA_ROOT directly. A file is reached by its record's id, through the
record's `visible_to(user)`: a user sees a file exactly when they may see the record.
Anyone else, the anonymous, and a program with an unknown or revoked API token get
404, as for a file that does not exist. Behind nginx (`FILES_X_ACCEL`), the view only
decides and nginx sends the bytes from an internal location."""

import posixpath
from urllib.parse import quote

from django.conf import settings
from django.core.exceptions import SuspiciousFileOperation
from django.core.files.storage import default_storage
from django.db.models import Q
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404
from django.utils.cache import patch_vary_headers
from django.utils.http import content_disposition_header
from django.views.decorators.http import require_safe
from rest_framework.authentication import TokenAuthentication
from rest_framework.exceptions import AuthenticationFailed

from inventory.choices import AttachmentKind
from inventory.models import Asset, Attachment, DeclarationItem, HandlingRecord, Premises, Revaluation
from inventory.services import rejected_rows

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# Only the user's own browser may keep a copy, and only for a while.
CACHE_CONTROL = "private, max-age=600"


def requester(request):
    """Who asks: the user of an API token if the request carries one (a program), else
    the session's user. An unknown or revoked token is a 404, never a fallback to the
    session, so a revoked token cannot read anything."""
    try:
        found = TokenAuthentication().authenticate(request)
    except AuthenticationFailed as exc:
        raise Http404 from exc
    return found[0] if found else request.user


def stored_file_response(name: str, *, filename: str, content_type: str, as_attachment: bool) -> HttpResponse:
    """The stored file `name` (relative to MEDIA_ROOT) as a response, or 404.

    With FILES_X_ACCEL nginx sends the file (X-Accel-Redirect to its internal location,
    which passes on the type, disposition and cache headers set here)."""
    try:
        path = default_storage.path(name) if name else None
    except SuspiciousFileOperation:
        path = None
    if not path or not default_storage.exists(name):
        raise Http404
    if settings.FILES_X_ACCEL:
        response = HttpResponse(content_type=content_type)
        response["X-Accel-Redirect"] = settings.FILES_X_ACCEL_PREFIX + quote(name)
    else:
        response = FileResponse(open(path, "rb"), content_type=content_type)  # noqa: SIM115 - closed by Django
    response["Content-Disposition"] = content_disposition_header(as_attachment, filename)
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = CACHE_CONTROL
    patch_vary_headers(response, ("Cookie", "Authorization"))
    return response


def _attachment(request, pk) -> Attachment:
    """An attachment of a premises the user may see (live premises only), or a photo
    taken while declaring, of a declaration item the user may see, not yet on a premises."""
    user = requester(request)
    visible = Q(premises__in=Premises.objects.visible_to(user)) | Q(
        premises__isnull=True, item__in=DeclarationItem.objects.visible_to(user)
    )
    return get_object_or_404(Attachment.objects.filter(visible), pk=pk)


@require_safe
def attachment_file(request, pk):
    """A photo (shown in the browser) or a document (downloaded) of a premises."""
    attachment = _attachment(request, pk)
    return stored_file_response(
        attachment.file.name,
        filename=attachment.filename,
        content_type=attachment.content_type,
        as_attachment=attachment.kind != AttachmentKind.PHOTO,
    )


@require_safe
def attachment_thumbnail(request, pk):
    attachment = _attachment(request, pk)
    return stored_file_response(
        attachment.thumbnail.name,
        filename=posixpath.basename(attachment.thumbnail.name),
        content_type="image/jpeg",
        as_attachment=False,
    )


@require_safe
def decision_document(request, pk):
    """The signed decision (PDF) of a handling record, downloaded."""
    record = get_object_or_404(HandlingRecord.objects.visible_to(requester(request)), pk=pk)
    return stored_file_response(
        record.decision_document.name,
        # Checked as a PDF on upload: downloaded as one, whatever name it came with.
        filename=posixpath.splitext(posixpath.basename(record.decision_document.name))[0] + ".pdf",
        content_type="application/pdf",
        as_attachment=True,
    )


@require_safe
def revaluation_document(request, pk):
    """The appraisal document (PDF) of a revaluation, to those who may see its record."""
    user = requester(request)
    visible = Q(asset__in=Asset.objects.visible_to(user)) | Q(house__premises__in=Premises.objects.visible_to(user))
    revaluation = get_object_or_404(Revaluation.objects.filter(visible).exclude(document=""), pk=pk)
    return stored_file_response(
        revaluation.document.name,
        filename=posixpath.splitext(posixpath.basename(revaluation.document.name))[0] + ".pdf",
        content_type="application/pdf",
        as_attachment=True,
    )


@require_safe
def rejected_workbook(request, token):
    """The rejected rows of the user's own last workbook upload, downloaded."""
    name = rejected_rows.name_for(requester(request), token)
    if name is None:
        raise Http404
    return stored_file_response(name, filename="dong-bi-tu-choi.xlsx", content_type=XLSX, as_attachment=True)
