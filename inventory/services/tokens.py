"""The credentials a program uses instead of a login, each issued, revoked and checked
only here (by the account page, the admin, `manage.py api_token` and the /ogc/
authentication alike):

- the API token (Django REST framework's `Token`): one per user;
- the GIS password (`GisPassword`): HTTP Basic on /ogc/ only, made by the server, shown
  once, only its keyed hash kept.

Issuing a new one of either stops the previous one working."""

import hashlib
import hmac
import secrets

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from rest_framework.authtoken.models import Token

from inventory.models import GisPassword

# -- API tokens -----------------------------------------------------------------------


@transaction.atomic
def issue_token(user) -> Token:
    """A new token for `user`; any previous one stops working."""
    Token.objects.filter(user=user).delete()
    return Token.objects.create(user=user)


def revoke_token(user) -> bool:
    """Revoke `user`'s token; False when there was none."""
    return Token.objects.filter(user=user).delete()[0] > 0


def token_of(user) -> Token | None:
    return Token.objects.filter(user=user).first()


# -- GIS passwords --------------------------------------------------------------------


def _digest(secret: str) -> str:
    """A keyed SHA-256 of the secret. The secret is 32 random characters made by the server
    (about 190 bits), so a fast keyed hash is as safe as a slow password hash and costs
    nothing on each of the many requests a GIS client makes (a PBKDF2 check would cost
    about a third of a second each)."""
    return hmac.new(settings.SECRET_KEY.encode(), secret.encode(), hashlib.sha256).hexdigest()


@transaction.atomic
def issue_gis_password(user) -> str:
    """A new GIS password for `user` (returned once, never stored); any earlier one stops working."""
    secret = secrets.token_urlsafe(24)
    revoke_gis_password(user)
    GisPassword.objects.create(user=user, digest=_digest(secret))
    return secret


def revoke_gis_password(user) -> int:
    """Revoke `user`'s live GIS password; the number revoked (0 when there was none)."""
    return GisPassword.objects.filter(user=user).active().update(revoked_at=timezone.now())


def gis_password_of(user) -> GisPassword | None:
    """`user`'s live GIS password (its dates; the secret itself is not kept)."""
    return GisPassword.objects.filter(user=user).active().first()


def gis_password_user(username: str, secret: str):
    """The active user whose live GIS password `secret` is, with that user name; or None.
    Marks the password as used."""
    if not secret or len(secret) > 200:
        return None
    row = GisPassword.objects.active().select_related("user").filter(digest=_digest(secret)).first()
    if row is None or not row.user.is_active or not hmac.compare_digest(row.user.username, username):
        return None
    GisPassword.objects.filter(pk=row.pk).update(last_used_at=timezone.now())
    return row.user
