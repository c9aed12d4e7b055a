"""The user's own page: who they are, their API token and their GIS password (made and
revoked here)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from inventory.services import tokens


@login_required
def account(request):
    return _page(request)


def _page(request, new_gis_password=None):
    gis_password = tokens.gis_password_of(request.user)
    return render(
        request,
        "inventory/account.html",
        {"token": tokens.token_of(request.user), "gis_password": gis_password, "new_gis_password": new_gis_password},
    )


@login_required
@require_POST
def token_create(request):
    """A new token; any previous one stops working."""
    tokens.issue_token(request.user)
    messages.success(request, _("A new API token was made; the previous one no longer works."))
    return redirect("inventory:account")


@login_required
@require_POST
def token_revoke(request):
    tokens.revoke_token(request.user)
    messages.success(request, _("The API token was revoked."))
    return redirect("inventory:account")


@login_required
@require_POST
def gis_password_create(request):
    """A new GIS password, shown on this one response only (only its hash is kept); any
    previous one stops working."""
    secret = tokens.issue_gis_password(request.user)
    response = _page(request, new_gis_password=secret)
    response["Cache-Control"] = "no-store"
    return response


@login_required
@require_POST
def gis_password_revoke(request):
    tokens.revoke_gis_password(request.user)
    messages.success(request, _("The GIS password was revoked."))
    return redirect("inventory:account")
