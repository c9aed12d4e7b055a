"""Progress reports (DESIGN §4; Công điện 213/CĐ-TTg asks provinces to report weekly):
surplus houses and land by form of handling, by priority use, by new commune and by
former district (number, land and floor area; handled, pending, overdue), and the asset
summary by commune and asset class.

Every report can be read as of a past date: the records are then their last history
event before the end of that day (`as_of_rows`), so a report made today for last Friday
gives last Friday's figures. Live and past reports go through the same code: the event
tables carry the same columns as the records.
"""

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, Max, Q, QuerySet, Sum
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from inventory.choices import (
    HANDLING_DONE,
    PLAN_PREMISES_STATUSES,
    SURPLUS_POOL_STATUSES,
    HandlingStatus,
    PremisesStatus,
    SitePlanStatus,
    UnitLevel,
)
from inventory.models import (
    AdministrativeUnit,
    Asset,
    AssetClass,
    HandlingForm,
    HandlingRecord,
    Premises,
    PriorityUse,
    SitePlan,
)
from inventory.models.handling import overdue_at
from inventory.querysets import history_visible_to

PREMISES_COLUMNS = (
    "id",
    "province_id",
    "status",
    "land_area",
    "floor_area",
    "surplus_floor_area",
    "admin_unit_id",
    "legacy_unit_id",
)
HANDLING_COLUMNS = (
    "id",
    "premises_id",
    "status",
    "form_id",
    "priority_use_id",
    "decision_due",
    "deadline",
    "accounts_due",
    "decision_id",
    "temporary_handover",
    "created_at",
)


def is_overdue(status: str, decision_due, deadline, today: dt.date, accounts_due=None, awaiting=False) -> bool:
    """Past the deadline of the step a handling line waits for (the one rule,
    `inventory.models.handling.overdue_at`, for records and their history)."""
    return overdue_at(status, decision_due, deadline, accounts_due, awaiting, today)


def parse_as_of(text: str | None) -> dt.date | None:
    """The day of an `as_of` parameter (YYYY-MM-DD), None when not given; ValueError with
    a translated message for a malformed or future date. Used by the pages and the API."""
    text = (text or "").strip()
    if not text:
        return None
    try:
        value = dt.date.fromisoformat(text)
    except ValueError:
        raise ValueError(_("The date must be written as YYYY-MM-DD.")) from None
    if value > timezone.localdate():
        raise ValueError(_("A report cannot be made for a future date."))
    return value


def as_of_rows(model, as_of: dt.date) -> QuerySet:
    """The rows of `model` as they stood at the end of `as_of`, from history: each
    object's last event of that day or before, unless that event is its deletion.
    The result has the model's columns (it is a queryset of its event model)."""
    return rows_before(model, timezone.make_aware(dt.datetime.combine(as_of + dt.timedelta(days=1), dt.time.min)))


def rows_before(model, cutoff: dt.datetime, province=None) -> QuerySet:
    """The rows of `model` as they stood just before the moment `cutoff` (see `as_of_rows`);
    of one province (its id) if given: only that province's history is read."""
    events = model.events.rel.related_model
    history = events.objects.filter(province_id=province) if province else events.objects.all()
    latest = (
        history.filter(pgh_created_at__lt=cutoff)
        .order_by("pgh_obj_id", "-pgh_id")
        .distinct("pgh_obj_id")
        .values("pgh_id")
    )
    rows = events.objects.filter(pgh_id__in=latest).exclude(pgh_label="delete")
    if any(f.name == "deleted_at" for f in events._meta.fields):
        rows = rows.filter(deleted_at__isnull=True)  # soft-deleted by then
    return rows


# A report page shows this many rows of a table (a national user's "by commune and asset
# class" has 3,321 communes × 16 classes); the .xlsx and .csv carry every row.
PAGE_ROWS = 500


@dataclass
class Table:
    """One table of a report: a title, column headings, rows and a total row."""

    key: str
    title: str
    columns: list[str]
    rows: list[list] = field(default_factory=list)
    total: list | None = None
    chart_column: int | None = None  # column drawn as bars beside the table

    @property
    def shown(self) -> list[list]:
        """The rows a page shows (the first `PAGE_ROWS`)."""
        return self.rows[:PAGE_ROWS]

    @property
    def not_shown(self) -> int:
        """How many rows the page leaves to the files."""
        return max(0, len(self.rows) - PAGE_ROWS)

    def bars(self):
        """(row, share of the largest value in the chart column) for the chart of the
        rows shown."""
        if self.chart_column is None:
            return []
        largest = max((row[self.chart_column] or 0 for row in self.rows), default=0) or 1
        return [(row, float((row[self.chart_column] or 0) / largest)) for row in self.shown]


