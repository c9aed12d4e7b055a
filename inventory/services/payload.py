"""Declared values of a record as plain JSON (a declaration item's payload), and back.

One path for every way a declaration comes in — web forms, Excel rows — and for
applying it when it takes effect: `build()` turns a payload into an unsaved model
instance, `validate()` checks it with the model's own rules, `to_payload()` reads a
record back, `diff()` compares the two. Related records are named by their code, so a
payload reads the same in a workbook as on a page.
"""

from __future__ import annotations

import copy
import datetime as dt
import functools
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.conf import settings
from django.contrib.gis.db.models import Extent, GeometryField
from django.contrib.gis.db.models.functions import Distance
from django.contrib.gis.gdal import GDALException
from django.contrib.gis.geos import GEOSException, GEOSGeometry, Point, Polygon
from django.contrib.gis.measure import D
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F
from django.utils.translation import gettext as _

from inventory import fixed_assets, geodata
from inventory.choices import AssetCategory, ItemTarget, UnitLevel
from inventory.models import AdministrativeUnit, Agency, Asset, AssetClass, Need, Premises, PriorityUse
from inventory.text import number_text

MODELS = {ItemTarget.PREMISES: Premises, ItemTarget.ASSET: Asset, ItemTarget.NEED: Need}

# Fields a declarant gives, in the order of forms and workbook columns.
FIELDS = {
    ItemTarget.PREMISES: [
        "code",
        "name",
        "agency",
        "address",
        "location",
        "status",
        "condition",
        "land_area",
        "footprint_area",
        "floor_area",
        "surplus_floor_area",
        "floors",
        "building_grade",
        "year_built",
        "floor_load",
        "in_use_date",
        "original_cost",
        "book_remaining_value",
        "book_date",
        "land_use_office",
        "land_use_public_service",
        "land_use_housing",
        "land_use_leased",
        "land_use_vacant",
        "land_use_encroached",
        "land_use_other",
        "land_certificate",
        "is_flooded",
        "has_landslide",
        "storm_damaged",
        "notes",
    ],
    ItemTarget.ASSET: [
        "code",
        "name",
        "asset_class",
        "agency",
        "premises",
        "quantity",
        "unit_of_measure",
        "plate_number",
        "seats",
        "in_use_date",
        "original_cost",
        "book_remaining_value",
        "book_date",
        "condition",
        "status",
        "notes",
    ],
    ItemTarget.NEED: [
        "code",
        "agency",
        "kind",
        "asset_class",
        "floor_area",
        "quantity",
        "priority_use",
        "purpose",
        "urgency",
    ],
}
# Related records are referred to by code.
RELATED = {"agency": Agency, "asset_class": AssetClass, "premises": Premises, "priority_use": PriorityUse}


@functools.cache
def model_field(target: str, name: str) -> models.Field:
    return MODELS[target]._meta.get_field(name)


@functools.cache
def _blank(target: str):
    """A new instance with every default set, copied for each new record (cheaper than
    running the model's __init__ for every row of a workbook)."""
    return MODELS[target]()


@functools.cache
def _declared_fields(target: str) -> tuple[tuple[str, models.Field], ...]:
    return tuple((name, model_field(target, name)) for name in FIELDS[target])


@functools.cache
def _checked_fields(target: str) -> tuple[models.Field, ...]:
    """The declared fields whose values the model's field rules check (related records
    are resolved by build(); the code is checked for presence here and for uniqueness
    by the workflow)."""
    return tuple(
        model_field(target, name)
        for name in FIELDS[target]
        if not model_field(target, name).is_relation and name != "code"
    )


def _clean_fields(instance, target: str, errors: dict, memo: dict | None = None) -> None:
    """Model.clean_fields() for the declared fields, on values build() has already
    converted: required, choices and the field's validators (length, digits, range)."""
    for field_ in _checked_fields(target):
        value = getattr(instance, field_.attname)
        if value is None or value == "":
            if not field_.blank:
                errors.setdefault(field_.name, []).append(
                    str(field_.error_messages["blank" if value == "" else "null"])
                )
            continue
        if memo is not None and not isinstance(field_, GeometryField):
            key = ("check", id(field_), type(value), value)
            messages = memo.get(key)
            if messages is None:
                messages = memo[key] = _field_messages(field_, value, instance)
        else:
            messages = _field_messages(field_, value, instance)
        if messages:
            errors.setdefault(field_.name, []).extend(messages)


def _field_messages(field_: models.Field, value, instance) -> list[str]:
    try:
        field_.validate(value, instance)
        field_.run_validators(value)
    except ValidationError as exc:
        return exc.messages
    return []


