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