@dataclass
class Report:
    title: str
    as_of: dt.date | None
    tables: list[Table]


REPORTS = {
    "surplus": gettext_lazy("Surplus houses and land: handling progress"),
    "assets": gettext_lazy("Assets by commune and asset class"),
}


def _premises_source(user, as_of):
    if as_of is None:
        return Premises.objects.visible_to(user), HandlingRecord.objects.visible_to(user)
    premises = history_visible_to(Premises, as_of_rows(Premises, as_of), user)
    handling = history_visible_to(HandlingRecord, as_of_rows(HandlingRecord, as_of), user)
    return premises, handling


def _province_names() -> dict:
    return dict(AdministrativeUnit.objects.filter(level=UnitLevel.PROVINCE).values_list("pk", "name"))


def _by_province(table: Table) -> list[Table]:
    """The national roll-up, one row per province: shown when the rows span several
    provinces (a national user's), left out for one province's."""
    return [table] if len(table.rows) > 1 else []


def _counts():
    return {
        "n": 0,
        "land": Decimal(0),
        "floor": Decimal(0),
        "done": 0,
        "pending": 0,
        "overdue": 0,
        "planned": 0,
        "no_site_plan": 0,
    }


def surplus_report(user, as_of: dt.date | None = None) -> Report:
    """Surplus houses and land: number, land and floor area by form of handling, by
    priority use, by new commune and by former district; handled vs pending; overdue."""
    today = as_of or timezone.localdate()
    premises_qs, handling_qs = _premises_source(user, as_of)
    premises = list(premises_qs.filter(status__in=SURPLUS_POOL_STATUSES).values(*PREMISES_COLUMNS))
    ids = {p["id"] for p in premises}
    # The current plan of each premises: its latest record that was not cancelled.
    plan = {}
    for record in (
        handling_qs.exclude(status=HandlingStatus.CANCELLED)
        .filter(premises_id__isnull=False)
        .values(*HANDLING_COLUMNS)
        .order_by("created_at", "id")
    ):
        if record["premises_id"] in ids:
            plan[record["premises_id"]] = record
    site_plans = (
        SitePlan.objects.visible_to(user)
        if as_of is None
        else history_visible_to(SitePlan, as_of_rows(SitePlan, as_of), user)
    )
    approved = set(site_plans.filter(status=SitePlanStatus.APPROVED).values_list("premises_id", flat=True))
    forms = {f.pk: f.name for f in HandlingForm.objects.order_by("sort_order")}
    uses = {u.pk: u.name for u in PriorityUse.objects.order_by("sort_order")}
    units = dict(AdministrativeUnit.objects.filter(level=UnitLevel.COMMUNE).values_list("pk", "name"))
    provinces = _province_names()
    district_of = dict(
        AdministrativeUnit.objects.filter(level=UnitLevel.LEGACY_COMMUNE).values_list("pk", "parent__name")
    )
    no_plan, no_use, no_district = _("No plan yet"), _("Not set"), _("No former commune recorded")

    groups = {key: defaultdict(_counts) for key in ("province", "form", "use", "unit", "district")}
    for p in premises:
        record = plan.get(p["id"])
        partly = p["status"] == PremisesStatus.PARTLY_SURPLUS
        floor = (p["surplus_floor_area"] if partly else p["floor_area"]) or Decimal(0)
        land = Decimal(0) if partly else (p["land_area"] or Decimal(0))
        done = p["status"] == PremisesStatus.HANDLED or (record is not None and record["status"] in HANDLING_DONE)
        overdue = record is not None and is_overdue(
            record["status"],
            record["decision_due"],
            record["deadline"],
            today,
            record.get("accounts_due"),
            bool(record.get("temporary_handover")) and record.get("decision_id") is None,
        )
        keys = {
            "province": provinces.get(p["province_id"], "?"),
            "form": forms.get(record["form_id"], no_plan) if record else no_plan,
            "use": uses.get(record["priority_use_id"], no_use) if record and record["priority_use_id"] else no_use,
            "unit": units.get(p["admin_unit_id"], "?"),
            "district": district_of.get(p["legacy_unit_id"]) or no_district,
        }
        for group, key in keys.items():
            c = groups[group][key]
            c["n"] += 1
            c["land"] += land
            c["floor"] += floor
            c["done" if done else "pending"] += 1
            c["overdue"] += overdue
            c["planned"] += record is not None
            c["no_site_plan"] += p["status"] in PLAN_PREMISES_STATUSES and p["id"] not in approved

    columns = [
        _("premises"),
        _("land area (m²)"),
        _("floor area (m²)"),
        _("with a plan"),
        _("handled"),
        _("pending"),
        _("overdue"),
        _("without an approved site plan"),
    ]

    def table(group, key, title, heading, order=None):
        data = groups[group]
        names = [name for name in (order or sorted(data)) if name in data]
        t = Table(key, title, [heading, *columns], chart_column=1)
        for name in names:
            c = data[name]
            t.rows.append(
                [
                    name,
                    *(c[k] for k in ("n", "land", "floor", "planned", "done", "pending", "overdue", "no_site_plan")),
                ]
            )
        t.total = [
            _("Total"),
            *(sum(row[i] for row in t.rows) for i in range(1, len(t.columns))),
        ]
        return t

    form_order = [*forms.values(), no_plan]
    use_order = [*uses.values(), no_use]
    return Report(
        title=str(REPORTS["surplus"]),
        as_of=as_of,
        tables=[
            *_by_province(table("province", "by_province", _("By province"), _("province"))),
            table("form", "by_form", _("By form of handling"), _("form of handling"), form_order),
            table("use", "by_priority_use", _("By priority use"), _("priority use"), use_order),
            table("unit", "by_commune", _("By commune (since 2025)"), _("commune")),
            table("district", "by_former_district", _("By former district"), _("former district")),
        ],
    )


