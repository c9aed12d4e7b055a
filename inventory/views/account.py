"""The user's own page: who they are, and their API token (made and revoked here)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from rest_framework.authtoken.models import Token


@login_required
def account(request):
    token = Token.objects.filter(user=request.user).first()
    return render(request, "inventory/account.html", {"token": token})


@login_required
@require_POST
def token_create(request):
    """A new token; any previous one stops working."""
    Token.objects.filter(user=request.user).delete()
    Token.objects.create(user=request.user)
    messages.success(request, _("A new API token was made; the previous one no longer works."))
    return redirect("inventory:account")


@login_required
@require_POST
def token_revoke(request):
    Token.objects.filter(user=request.user).delete()
    messages.success(request, _("The API token was revoked."))
    return redirect("inventory:account")
