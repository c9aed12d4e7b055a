"""Pages of the inventory app."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from inventory.services import dashboard_totals


@login_required
def home(request):
    """The first page after login: who you are, where you can go, and real totals
    over what you may see."""
    return render(request, "inventory/home.html", {"totals": dashboard_totals(request.user)})