def serialize(value):
    """A model value as JSON: decimals and dates as text, geometry as EWKT, records by code."""
    if value is None or isinstance(value, bool | int | str):
        return value
    if isinstance(value, Decimal):
        return format(value.normalize(), "f") if value == value.to_integral() else str(value)
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, GEOSGeometry):
        geodata.check_lonlat(value)  # GEOS's WKT writer must never see an unchecked coordinate
        return f"SRID={value.srid or 4326};{value.wkt}"
    if isinstance(value, models.Model):
        return value.code
    return str(value)


def to_payload(instance, target: str) -> dict:
    """The declared fields of a record, as a payload."""
    payload = {}
    for name in FIELDS[target]:
        field_ = model_field(target, name)
        if field_.is_relation:
            related_id = getattr(instance, field_.attname)
            payload[name] = serialize(getattr(instance, name)) if related_id else None
        else:
            payload[name] = serialize(getattr(instance, name))
    return payload


def payloads(queryset, target: str) -> dict[str, tuple[int, dict]]:
    """to_payload() for many records at once, {code: (pk, payload)}, from one values()
    query: no model instances for records that are only compared."""
    scalar = [n for n in FIELDS[target] if n not in RELATED]
    related = [n for n in FIELDS[target] if n in RELATED]
    rows = queryset.values("pk", *scalar, **{f"related_{n}": F(f"{n}__code") for n in related})
    result = {}
    for row in rows:
        payload = {n: serialize(row[n]) for n in scalar}
        payload.update({n: row[f"related_{n}"] for n in related})
        result[row["code"]] = (row["pk"], {n: payload[n] for n in FIELDS[target]})
    return result


# Related records a declaration may name only within its own unit: an agency or a
# premises of another commune is an unknown code to it. Lists (classes, uses) are shared.
UNIT_SCOPED = frozenset({"agency", "premises"})


@dataclass
class Lookups:
    """Related records by code, loaded once for many rows (Excel) or lazily (forms).

    `unit_id` is the administrative unit the declaration belongs to: agencies and
    premises are looked up only among that unit's (None: among all, for reading back
    what is stored). `province_id`: among that province's (codes are unique per
    province only)."""

    unit_id: int | None = None
    province_id: int | None = None
    preload: bool = False
    cache: dict[str, dict[str, models.Model]] = field(default_factory=dict)
    pending_premises: dict[str, dict] = field(default_factory=dict)
    # Conversions and field checks are pure functions of (field, value): a workbook
    # repeats values (classes, units, statuses...) and each is worked out once.
    memo: dict | None = None

    def _queryset(self, name: str):
        queryset = RELATED[name].objects.all()
        if name in UNIT_SCOPED and self.unit_id is not None:
            queryset = queryset.filter(queryset.belongs_to(self.unit_id))
        if name in UNIT_SCOPED and self.province_id is not None:
            queryset = queryset.filter(province_id=self.province_id)
        return queryset

    @classmethod
    def for_user(cls, user, **options) -> Lookups:
        """Lookups among the records of `user`'s commune (a declarant) or province."""
        unit = user.admin_unit
        province = user.province_id or (unit and (unit.province_id or unit.pk))
        return cls(unit_id=user.admin_unit_id, province_id=province, **options)

    def get(self, name: str, code: str):
        table = self.cache.get(name)
        if table is None and self.preload:
            table = self.cache[name] = {obj.code: obj for obj in self._queryset(name)}
        if table is not None and code in table:
            return table[code]
        if self.preload:
            return None
        obj = self._queryset(name).filter(code=code).first()
        if obj is not None:
            self.cache.setdefault(name, {})[code] = obj
        return obj


def _convert(field_: models.Field, raw):
    if raw is None or raw == "":
        if isinstance(field_, models.BooleanField):
            return False
        return "" if isinstance(field_, models.CharField | models.TextField) else None
    if isinstance(field_, GeometryField):
        return lonlat_geometry(raw)
    if isinstance(field_, models.BooleanField):
        if isinstance(raw, str):
            return raw.strip().lower() in {"1", "true", "yes", "on", "có", "x"}
        return bool(raw)
    if isinstance(field_, models.DecimalField | models.IntegerField) and isinstance(raw, str):
        raw = raw.strip().replace(" ", "")
    if isinstance(field_, models.DecimalField):
        try:
            return Decimal(str(raw))
        except InvalidOperation as exc:
            raise ValidationError(_("Enter a number.")) from exc
    if isinstance(field_, models.DateField) and isinstance(raw, dt.datetime):
        return raw.date()
    return field_.to_python(raw)


