"""Working without a signal: the service worker and the outbox page (docs/declarations.md,
"Offline")."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from inventory.views.common import require_declarant


@require_safe
@never_cache
def service_worker(request):
    """The service worker, at the site's root so that it can serve every page it caches
    (Workbox, vendored at set-up, is loaded from our static files)."""
    response = render(request, "inventory/offline/service-worker.js", content_type="text/javascript; charset=utf-8")
    response["Service-Worker-Allowed"] = "/"
    return response


@login_required
def outbox(request):
    """What the phone keeps: drafts waiting, sent and in conflict (listed by
    static/js/offline.js from IndexedDB), a "send now" button."""
    require_declarant(request.user)
    return render(request, "inventory/offline/outbox.html")
