"""HTTP Basic with a user's GIS password, accepted on /ogc/ only.

QGIS 3.22's OAPIF provider sends no custom header and authenticates only through its auth
manager, whose methods include HTTP Basic; so /ogc/ accepts `Authorization: Basic` with
the user name and the user's GIS password (`inventory.services.tokens`, made on the account page). The
login password is never accepted here. With `GIS_PASSWORD_HTTPS_ONLY` (on unless DEBUG) the
credential is refused over plain HTTP, so it only ever travels encrypted."""

import base64
import binascii

from django.conf import settings
from django.utils.translation import gettext as _
from rest_framework import authentication, exceptions

from inventory.services.tokens import gis_password_user

REALM = "OGC API - Features (GIS password)"


class GisBasicAuthentication(authentication.BaseAuthentication):
    def authenticate(self, request):
        header = authentication.get_authorization_header(request).split()
        if not header or header[0].lower() != b"basic":
            return None
        if len(header) != 2:
            raise exceptions.AuthenticationFailed(_("Invalid Basic header."))
        if settings.GIS_PASSWORD_HTTPS_ONLY and not request.is_secure():
            raise exceptions.AuthenticationFailed(_("The GIS password is only accepted over HTTPS."))
        try:
            username, _sep, secret = base64.b64decode(header[1], validate=True).decode("utf-8").partition(":")
        except (binascii.Error, UnicodeDecodeError, ValueError):
            raise exceptions.AuthenticationFailed(_("Invalid Basic header.")) from None
        user = gis_password_user(username, secret)
        if user is None:
            raise exceptions.AuthenticationFailed(_("Wrong user name or GIS password."))
        return (user, None)

    def authenticate_header(self, request):
        return f'Basic realm="{REALM}", charset="UTF-8"'