def lonlat_geometry(raw) -> GEOSGeometry:
    """A location given as text (EWKT, WKT, GeoJSON, hex WKB) or a geometry, in
    longitude/latitude (SRID 4326): checked (`check_lonlat`) before anything else is done
    with it; another SRID is reprojected only once its numbers are bounded."""
    try:
        geom = raw if isinstance(raw, GEOSGeometry) else GEOSGeometry(str(raw))
    except (GEOSException, GDALException, ValueError, TypeError) as exc:
        raise ValidationError(_("Not a valid location.")) from exc
    if geom.srid not in (None, 4326):
        if not geodata.reprojectable(geom):
            raise ValidationError(_("The coordinates are out of range: longitude −180…180, latitude −90…90."))
        try:
            geom.transform(4326)
        except (GEOSException, GDALException) as exc:
            raise ValidationError(_("Not a valid location.")) from exc
    geodata.check_lonlat(geom)
    geom.srid = 4326
    return geom


def _convert_memo(field_: models.Field, raw, memo: dict | None):
    if memo is None or isinstance(field_, GeometryField) or not isinstance(raw, str | int | float | bool):
        return _convert(field_, raw)
    key = ("convert", id(field_), type(raw), raw)  # id(): fields live as long as the process
    if key not in memo:
        try:
            memo[key] = (_convert(field_, raw), None)
        except ValidationError as exc:
            memo[key] = (None, exc)
    value, error = memo[key]
    if error is not None:
        raise error
    return value


def _copy_instance(instance):
    """copy.copy() of a model instance, without the pickling round trip copy.copy takes
    (Model.__reduce__ looks the class up in the app registry and checks versions, for
    every row of a workbook): the same fields, its own state and cache of related rows."""
    clone = instance.__class__.__new__(instance.__class__)
    clone.__dict__.update(instance.__dict__)
    clone._state = copy.copy(instance._state)
    clone._state.fields_cache = instance._state.fields_cache.copy()
    return clone


def build(target: str, payload: dict, base=None, lookups: Lookups | None = None):
    """An unsaved instance carrying the payload's values (on a copy of `base` for a
    change). Conversion errors are raised per field, all at once."""
    lookups = lookups or Lookups()
    instance = _copy_instance(base if base is not None else _blank(target))
    errors = {}
    for name, field_ in _declared_fields(target):
        if name not in payload:
            continue
        raw = payload[name]
        if raw is None and base is None and field_.null:
            continue  # a new instance already holds None
        if field_.is_relation:
            related = None if raw in (None, "") else lookups.get(name, str(raw))
            # A premises declared in the same declaration is linked when it takes effect.
            declared_alongside = name == "premises" and str(raw) in lookups.pending_premises
            if related is None and raw not in (None, "") and not declared_alongside:
                errors[name] = _("Unknown code “%(code)s”.") % {"code": raw}
                continue
            setattr(instance, field_.attname, related.pk if related is not None else None)
            if related is not None:
                field_.set_cached_value(instance, related)
            elif field_.is_cached(instance):
                field_.delete_cached_value(instance)
            continue
        try:
            setattr(instance, name, _convert_memo(field_, raw, lookups.memo))
        except ValidationError as exc:
            errors[name] = exc.messages[0]
    if target == ItemTarget.PREMISES and instance.location is not None and "location" not in errors:
        _place(instance)
    if errors:
        raise ValidationError(errors)
    return instance


def _place(premises: Premises) -> None:
    """The new and the former commune of a premises, from its location: the unit whose
    boundary holds it when boundaries are loaded, else the nearest centroid."""
    point = premises.location
    for level, attr in ((UnitLevel.COMMUNE, "admin_unit"), (UnitLevel.LEGACY_COMMUNE, "legacy_unit")):
        unit = unit_at(point, level)
        if unit is not None:
            setattr(premises, attr, unit)
    if premises.admin_unit_id is None and premises.agency_id:
        premises.admin_unit = premises.agency.admin_unit


def unit_at(point: Point, level: str) -> AdministrativeUnit | None:
    units = AdministrativeUnit.objects.filter(level=level)
    inside = units.filter(boundary__contains=point).first()
    if inside is not None:
        return inside
    return units.annotate(d=Distance("centroid", point)).order_by("d").first()