def asset_report(user, as_of: dt.date | None = None) -> Report:
    """Asset lines by commune (of the holding agency) and asset class: lines, items,
    original cost and remaining value as booked (book values, never the recomputed check),
    and how much of it is surplus."""
    if as_of is None:
        assets = Asset.objects.visible_to(user)
    else:
        assets = history_visible_to(Asset, as_of_rows(Asset, as_of), user)
    rows = (
        assets.order_by()
        .values("province_id", "agency__admin_unit_id", "asset_class_id")
        .annotate(
            lines=Count("id"),
            items=Coalesce(Sum("quantity"), 0),
            cost=Coalesce(Sum("original_cost"), Decimal(0)),
            value=Coalesce(Sum("book_remaining_value"), Decimal(0)),
            surplus_items=Coalesce(Sum("quantity", filter=Q(status="surplus")), 0),
            surplus_value=Coalesce(Sum("book_remaining_value", filter=Q(status="surplus")), Decimal(0)),
        )
    )
    units = dict(AdministrativeUnit.objects.values_list("pk", "name"))
    classes = dict(AssetClass.objects.values_list("pk", "name"))
    columns = [
        _("commune or province"),
        _("asset class"),
        _("lines"),
        _("items"),
        _("original cost (VND)"),
        _("book remaining value (VND)"),
        _("surplus items"),
        _("book remaining value of surplus (VND)"),
    ]
    detail = Table("by_unit_class", _("By commune and asset class"), columns)
    by_class = defaultdict(lambda: [0, 0, Decimal(0), Decimal(0), 0, Decimal(0)])
    by_province = defaultdict(lambda: [0, 0, Decimal(0), Decimal(0), 0, Decimal(0)])
    provinces = _province_names()
    for r in rows:
        figures = [r["lines"], r["items"], r["cost"], r["value"], r["surplus_items"], r["surplus_value"]]
        detail.rows.append(
            [units.get(r["agency__admin_unit_id"], "?"), classes.get(r["asset_class_id"], "?"), *figures]
        )
        for totals in (
            by_class[classes.get(r["asset_class_id"], "?")],
            by_province[provinces.get(r["province_id"], "?")],
        ):
            for i, value in enumerate(figures):
                totals[i] += value
    detail.rows.sort(key=lambda row: (row[0], row[1]))
    summary = Table("by_class", _("By asset class"), [_("asset class"), *columns[2:]], chart_column=4)
    summary.rows = [[name, *values] for name, values in sorted(by_class.items())]
    national = Table("by_province", _("By province"), [_("province"), *columns[2:]], chart_column=4)
    national.rows = [[name, *values] for name, values in sorted(by_province.items())]
    for t in (national, summary, detail):
        first = 2 if t is detail else 1
        t.total = [
            _("Total"),
            *([""] * (first - 1)),
            *(sum(row[i] for row in t.rows) for i in range(first, len(t.columns))),
        ]
    return Report(title=str(REPORTS["assets"]), as_of=as_of, tables=[*_by_province(national), summary, detail])


BUILDERS = {"surplus": surplus_report, "assets": asset_report}


def build(name: str, user, as_of: dt.date | None = None) -> Report:
    return BUILDERS[name](user, as_of)


def last_change() -> dt.datetime | None:
    """When the figures last changed (the newest history event of a premises)."""
    events = Premises.events.rel.related_model
    return events.objects.aggregate(last=Max("pgh_created_at"))["last"]
