"""Where uploaded files are kept: under MEDIA_ROOT, each in a folder named by a random
token, so that no stored name can be guessed from a record's id or the uploader's file
name. Nothing serves MEDIA_ROOT directly: files are read only through the scoped views
of `inventory.views.files`."""

import posixpath
import secrets

from django.core.files.storage import FileSystemStorage

# 128 random bits, URL- and file-name-safe.
TOKEN_BYTES = 16


def unguessable_name(name: str) -> str:
    """`premises/7/photo/mat-tien.jpg` → `premises/7/photo/<random token>/mat-tien.jpg`:
    the folder says what the file is, the token makes the full name unguessable, and the
    file keeps its own name for downloads."""
    folder, base = posixpath.split(name)
    return posixpath.join(folder, secrets.token_urlsafe(TOKEN_BYTES), base)


class PrivateFileStorage(FileSystemStorage):
    """The default storage: every file field (photos, documents, decision documents, and
    whatever is added later) gets an unguessable name, whatever its `upload_to`."""

    def generate_filename(self, filename):
        return unguessable_name(super().generate_filename(filename))
