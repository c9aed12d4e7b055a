"""Access and co-location review (issue 14 item 2): how far people must travel in each new
commune, by road.

For each new commune (xã, phường):
- its main headquarters: the commune People's Committee's site in use as headquarters
  (else any site of the commune in use as headquarters; else the commune's centroid,
  said so);
- the spread of its agencies: road distance from the main headquarters to each other
  site of the commune in use (as headquarters or in other public use);
- where people still live: road distance from each former commune centre folded into
  it (unit lineage, the primary successor: where the former commune's seat went) to
  the main headquarters;
- the worst and the average of all those distances (communes are ranked by them);
- co-location: surplus premises (not damaged, floor area unpromised) within a chosen
  road distance of the main headquarters whose available floor area holds the floor
  area of all the commune's sites in use, so its agencies could work under one roof;
  Finance turns one into a site plan or a handling request.
Every distance is a `maps.routing.RoadDistance`: an estimate, labelled with its reason,
where no road joins the two places. All the communes' distances come from one routing
call. `workbook()` writes the review as the .xlsx the page offers."""

from __future__ import annotations

import io
import math
from dataclasses import dataclass, field
from decimal import Decimal

from django.contrib.gis.geos import Point
from django.db.models import Q
from django.utils.translation import gettext as _
from openpyxl import Workbook

from inventory.choices import AgencyKind, PremisesStatus, UnitLevel
from inventory.models import AdministrativeUnit, Premises, UnitLineage
from inventory.spreadsheets import append
from maps.reallocation import available_premises
from maps.routing import ESTIMATE_LABEL, REASONS, RoadDistance, road_distances_many

IN_USE = (PremisesStatus.IN_USE_HQ, PremisesStatus.OTHER_PUBLIC_USE)
DEFAULT_WITHIN_KM = 5
MIN_WITHIN_KM = 0.001  # one metre
MAX_WITHIN_KM = 200
COLOCATION_SHOWN = 3


@dataclass
class Leg:
    """One place measured to the main headquarters."""

    kind: str  # "agency" (a site of the commune's agencies) or "former" (a former commune centre)
    name: str
    location: Point
    premises: Premises | None = None
    road: RoadDistance | None = None


@dataclass
class Colocation:
    premises: Premises
    available: Decimal
    road: RoadDistance | None = None


@dataclass
class CommuneAccess:
    unit: AdministrativeUnit
    hq: Premises | None
    hq_point: Point
    legs: list[Leg] = field(default_factory=list)
    needed_area: Decimal = Decimal(0)
    colocation: list[Colocation] = field(default_factory=list)
    rank: int = 0

    @property
    def agency_legs(self):
        return [leg for leg in self.legs if leg.kind == "agency"]

    @property
    def former_legs(self):
        return [leg for leg in self.legs if leg.kind == "former"]

    @property
    def worst(self) -> RoadDistance | None:
        return max((leg.road for leg in self.legs), key=lambda r: r.metres, default=None)

    @property
    def worst_m(self) -> float:
        return self.worst.metres if self.worst else 0.0

    @property
    def worst_km(self) -> float:
        return self.worst_m / 1000

    @property
    def average_km(self) -> float:
        return self.average_m / 1000

    @property
    def average_m(self) -> float:
        return sum(leg.road.metres for leg in self.legs) / len(self.legs) if self.legs else 0.0

    @property
    def average_minutes(self) -> float:
        return sum(leg.road.minutes for leg in self.legs) / len(self.legs) if self.legs else 0.0

    @property
    def has_estimate(self) -> bool:
        return any(leg.road.is_estimate for leg in self.legs)


def _straight_m(a: Point, b: Point) -> float:
    """Great-circle metres (a prefilter only: every kept candidate is measured by road)."""
    lat1, lat2 = math.radians(a.y), math.radians(b.y)
    dlat, dlon = lat2 - lat1, math.radians(b.x - a.x)
    h = math.sin(dlat / 2) ** 2 + math.cos(lat1) * math.cos(lat2) * math.sin(dlon / 2) ** 2
    return 2 * 6371008.8 * math.asin(min(1.0, math.sqrt(h)))


