"""Request middleware of the inventory."""

from pghistory.middleware import HistoryMiddleware as BaseHistoryMiddleware


class HistoryMiddleware(BaseHistoryMiddleware):
    """Every history event written during a request records who (user), where in the
    application (url) and from where (client address) — DESIGN §3, History."""

    def get_context(self, request):
        context = super().get_context(request)
        context["ip"] = request.META.get("REMOTE_ADDR")
        return context
