"""Starting a siting study's ranking as a background job (maps.jobs)."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect
from django.views.decorators.http import require_POST

from inventory.permissions import can_review
from maps.jobs import start_siting
from maps.models import SitingStudy


@login_required
@require_POST
def siting_background(request, pk):
    if not can_review(request.user):
        raise PermissionDenied
    study = get_object_or_404(SitingStudy, pk=pk)
    return redirect("inventory:job_detail", start_siting(request.user, study).pk)
