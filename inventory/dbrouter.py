"""Reads on a streaming replica (docs/scaling.md, "Reads on a replica").

With DATABASE_REPLICA_URL set there is a `replica` database alias. Safe requests (GET,
HEAD) to the API, the maps, the reports and the exports read from it; every write, and
every read of every other page, goes to the primary. A user who has just written (any
unsafe request) carries a cookie with the time of that write, and reads the primary until
REPLICA_PIN_SECONDS have passed, so they always see their own write even while the standby
lags. Without the alias nothing changes: one database, as before."""

import contextvars
import time

from django.conf import settings
from django.db import connections

REPLICA = "replica"
PIN_COOKIE = "primary_pin"
READ_PATHS = ("/api/", "/maps/", "/reports/", "/ogc/")
SAFE_METHODS = ("GET", "HEAD", "OPTIONS")

_use_replica: contextvars.ContextVar[bool] = contextvars.ContextVar("use_replica", default=False)


def replica_configured() -> bool:
    return REPLICA in connections.settings


class ReplicaRouter:
    """Reads to the replica while a request allows it; writes always to the primary."""

    def db_for_read(self, model, **hints):
        if _use_replica.get() and replica_configured():
            return REPLICA
        return "default"

    def db_for_write(self, model, **hints):
        return "default"

    def allow_relation(self, obj1, obj2, **hints):
        return True  # the replica is a copy of the primary

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        return db != REPLICA


def pinned(request) -> bool:
    """Whether the request comes from a user who wrote less than REPLICA_PIN_SECONDS ago."""
    try:
        written = float(request.COOKIES.get(PIN_COOKIE, ""))
    except ValueError:
        return False
    return 0 <= time.time() - written < settings.REPLICA_PIN_SECONDS


def reads_replica(request) -> bool:
    return (
        replica_configured()
        and request.method in SAFE_METHODS
        and request.path.startswith(READ_PATHS)
        and not pinned(request)
    )


class ReplicaMiddleware:
    """Lets the router send this request's reads to the replica, and pins a writer to the
    primary for a while (a cookie with the time of the write)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = _use_replica.set(reads_replica(request))
        try:
            response = self.get_response(request)
        finally:
            _use_replica.reset(token)
        if request.method not in SAFE_METHODS and replica_configured():
            response.set_cookie(
                PIN_COOKIE,
                f"{time.time():.3f}",
                max_age=settings.REPLICA_PIN_SECONDS,
                httponly=True,
                samesite="Lax",
                secure=request.is_secure(),
            )
        return response
