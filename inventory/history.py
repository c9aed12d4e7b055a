"""History context helpers."""

import functools

import pghistory


def history_context(**metadata):
    """Run the decorated function inside a fresh `pghistory.context(**metadata)`.

    pghistory's context object keeps state between enter and exit, so one instance used
    as a decorator is shared by every call: nested inside a request's context it would
    end that context on exit. This makes a new one for each call."""

    def decorator(func):
        @functools.wraps(func)
        def wrapper(*args, **kwargs):
            with pghistory.context(**metadata):
                return func(*args, **kwargs)

        return wrapper

    return decorator


def with_actors(events) -> list:
    """History events with `.actor`: the user's name from the event's context, else the
    command that made it, else "—"."""
    from inventory.models import User

    events = list(events)
    user_ids = {
        e.pgh_context.metadata.get("user") for e in events if e.pgh_context_id and e.pgh_context.metadata.get("user")
    }
    names = {u.pk: u.get_full_name() or u.username for u in User.objects.filter(pk__in=user_ids)}
    for e in events:
        metadata = e.pgh_context.metadata if e.pgh_context_id else {}
        e.actor = names.get(metadata.get("user")) or metadata.get("command") or "—"
    return events
