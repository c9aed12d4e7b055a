"""Matching declared needs to surplus supply (điều chuyển từ nơi thừa sang nơi thiếu).

For a floor-area need the candidates are surplus and partly surplus premises with floor
area still unpromised; for an asset need, surplus assets of the same asset class: tool
lines with items still unpromised, and fixed assets (one record each) by group, as many
as are unpromised. Damaged supply is never offered. Candidates are ranked, in order:

1. whether the candidate covers the whole need (area or quantity);
2. condition (good, fair, then poor);
3. distance in metres (PostGIS geography) from the agency that declared the need: its
   own headquarters if it has one, else the centroid of its unit;
4. the smallest surplus left over (a 300 m² need goes to a 320 m² building before a
   3,000 m² one).
"""

from dataclasses import dataclass
from decimal import Decimal

from django.contrib.gis.db.models import PointField
from django.contrib.gis.geos import Point
from django.db.models import (
    BooleanField,
    Case,
    Count,
    DecimalField,
    ExpressionWrapper,
    F,
    FloatField,
    Func,
    IntegerField,
    Min,
    OuterRef,
    Q,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Cast, Coalesce, Greatest, NullIf

from inventory.choices import (
    HANDLING_OPEN,
    SURPLUS_PREMISES_STATUSES,
    AssetStatus,
    Condition,
    NeedKind,
    PremisesStatus,
)
from inventory.models import Asset, HandlingRecord, Need, Premises
from inventory.querysets import surplus_floor_area_expression

CONDITION_RANK = {Condition.GOOD: 0, Condition.FAIR: 1, Condition.POOR: 2}
AREA = DecimalField(max_digits=14, decimal_places=2)


def geography_distance(expression, point: Point) -> Func:
    """ST_Distance over geography: metres on the spheroid from a SRID 4326 geometry."""
    geography = PointField(geography=True, srid=4326)
    return Func(
        Cast(expression, geography),
        Cast(Value(point, output_field=PointField(srid=4326)), geography),
        function="ST_Distance",
        output_field=FloatField(),
    )


@dataclass
class Candidate:
    kind: str  # "premises" or "asset"
    record: object
    available: Decimal
    covers: bool
    distance_m: float
    condition: str

    @property
    def location(self):
        return self.record.location if self.kind == "premises" else self.record.premises.location


def origin_of(need: Need) -> Point:
    """Where the need is: the agency's headquarters, else its unit's centroid."""
    hq = (
        Premises.objects.filter(agency=need.agency, status=PremisesStatus.IN_USE_HQ)
        .order_by("pk")
        .values_list("location", flat=True)
        .first()
    )
    return hq or need.agency.admin_unit.centroid


def _condition_rank():
    return Case(*(When(Q(condition=c), then=Value(r)) for c, r in CONDITION_RANK.items()), output_field=IntegerField())


def _promised(supply: str, amount: str):
    """For each row of supply (`premises` or `asset`): the amount (`floor_area` or
    `quantity`) that open handling records have promised, as a subquery; and the ids of
    the supply promised as a whole (records without an amount)."""
    open_records = HandlingRecord.objects.filter(status__in=HANDLING_OPEN)
    total = open_records.filter(**{supply: OuterRef("pk")}).values(supply).annotate(total=Sum(amount)).values("total")
    # (not NULL: a NOT IN over a list holding NULL would exclude every row)
    whole = open_records.filter(**{f"{amount}__isnull": True, f"{supply}__isnull": False}).values(supply)
    return total, whole


def premises_candidates(need: Need, queryset, limit: int = 25) -> list[Candidate]:
    """Surplus sites of `queryset` (the premises the user sees) that can hold the need."""
    needed = need.floor_area or Decimal(0)
    promised, whole_promised = _promised("premises", "floor_area")
    zero = Value(Decimal(0), output_field=AREA)
    queryset = queryset.filter(status__in=SURPLUS_PREMISES_STATUSES, condition__in=list(CONDITION_RANK))
    rows = (
        queryset.annotate(
            surplus=Coalesce(surplus_floor_area_expression(), zero, output_field=AREA),
        )
        .annotate(
            available=ExpressionWrapper(
                Greatest(F("surplus") - Coalesce(Subquery(promised, output_field=AREA), zero), zero), output_field=AREA
            )
        )
        .exclude(Q(available__lte=0))
        .exclude(pk__in=whole_promised)
        .annotate(
            covers=ExpressionWrapper(Q(available__gte=needed), output_field=BooleanField()),
            condition_rank=_condition_rank(),
            distance_m=geography_distance("location", origin_of(need)),
            waste=ExpressionWrapper(F("available") - Value(needed, output_field=AREA), output_field=AREA),
        )
        .select_related("agency", "admin_unit")
        .order_by("-covers", "condition_rank", "distance_m", "waste", "pk")[:limit]
    )
    return [Candidate("premises", p, p.available, p.covers, p.distance_m, p.condition) for p in rows]


def asset_candidates(need: Need, queryset, limit: int = 25) -> list[Candidate]:
    """Surplus assets of the needed class: tool lines one by one (their unpromised
    items), fixed assets by group — the records of one group (`group_code`, else the
    record alone) kept at one premises in one condition are one candidate, available as
    many as are still surplus and unpromised."""
    needed = need.quantity or 0
    promised, whole_promised = _promised("asset", "quantity")
    queryset = queryset.filter(
        status=AssetStatus.SURPLUS,
        asset_class=need.asset_class,
        premises__isnull=False,
        condition__in=list(CONDITION_RANK),
    )
    origin = origin_of(need)
    lines = (
        queryset.filter(is_fixed_asset=False)
        .exclude(pk__in=whole_promised)
        .annotate(available=F("quantity") - Coalesce(Subquery(promised, output_field=IntegerField()), 0))
        .filter(available__gt=0)
        .annotate(
            covers=ExpressionWrapper(Q(available__gte=needed), output_field=BooleanField()),
            condition_rank=_condition_rank(),
            distance_m=geography_distance("premises__location", origin),
            waste=F("available") - needed,
        )
        .select_related("premises", "agency", "asset_class")
        .order_by("-covers", "condition_rank", "distance_m", "waste", "pk")[:limit]
    )
    found = [
        (Candidate("asset", a, Decimal(a.available), a.covers, a.distance_m, a.condition), a.condition_rank, a.pk)
        for a in lines
    ]
    groups = (
        queryset.filter(is_fixed_asset=True)
        .exclude(pk__in=whole_promised)
        .annotate(group=Coalesce(NullIf("group_code", Value("")), "code"))
        .values("group", "premises_id", "condition")
        .annotate(
            first=Min("pk"),
            available=Count("pk"),
            condition_rank=Min(_condition_rank()),
            distance_m=Min(geography_distance("premises__location", origin)),
        )
        .annotate(covers=ExpressionWrapper(Q(available__gte=needed), output_field=BooleanField()))
        .order_by("-covers", "condition_rank", "distance_m", "available", "first")[:limit]
    )
    groups = list(groups)
    firsts = Asset.objects.select_related("premises", "agency", "asset_class").in_bulk([g["first"] for g in groups])
    for g in groups:
        record = firsts[g["first"]]
        record.group_available = g["available"]
        candidate = Candidate("asset", record, Decimal(g["available"]), g["covers"], g["distance_m"], g["condition"])
        found.append((candidate, g["condition_rank"], g["first"]))
    found.sort(key=lambda f: (not f[0].covers, f[1], f[0].distance_m, f[0].available - needed, f[2]))
    return [candidate for candidate, _rank, _pk in found[:limit]]


def group_members(asset: Asset, count: int | None, queryset) -> list[Asset]:
    """Up to `count` (all when None) surplus, unpromised fixed assets of the candidate
    group that `asset` stands for: same group, premises and condition, oldest first."""
    if count is not None and count <= 0:
        return []
    _promised_total, whole_promised = _promised("asset", "quantity")
    group = asset.group_code or None
    members = (
        queryset.filter(
            is_fixed_asset=True,
            status=AssetStatus.SURPLUS,
            premises_id=asset.premises_id,
            condition=asset.condition,
            **({"group_code": group} if group else {"pk": asset.pk}),
        )
        .exclude(pk__in=whole_promised)
        .order_by("pk")
    )
    return list(members[:count] if count is not None else members)


def candidates(need: Need, user, limit: int = 25) -> list[Candidate]:
    """Ranked supply for a need (see the module docstring), among the records `user` sees."""
    if need.kind == NeedKind.FLOOR_AREA:
        return premises_candidates(need, Premises.objects.visible_to(user), limit=limit)
    return asset_candidates(need, Asset.objects.visible_to(user), limit=limit)
