"""The rejected rows of a workbook upload, kept as a workbook for the user who uploaded
it: stored under a random token only that user is given, and served only to that user
(`inventory.views.files.rejected_workbook`). The upload page and the background import
keep them the same way."""

import re
import secrets

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage

from inventory.services import excel

DIRECTORY = "imports/rejected"
TOKEN = re.compile(r"[0-9a-f]{16,64}")


def stored_name(user_pk: int, token: str) -> str:
    """Where the rejected rows of a user's upload are kept: only that user can name it."""
    return f"{DIRECTORY}/{user_pk}-{token}.xlsx"


def keep(user, result: excel.ImportResult) -> str | None:
    """Store the rejected rows of an import that wrote the others (declared data, kept
    for the declarant to correct) and return the token that names them; None when there
    is nothing to keep (no row rejected, or nothing written: the page lists the errors)."""
    if not (result.rejected_rows and result.written):
        return None
    token = secrets.token_hex(16)
    default_storage.save(stored_name(user.pk, token), ContentFile(excel.rejected_workbook(result)))
    return token


def name_for(user, token: str) -> str | None:
    """The stored name of `user`'s rejected rows under `token`; None for anyone
    anonymous or a token that is not one of ours."""
    if not user.is_authenticated or not TOKEN.fullmatch(token):
        return None
    return stored_name(user.pk, token)
