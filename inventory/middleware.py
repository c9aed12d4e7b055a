"""Request middleware of the inventory."""

import contextvars

from pghistory.middleware import HistoryMiddleware as BaseHistoryMiddleware


class HistoryMiddleware(BaseHistoryMiddleware):
    """Every history event written during a request records who (user), where in the
    application (url) and from where (client address) — DESIGN §3, History."""

    def get_context(self, request):
        context = super().get_context(request)
        context["ip"] = request.META.get("REMOTE_ADDR")
        return context


_current_request: contextvars.ContextVar = contextvars.ContextVar("current_request", default=None)


def current_csp_nonce() -> str:
    """The content-security-policy nonce of the request being served ("" outside one):
    for inline scripts rendered where the request is not at hand (form widgets)."""
    request = _current_request.get()
    return getattr(request, "csp_nonce", "") if request is not None else ""


class CurrentRequestMiddleware:
    """Makes the request reachable by `current_csp_nonce` while it is served."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = _current_request.set(request)
        try:
            return self.get_response(request)
        finally:
            _current_request.reset(token)
