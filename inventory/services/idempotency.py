"""Exactly once: a write sent with an `Idempotency-Key` runs once per user and key.

The key is claimed (a row under a unique constraint) in the same transaction as the
write, before it: a second copy arriving meanwhile waits on the constraint until the
first commits, then finds its answer. A write that fails with an error (5xx, an
exception) rolls the claim back with everything else, so the key can be tried again;
every other answer (201, 400, 412 …) is kept and given back to a replay."""

import hashlib
import json
import re
from collections.abc import Callable

from django.db import connection, transaction
from django.utils.translation import gettext as _
from rest_framework import status
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response

from inventory.models import IdempotentRequest

HEADER = "Idempotency-Key"
KEY = re.compile(r"[A-Za-z0-9_.:-]{8,100}")


def fingerprint(request) -> str:
    """SHA-256 of what the request asks for: method, path, `If-Match`, the fields (in
    a fixed order, whatever the multipart boundary) and the contents of the files."""
    digest = hashlib.sha256()

    def part(value) -> None:
        data = value if isinstance(value, bytes) else str(value).encode()
        digest.update(len(data).to_bytes(8, "big") + data)

    part(request.method)
    part(request.path)
    part(request.headers.get("If-Match", ""))
    data = request.data
    if hasattr(data, "lists"):
        fields = sorted((k, v) for k, values in data.lists() if k not in request.FILES for v in values)
        part(json.dumps(fields))
    else:
        part(json.dumps(data, sort_keys=True, default=str))
    for name in sorted(request.FILES):
        for upload in request.FILES.getlist(name):
            file_digest = hashlib.sha256()
            for chunk in upload.chunks():
                file_digest.update(chunk)
            upload.seek(0)
            part(name)
            part(file_digest.hexdigest())
    return digest.hexdigest()


def once(request, run: Callable[[], Response]) -> Response:
    """The answer of `run()`, or, for a key this user already sent, the first answer
    (422 if the key came with another request). Without the header, `run()` as is."""
    key = request.headers.get(HEADER)
    if key is None:
        return run()
    if not KEY.fullmatch(key):
        return Response(
            {"detail": _("The Idempotency-Key must be 8 to 100 letters, digits or - _ . :")},
            status=status.HTTP_400_BAD_REQUEST,
        )
    print_ = fingerprint(request)
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute(
                "INSERT INTO inventory_idempotentrequest (user_id, key, fingerprint, created_at) "
                "VALUES (%s, %s, %s, now()) ON CONFLICT (user_id, key) DO NOTHING RETURNING id",
                [request.user.pk, key, print_],
            )
            claimed = cursor.fetchone()
        if claimed is None:
            first = IdempotentRequest.objects.get(user=request.user, key=key)
            if first.fingerprint != print_:
                return Response(
                    {"detail": _("This Idempotency-Key was already used for another request.")},
                    status=status.HTTP_422_UNPROCESSABLE_ENTITY,
                )
            response = Response(first.response, status=first.status_code)
            response["Idempotent-Replayed"] = "true"
            return response
        response = run()
        if response.status_code >= 500:
            transaction.set_rollback(True)
            return response
        IdempotentRequest.objects.filter(pk=claimed[0]).update(
            status_code=response.status_code, response=json.loads(JSONRenderer().render(response.data) or b"null")
        )
        return response
