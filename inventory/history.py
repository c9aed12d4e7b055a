"""History: context helpers and reading events."""

import datetime as dt
import functools
import json
from decimal import Decimal

import pghistory
from django.contrib.gis.geos import GEOSGeometry
from django.db.models import OuterRef, Subquery
from django.db.models.fields.files import FieldFile


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


def event_values(event) -> dict:
    """The tracked record's values in a history event, as JSON-ready values (ids for
    foreign keys, GeoJSON for geometries, text for decimals and dates)."""
    values = {}
    for field in event._meta.concrete_fields:
        if field.name.startswith("pgh_") or field.name in ("updated_at",):
            continue
        value = getattr(event, field.attname)
        if isinstance(value, FieldFile):
            value = value.name or None
        elif isinstance(value, GEOSGeometry):
            value = json.loads(value.geojson)
        elif isinstance(value, Decimal | dt.date | dt.datetime):
            value = value.isoformat() if not isinstance(value, Decimal) else str(value)
        values[field.attname.removesuffix("_id") if field.is_relation else field.attname] = value
    return values


def previous_events(events) -> dict:
    """For each update event, the event of the same record just before it: {pgh_id: event}."""
    events = [e for e in events if e.pgh_label == "update"]
    if not events:
        return {}
    model = type(events[0])
    before = (
        model.objects.filter(pgh_obj_id=OuterRef("pgh_obj_id"), pgh_id__lt=OuterRef("pgh_id"))
        .order_by("-pgh_id")
        .values("pgh_id")[:1]
    )
    pairs = dict(
        model.objects.filter(pgh_id__in=[e.pgh_id for e in events])
        .annotate(before=Subquery(before))
        .values_list("pgh_id", "before")
    )
    previous = model.objects.in_bulk([p for p in pairs.values() if p])
    return {pgh_id: previous.get(before_id) for pgh_id, before_id in pairs.items()}
