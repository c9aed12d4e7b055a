"""The user's own page: who they are, and their API token (made and revoked here)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from inventory.services.tokens import issue_token, revoke_token, token_of


@login_required
def account(request):
    token = token_of(request.user)
    return render(request, "inventory/account.html", {"token": token})


@login_required
@require_POST
def token_create(request):
    """A new token; any previous one stops working."""
    issue_token(request.user)
    messages.success(request, _("A new API token was made; the previous one no longer works."))
    return redirect("inventory:account")


@login_required
@require_POST
def token_revoke(request):
    revoke_token(request.user)
    messages.success(request, _("The API token was revoked."))
    return redirect("inventory:account")
