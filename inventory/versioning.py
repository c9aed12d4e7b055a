"""No lost updates: a change carries the version of the record it was based on; if the
record has changed since, the change is refused and nothing is overwritten. The conflict
shows the other person's change (from history) beside the refused one."""

from dataclasses import dataclass, field

from django.db import transaction
from django.utils.translation import gettext as _

from inventory.history import event_values, with_actors


class StaleVersion(Exception):
    """The record changed after the form (or API call) was based on it."""

    def __init__(self, record, expected: int):
        super().__init__(
            _("%(record)s was changed by someone else (version %(current)s; yours was %(expected)s).")
            % {"record": record, "current": record.version, "expected": expected}
        )
        self.record = record
        self.expected = expected


def parse_version(value) -> int | None:
    """A version from a form field, an If-Match header ("3" or W/"3") or a body; None if absent."""
    if value in (None, ""):
        return None
    text = str(value).strip()
    if text.startswith("W/"):
        text = text[2:]
    text = text.strip('"')
    return int(text) if text.isdigit() else -1  # -1: matches no version


def lock(model, pk, expected: int | None):
    """The record, locked for this transaction; StaleVersion if `expected` is given and
    is not its version."""
    assert transaction.get_connection().in_atomic_block, "lock() inside transaction.atomic"
    record = model._base_manager.select_for_update().get(pk=pk)
    if expected is not None and expected != record.version:
        raise StaleVersion(record, expected)
    return record


@dataclass
class Conflict:
    """What a conflict page shows: the record then and now, who changed it, and what
    the refused change wanted."""

    record: object
    expected: int
    rows: list = field(default_factory=list)  # (field label, then, now, yours, changed by them, differs from yours)
    changes: list = field(default_factory=list)  # history events since `expected`


def describe(error: StaleVersion, yours: dict | None = None, labels: dict | None = None) -> Conflict:
    """The record at the version the change was based on, now, and the refused change
    (`yours`: field → value), from the record's history."""
    record = error.record
    events = type(record).events.rel.related_model.objects.filter(pgh_obj_id=record.pk)
    then_event = events.filter(version=error.expected).order_by("-pgh_id").first()
    since = with_actors(events.filter(version__gt=error.expected).select_related("pgh_context").order_by("pgh_id"))
    now_event = events.order_by("-pgh_id").first()
    then = event_values(then_event) if then_event else {}
    now = event_values(now_event) if now_event else {}
    yours = yours or {}
    labels = labels or {}
    rows = []
    for name in sorted(set(now) | set(yours)):
        if name in ("id", "version", "created_at", "remaining_value", "valuation_date"):
            continue
        before, after = then.get(name), now.get(name)
        mine = yours.get(name, after)
        if before != after or (name in yours and _text(mine) != _text(after)):
            rows.append((labels.get(name, name), before, after, mine, before != after, _text(mine) != _text(after)))
    return Conflict(record=record, expected=error.expected, rows=rows, changes=since)


def _text(value) -> str:
    return "" if value is None else str(value)