def review(user, within_km: float = DEFAULT_WITHIN_KM, order: str = "worst") -> list[CommuneAccess]:
    """Every new commune's access figures, ranked by the worst distance then the
    average (or the average first with order="average"), over the premises `user` sees."""
    premises = Premises.objects.visible_to(user)
    units = list(AdministrativeUnit.objects.filter(level=UnitLevel.COMMUNE).order_by("code"))
    in_use = list(
        premises.filter(status__in=IN_USE, admin_unit__in=units)
        .select_related("agency")
        .order_by("admin_unit_id", "pk")
    )
    by_unit: dict[int, list[Premises]] = {}
    for site in in_use:
        by_unit.setdefault(site.admin_unit_id, []).append(site)
    former: dict[int, list[AdministrativeUnit]] = {}
    for link in (
        UnitLineage.objects.filter(successor__in=units)
        .select_related("predecessor")
        .order_by("predecessor__name", "pk")
    ):
        former.setdefault(link.successor_id, []).append(link.predecessor)
    surplus = [
        p
        for p in available_premises(premises).filter(~Q(status__in=IN_USE)).select_related("agency", "admin_unit")
        if p.location is not None
    ]
    within_m = within_km * 1000

    rows = []
    for unit in units:
        sites = by_unit.get(unit.pk, [])
        hqs = [s for s in sites if s.status == PremisesStatus.IN_USE_HQ]
        hq = next((s for s in hqs if s.agency.kind == AgencyKind.COMMUNE_COMMITTEE), hqs[0] if hqs else None)
        row = CommuneAccess(unit=unit, hq=hq, hq_point=hq.location if hq else unit.centroid)
        row.legs = [Leg("agency", s.name, s.location, premises=s) for s in sites if s is not hq] + [
            Leg("former", f.name, f.centroid) for f in former.get(unit.pk, [])
        ]
        row.needed_area = sum((s.floor_area or Decimal(0) for s in sites), Decimal(0))
        row.colocation = [
            Colocation(p, p.available)
            for p in surplus
            if row.needed_area > 0
            and p.available >= row.needed_area
            and _straight_m(p.location, row.hq_point) <= within_m
        ]
        rows.append(row)

    answers = road_distances_many(
        [([leg.location for leg in r.legs] + [c.premises.location for c in r.colocation], r.hq_point) for r in rows]
    )
    for row, answer in zip(rows, answers, strict=True):
        for leg, road in zip(row.legs, answer[: len(row.legs)], strict=True):
            leg.road = road
        for place, road in zip(row.colocation, answer[len(row.legs) :], strict=True):
            place.road = road
        row.colocation = sorted(
            (c for c in row.colocation if c.road.metres <= within_m), key=lambda c: (c.road.metres, c.premises.pk)
        )[:COLOCATION_SHOWN]

    if order == "average":
        rows.sort(key=lambda r: (-r.average_m, -r.worst_m, r.unit.code))
    else:
        rows.sort(key=lambda r: (-r.worst_m, -r.average_m, r.unit.code))
    for rank, row in enumerate(rows, start=1):
        row.rank = rank
    return rows


def parse_within_km(value) -> float:
    """The co-location distance from a query string: a finite number of km from
    MIN_WITHIN_KM to MAX_WITHIN_KM; DEFAULT_WITHIN_KM when not given. ValueError otherwise."""
    if value in (None, ""):
        return float(DEFAULT_WITHIN_KM)
    number = float(str(value).strip().replace(",", "."))
    if not math.isfinite(number) or not MIN_WITHIN_KM <= number <= MAX_WITHIN_KM:
        raise ValueError(value)
    return number