def province_extent(province: AdministrativeUnit):
    """The province's boundary if loaded, else the extent of its units (bounding boxes
    of the former communes and centroids of all units)."""
    if province.boundary is not None:
        return province.boundary
    units = AdministrativeUnit.objects.filter(province=province)
    extents = [units.exclude(bbox=None).aggregate(e=Extent("bbox"))["e"], units.aggregate(e=Extent("centroid"))["e"]]
    extents = [e for e in extents if e]
    if not extents:
        return None
    xmin, ymin = min(e[0] for e in extents), min(e[1] for e in extents)
    xmax, ymax = max(e[2] for e in extents), max(e[3] for e in extents)
    return Polygon.from_bbox((xmin, ymin, xmax, ymax))


def location_warning(premises: Premises) -> str | None:
    """A reason to ask the declarant to confirm the location, or None: the point is
    outside the commune's boundary (when loaded) or farther than the configured
    distance from the commune's centroid."""
    unit = premises.agency.admin_unit if premises.agency_id else None
    if unit is None or unit.level != UnitLevel.COMMUNE or premises.location is None:
        return None
    point = premises.location
    if unit.boundary is not None:
        if not unit.boundary.contains(point):
            return _("The location is outside %(unit)s.") % {"unit": unit.name}
        return None
    limit = getattr(settings, "COMMUNE_DISTANCE_WARNING_M", 5000)
    far = AdministrativeUnit.objects.filter(pk=unit.pk, centroid__distance_gt=(point, D(m=limit))).exists()
    if far:
        return _("The location is more than %(km)s km from the centre of %(unit)s.") % {
            "km": f"{limit / 1000:g}",
            "unit": unit.name,
        }
    return None


# A premises declares a building when one of these is given; a building then needs the
# fields of BUILDING_REQUIRED (validate() below; the form marks them "required with a building").
BUILDING_GIVEN_BY = ("floor_area", "footprint_area")
BUILDING_REQUIRED = ("building_grade", "floors")


def validate(
    instance, target: str, *, province: AdministrativeUnit | None = None, extent=None, memo: dict | None = None
) -> None:
    """Check an instance with the model's rules and the declaration rules; raise
    ValidationError keyed by field. Related records are already resolved by build()."""
    errors = {}
    _clean_fields(instance, target, errors, memo)
    for name in FIELDS[target]:
        field_ = model_field(target, name)
        if field_.is_relation and not field_.null and getattr(instance, field_.attname) is None:
            errors.setdefault(name, [_("This field is required.")])
    if not instance.code:
        errors.setdefault("code", [_("This field is required.")])
    # The model's own rules run even when a field above failed (they read only the values
    # that are there; a field keeps its first error), so a form shows every error at once.
    # A new row of N fixed assets is checked as the records it becomes (quantity 1;
    # they differ only in code and cost, the largest share on the last).
    line = None
    if target == ItemTarget.ASSET and "quantity" not in errors and splits_into_records(instance) > 1:
        line = (instance.quantity, instance.original_cost)
        instance.quantity, instance.original_cost = 1, per_unit_costs(instance)[-1]
    try:
        instance.clean()
    except ValidationError as exc:
        for name, messages in exc.message_dict.items():
            errors.setdefault(name, messages)
    finally:
        if line is not None:
            instance.quantity, instance.original_cost = line
    if target == ItemTarget.PREMISES and instance.location is not None and "location" not in errors:
        _validate_location(instance, errors, province, extent)
    if target == ItemTarget.PREMISES and any(getattr(instance, name) for name in BUILDING_GIVEN_BY):
        if not instance.building_grade:
            errors.setdefault("building_grade", [_("A building needs its grade.")])
        if not instance.floors:
            errors.setdefault("floors", [_("A building needs its number of floors.")])
    if errors:
        raise ValidationError(errors)


def _validate_location(instance, errors, province, extent) -> None:
    point = instance.location
    problem = geodata.lonlat_problem(point)
    if problem:  # a record built from a base whose location was not checked here
        errors["location"] = [problem]
        return
    if province is None:
        province = AdministrativeUnit.objects.filter(
            level=UnitLevel.PROVINCE, code=getattr(settings, "PROVINCE_CODE", "40")
        ).first()
    if province is None:
        return
    extent = extent if extent is not None else province_extent(province)
    if extent is not None and not extent.intersects(point):
        errors["location"] = [_("The location is outside %(province)s.") % {"province": province.name}]


# Categories that need approval whatever their cost (Circular 48/2023 Art. 10.1: land,
# houses and cars; land is declared as a premises). Architectural structures do not.
APPROVAL_CATEGORIES = (AssetCategory.BUILDING, AssetCategory.CAR)


