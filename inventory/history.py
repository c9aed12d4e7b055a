"""History: context helpers, reading events, and a record's changes as its history tab shows them."""

import datetime as dt
import functools
import json
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

import pghistory
from django.contrib.gis.geos import GEOSGeometry
from django.db.models import FileField, OuterRef, Subquery
from django.db.models.fields.files import FieldFile
from django.utils import formats, timezone
from django.utils.translation import gettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from inventory.text import number_text


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
    """History events with `.actor`: the user's name from the event's context, else
    "system (the command that made it)", else "—"."""
    from inventory.models import User

    events = list(events)
    user_ids = {
        e.pgh_context.metadata.get("user") for e in events if e.pgh_context_id and e.pgh_context.metadata.get("user")
    }
    names = {u.pk: u.get_full_name() or u.username for u in User.objects.filter(pk__in=user_ids)}
    for e in events:
        metadata = e.pgh_context.metadata if e.pgh_context_id else {}
        command = metadata.get("command")
        e.actor = names.get(metadata.get("user")) or (
            _("system (%(command)s)") % {"command": command} if command else "—"
        )
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


# -- a record's history as people read it (the history tab of each record's page) --------------

# Columns that say nothing to a reader (the counter, timestamps the event carries anyway,
# the demo flag, the id) or must not be shown (a user's password hash).
UNSHOWN_FIELDS = frozenset({"id", "version", "created_at", "updated_at", "is_demo", "password", "last_login"})


def action_labels() -> dict:
    """What happened, as the pages say it (pghistory's labels are insert/update/delete)."""
    return {
        "insert": pgettext_lazy("history", "created"),
        "update": pgettext_lazy("history", "changed"),
        "delete": pgettext_lazy("history", "deleted"),
    }


@dataclass
class FieldChange:
    """One field of a record, before and after an event, in words."""

    label: str
    before: str
    after: str


@dataclass
class Change:
    """One event of a record: when, what happened, who, and the fields it changed."""

    when: dt.datetime
    action: str
    actor: str
    fields: list[FieldChange]


def shown_fields(event_model) -> list:
    """The fields of an event model a reader sees, in the model's order."""
    return [
        f for f in event_model._meta.concrete_fields if not f.name.startswith("pgh_") and f.name not in UNSHOWN_FIELDS
    ]


def _related_names(events, fields) -> dict:
    """{(model, id): text} for every foreign key value in the events, one query per model."""
    from inventory.models import User

    wanted = defaultdict(set)
    for field in fields:
        if field.is_relation:
            for e in events:
                value = getattr(e, field.attname)
                if value is not None:
                    wanted[field.related_model].add(value)
    names = {}
    for model, ids in wanted.items():
        for pk, obj in model._base_manager.in_bulk(ids).items():
            text = (obj.get_full_name() or obj.username) if isinstance(obj, User) else str(obj)
            names[(model, pk)] = text
    return names


def display_value(field, value, names: dict) -> str:
    """A stored value as the pages write it: choice labels, names of related records,
    Vietnamese numbers and dates, "—" for nothing."""
    if value is None or value == "":
        return "—"
    if field.is_relation:
        return names.get((field.related_model, value), f"#{value}")
    if field.choices:
        return str(dict(field.flatchoices).get(value, value))
    if isinstance(value, FieldFile) or (isinstance(field, FileField) and not isinstance(value, bool)):
        name = value.name if isinstance(value, FieldFile) else value
        return name.rsplit("/", 1)[-1] if name else "—"
    return _value_text(value, field.name)


def _value_text(value, field_name: str) -> str:
    """A value by its type: yes/no, a point's coordinates, a date, a number, JSON."""
    if isinstance(value, bool):
        return str(_("yes") if value else _("no"))
    if isinstance(value, GEOSGeometry):
        if value.geom_type == "Point":
            return f"{value.y:.6f}, {value.x:.6f}"
        return str(_("a shape on the map"))
    if isinstance(value, dt.datetime):
        return formats.date_format(timezone.localtime(value), "DATETIME_FORMAT")
    if isinstance(value, dt.date):
        return formats.date_format(value, "SHORT_DATE_FORMAT")
    if isinstance(value, Decimal | int):
        return number_text(value, field_name)
    if isinstance(value, dict | list):
        return json.dumps(value, ensure_ascii=False)
    return str(value)


def field_label(field) -> str:
    """A field's label in the reader's language; a label given without gettext (a model
    field with no verbose name) is still looked up in the catalogue."""
    return gettext(str(field.verbose_name))


def field_changes(event, previous, fields, names) -> list[FieldChange]:
    """What `event` changed against the record's `previous` event (None: a creation, or
    the first event known), in words; a creation lists the values it was made with."""
    rows = []
    for field in fields:
        after = getattr(event, field.attname)
        if event.pgh_label == "insert" or previous is None:
            if after in (None, "") or after is False:
                continue
            rows.append(FieldChange(field_label(field), "—", display_value(field, after, names)))
            continue
        before = getattr(previous, field.attname)
        if event.pgh_label == "update" and before != after:
            rows.append(
                FieldChange(
                    field_label(field), display_value(field, before, names), display_value(field, after, names)
                )
            )
    return rows


def _change(event, previous, fields, names) -> Change:
    action = str(action_labels().get(event.pgh_label, event.pgh_label))
    return Change(event.pgh_created_at, action, event.actor, field_changes(event, previous, fields, names))


def record_changes(record, limit: int = 200) -> list[Change]:
    """The record's events, newest first (at most `limit`), each with the fields it
    changed, before and after, in words."""
    # One more than shown: the base against which the oldest shown one is compared.
    events = list(record.events.select_related("pgh_context").order_by("-pgh_id")[: limit + 1])
    events.reverse()
    fields = shown_fields(type(record).events.rel.related_model)
    names = _related_names(events, fields)
    with_actors(events)
    base = events.pop(0) if len(events) > limit else None
    changes = []
    for event in events:
        changes.append(_change(event, base, fields, names))
        base = event
    changes.reverse()
    return changes


def describe_events(events) -> list[Change]:
    """Events of any tracked models (as a list of recent changes shows them), each with
    its record (`change.event`) and the fields it changed: one query per model for the
    events before them and one per related model for names."""
    by_model = defaultdict(list)
    for event in events:
        by_model[type(event)].append(event)
    with_actors(events)
    described = {}
    for model, group in by_model.items():
        fields = shown_fields(model)
        previous = previous_events(group)
        names = _related_names([*group, *filter(None, previous.values())], fields)
        for event in group:
            change = _change(event, previous.get(event.pgh_id), fields, names)
            change.event = event
            described[(model, event.pgh_id)] = change
    return [described[(type(e), e.pgh_id)] for e in events]


def record_as_of(record, as_of: dt.date) -> list[tuple[str, str]] | None:
    """The record's fields as they stood at the end of `as_of` ([(label, value)]), from
    the same history rows as the reports and the API's ?as_of= (reports.as_of_rows);
    None when it did not exist then (or had been deleted)."""
    from inventory.reports import as_of_rows

    event = as_of_rows(type(record), as_of).filter(pgh_obj_id=record.pk).first()
    if event is None:
        return None
    fields = shown_fields(type(event))
    names = _related_names([event], fields)
    return [(field_label(f), display_value(f, getattr(event, f.attname), names)) for f in fields]