def as_data(rows: list[CommuneAccess]) -> list[dict]:
    """The review as plain data (API and workbook): every distance with its estimate flag,
    label and reason."""

    def leg(item: Leg) -> dict:
        return {
            "kind": item.kind,
            "name": item.name,
            "premises": item.premises.code if item.premises else None,
            "lon": round(item.location.x, 6),
            "lat": round(item.location.y, 6),
            **item.road.as_dict(),
        }

    return [
        {
            "rank": r.rank,
            "commune_code": r.unit.code,
            "commune": r.unit.name,
            "hq": r.hq.code if r.hq else None,
            "hq_name": r.hq.name if r.hq else None,
            "hq_lon": round(r.hq_point.x, 6),
            "hq_lat": round(r.hq_point.y, 6),
            "worst_m": round(r.worst_m, 1),
            "worst_is_estimate": bool(r.worst and r.worst.is_estimate),
            "average_m": round(r.average_m, 1),
            "average_minutes": round(r.average_minutes, 1),
            "has_estimate": r.has_estimate,
            "needed_floor_area": float(r.needed_area),
            "legs": [leg(item) for item in r.legs],
            "colocation": [
                {
                    "premises": c.premises.code,
                    "name": c.premises.name,
                    "available_floor_area": float(c.available),
                    **c.road.as_dict(),
                }
                for c in r.colocation
            ],
        }
        for r in rows
    ]


# -- the workbook -----------------------------------------------------------------------


def _estimate(flag) -> str:
    return str(ESTIMATE_LABEL) if flag else ""


def workbook(data: list[dict], within_km: float) -> bytes:
    """Three sheets: the ranked communes, every distance measured, the co-location
    proposals; an estimate is labelled in its own column with its reason. Text goes
    through inventory.spreadsheets (a name never becomes a formula)."""
    book = Workbook()
    sheet = book.active
    sheet.title = _("Communes")
    append(
        sheet,
        [
            _("rank"),
            _("commune code"),
            _("commune"),
            _("main headquarters"),
            _("worst (km)"),
            _("worst is"),
            _("average (km)"),
            _("average (min)"),
            _("estimates"),
            _("floor area in use (m²)"),
            _("co-location sites within %(km)s km") % {"km": within_km},
        ],
    )
    for r in data:
        append(
            sheet,
            [
                r["rank"],
                r["commune_code"],
                r["commune"],
                r["hq_name"] or _("no headquarters recorded: the commune centre"),
                round(r["worst_m"] / 1000, 2),
                _estimate(r["worst_is_estimate"]),
                round(r["average_m"] / 1000, 2),
                r["average_minutes"],
                _("some distances are estimates") if r["has_estimate"] else "",
                r["needed_floor_area"],
                len(r["colocation"]),
            ],
        )
    legs = book.create_sheet(_("Distances"))
    append(
        legs,
        [
            _("commune"),
            _("from"),
            _("kind"),
            _("road distance (km)"),
            _("travel time (min)"),
            _("estimate"),
            _("why"),
            _("snapped at the start (m)"),
            _("snapped at the headquarters (m)"),
            _("straight line (km)"),
        ],
    )
    kinds = {"agency": _("agency site"), "former": _("former commune centre")}
    for r in data:
        for leg in r["legs"]:
            append(
                legs,
                [
                    r["commune"],
                    leg["name"],
                    str(kinds[leg["kind"]]),
                    round(leg["metres"] / 1000, 2),
                    leg["minutes"],
                    leg["label"],
                    str(REASONS.get(leg["reason"], "")),
                    leg["origin_snap_m"],
                    leg["target_snap_m"],
                    round(leg["straight_m"] / 1000, 2),
                ],
            )
    places = book.create_sheet(_("Co-location"))
    append(
        places,
        [_("commune"), _("site"), _("code"), _("available floor area (m²)"), _("road distance (km)"), _("estimate")],
    )
    for r in data:
        for c in r["colocation"]:
            append(
                places,
                [
                    r["commune"],
                    c["name"],
                    c["premises"],
                    c["available_floor_area"],
                    round(c["metres"] / 1000, 2),
                    c["label"],
                ],
            )
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