def requires_approval(instance, target: str, pending_premises_codes=()) -> bool:
    """Land and houses, cars, and any asset whose original cost per unit is at or above
    the threshold need the Finance department's approval (Circular 48/2023 Art. 10.1).
    A row of several fixed assets is judged by the cost of each record it becomes."""
    threshold = Decimal(getattr(settings, "APPROVAL_THRESHOLD_VND", 500_000_000))
    if target == ItemTarget.PREMISES:
        return True
    if target == ItemTarget.ASSET:
        if instance.asset_class.category in APPROVAL_CATEGORIES:
            return True
        if instance.original_cost is not None and max(per_unit_costs(instance)) >= threshold:
            return True
        return bool(instance.premises_id is None and pending_premises_codes)
    return False


def splits_into_records(instance) -> int:
    """How many records a declared asset row becomes: a new fixed asset declared with a
    quantity N is N records (one per accounting object); anything else is one."""
    quantity = instance.quantity or 1
    if instance.pk is not None or quantity <= 1 or not instance.fixed_asset():
        return 1
    return quantity


def per_unit_costs(instance) -> list:
    """The original cost of each record a declared asset row becomes (the row's cost is
    that of the whole row: split in whole đồng, the remainder on the last). A tool line
    stays one record: the cost of one item is compared."""
    quantity = max(instance.quantity or 1, 1)
    return fixed_assets.split_amount(instance.original_cost, quantity)


def records_of(instance, taken_codes) -> list:
    """The unsaved records a declared asset row becomes (see `splits_into_records`): the
    row's code on the first, `<code>-02`… on the others (none in `taken_codes`), its code
    as their group code, its money values split exactly. A single record is returned
    as it is."""
    parts = splits_into_records(instance)
    if parts == 1:
        return [instance]
    codes = fixed_assets.split_codes(instance.code, parts, taken_codes)
    shares = fixed_assets.split_values(
        {name: getattr(instance, name) for name in fixed_assets.SPLIT_MONEY_FIELDS if hasattr(instance, name)}, parts
    )
    records = []
    for code, share in zip(codes, shares, strict=True):
        record = _copy_instance(instance)
        record.code, record.group_code = code, instance.code
        for name, value in share.items():
            setattr(record, name, value)
        records.append(record)
    return records


def display(target: str, name: str, value) -> str:
    """A payload value as a person reads it."""
    if value is None or value == "":
        return "—"
    field_ = model_field(target, name)
    if field_.is_relation:
        related = RELATED[name].objects.filter(code=value).first()
        return f"{related} ({value})" if related is not None and str(related) != value else str(value)
    if field_.choices:
        return str(dict(field_.flatchoices).get(value, value))
    if isinstance(field_, models.DecimalField | models.IntegerField):
        try:
            return number_text(value, name)
        except InvalidOperation:
            return str(value)
    if isinstance(field_, models.BooleanField):
        return _("yes") if value else _("no")
    if isinstance(field_, GeometryField):
        try:
            geom = GEOSGeometry(value)
            return f"{geom.y:.6f}, {geom.x:.6f}"
        except (GEOSException, ValueError, TypeError):
            return str(value)
    return str(value)


def diff(target: str, before: dict | None, after: dict) -> list[dict]:
    """Side-by-side comparison: one row per declared field, flagged when it changed."""
    rows = []
    for name in FIELDS[target]:
        if name not in after:
            continue
        old = before.get(name) if before else None
        new = after.get(name)
        changed = before is None or normalised(target, name, old) != normalised(target, name, new)
        rows.append(
            {
                "field": name,
                "label": str(model_field(target, name).verbose_name),
                "before": display(target, name, old) if before is not None else "",
                "after": display(target, name, new),
                "changed": changed,
            }
        )
    return rows


def normalised(target: str, name: str, value):
    """A payload value in a form where equal meanings compare equal: 600, "600.00" and
    600.0 alike, an empty text and none alike, a location to about a centimetre."""
    field_ = model_field(target, name)
    if isinstance(field_, models.BooleanField):
        return bool(value)
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(field_, GeometryField):
        try:
            geom = GEOSGeometry(str(value))
        except (GEOSException, ValueError, TypeError):
            return str(value)
        return tuple(round(c, 7) for c in geom.coords)
    if isinstance(field_, models.DecimalField | models.IntegerField) and not field_.is_relation:
        try:
            return Decimal(str(value))
        except InvalidOperation:
            return str(value)
    return str(value).strip()


def same(before: dict, after: dict, target: str) -> bool:
    """True when `after` declares nothing different from `before`."""
    return all(normalised(target, k, before.get(k)) == normalised(target, k, v) for k, v in after.items())
