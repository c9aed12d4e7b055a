"""Deterministic demo data for a province whose reference data is loaded.

Everything made here is plainly marked: `is_demo=True`, codes starting with `DEMO-`,
and the demo users `demo-*`. The same seed and scale give the same rows. Agencies and
premises (hundreds) go through `bulk_create`; asset lines (up to millions with
`--scale`) are streamed to PostgreSQL with COPY. History triggers fire for every row
either way, under one history context naming the command.
"""

from __future__ import annotations

import datetime as dt
import math
import os
import random
import time
from dataclasses import dataclass, field
from decimal import Decimal

import pghistory
from django.contrib.gis.geos import Point
from django.db import transaction
from django.db.models import ProtectedError, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from inventory import fixed_assets, valuation
from inventory.bulk import copy_rows
from inventory.choices import (
    SURPLUS_PREMISES_STATUSES,
    AgencyKind,
    AssetCategory,
    AssetStatus,
    BuildingGrade,
    Condition,
    HandlingStatus,
    NeedKind,
    NeedStatus,
    NeedUrgency,
    PremisesStatus,
    RequestStatus,
    Role,
    UnitLevel,
)
from inventory.history import history_context
from inventory.models import (
    AdministrativeUnit,
    Agency,
    AgencySuccession,
    Asset,
    AssetClass,
    Attachment,
    Decision,
    DecisionAuthority,
    Declaration,
    DeclarationItem,
    HandlingForm,
    HandlingRecord,
    HandlingRequest,
    House,
    Need,
    Premises,
    PriorityUse,
    UnitLineage,
    User,
)
from inventory.models.houses import houses_from_premises

DEMO_PREFIX = "DEMO-"
DEMO_USERNAMES = ("demo-admin", "demo-finance", "demo-auditor", "demo-commune", "demo-ministry")
DEMO_COMMUNE_UNIT = "Phường Thành Vinh"
DEFAULT_DEMO_PASSWORD = "nghean2025"  # noqa: S105 - the documented demo password
MERGER_DATE = dt.date(2025, 7, 1)
DISSOLVED_ON = dt.date(2025, 6, 30)
# Hardest hit by storm No. 3 (Wipha), 22–23/7/2025 (LEGAL.md); others in the west are hit less often.
STORM_HARDEST_HIT = {"Mỹ Lý", "Mường Xén", "Tương Dương", "Con Cuông", "Yên Hòa", "Tri Lễ"}

PROVINCIAL_DEPARTMENTS = [
    "Văn phòng UBND tỉnh",
    "Sở Tài chính",
    "Sở Nội vụ",
    "Sở Tư pháp",
    "Sở Khoa học và Công nghệ",
    "Sở Xây dựng",
    "Sở Y tế",
    "Sở Giáo dục và Đào tạo",
    "Sở Văn hóa, Thể thao và Du lịch",
    "Sở Nông nghiệp và Môi trường",
    "Sở Công Thương",
    "Sở Dân tộc và Tôn giáo",
    "Sở Ngoại vụ",
    "Thanh tra tỉnh",
    "Ban Quản lý dự án đầu tư xây dựng công trình dân dụng và công nghiệp tỉnh",
    "Ban Quản lý Khu kinh tế Đông Nam",
    "Trung tâm Lưu trữ lịch sử tỉnh",
    "Trung tâm Phục vụ hành chính công tỉnh",
    "Đài Phát thanh và Truyền hình tỉnh",
    "Trung tâm Xúc tiến đầu tư, thương mại và du lịch tỉnh",
]


# Demo handling records: form code, priority use code, intended use.
DEMO_HANDLING = (
    ("TRANSFER", "COMMUNE_POLICE", "Trụ sở công an xã"),
    ("TRANSFER", "HEALTH", "Trạm y tế"),
    ("CONVERT_FUNCTION", "EDUCATION", "Điểm trường mầm non"),
    ("CONVERT_FUNCTION", "CULTURE", "Nhà văn hóa cộng đồng"),
    ("HANDOVER_LOCAL", "SPORTS", "Sân tập thể thao"),
    ("SELL", "SOCIO_ECONOMIC", "Bán đấu giá tài sản trên đất"),
)

# Extra sites made by --sites: kinds and the statuses they are drawn from.
EXTRA_SITE_KINDS = ("Nhà văn hóa", "Điểm trường", "Trạm y tế", "Nhà làm việc")
EXTRA_SITE_STATUSES = (
    PremisesStatus.OTHER_PUBLIC_USE,
    PremisesStatus.OTHER_PUBLIC_USE,
    PremisesStatus.SURPLUS,
    PremisesStatus.PARTLY_SURPLUS,
    PremisesStatus.UNDER_HANDLING,
    PremisesStatus.IN_USE_HQ,
)


@dataclass
class DemoSummary:
    """Counts and timings of one generation."""

    counts: dict[str, int] = field(default_factory=dict)
    asset_seconds: float = 0.0
    total_seconds: float = 0.0

    @property
    def rows(self) -> int:
        return sum(self.counts.values())

    def line(self) -> str:
        parts = " ".join(f"{k}={v}" for k, v in self.counts.items())
        return f"demo data: {parts} in {self.total_seconds:.1f}s"


class DemoDataError(Exception):
    pass


def demo_present() -> bool:
    return Premises.objects.filter(is_demo=True).exists()


def demo_password() -> str:
    return os.environ.get("DEMO_PASSWORD", DEFAULT_DEMO_PASSWORD)


@history_context(command="generate_demo", action="clear")
@transaction.atomic
def clear_demo(progress=None) -> dict[str, int]:
    """Remove every demo row and the demo users; history keeps their delete events."""
    say = progress or (lambda message: None)
    removed = {}
    querysets = [
        HandlingRecord.objects.filter(
            Q(premises__is_demo=True) | Q(need__is_demo=True) | Q(created_by__username__in=DEMO_USERNAMES)
        ),
        Decision.objects.filter(
            Q(request__agency__is_demo=True) | Q(request__filed_by__username__in=DEMO_USERNAMES), lines__isnull=True
        ),
        HandlingRequest.objects.filter(
            Q(agency__is_demo=True) | Q(filed_by__username__in=DEMO_USERNAMES), lines__isnull=True
        ),
        Attachment.objects.filter(premises__is_demo=True),
        DeclarationItem.objects.filter(declaration__agency__is_demo=True),
        Declaration.objects.filter(agency__is_demo=True),
        User.objects.filter(username__in=DEMO_USERNAMES),  # before their agencies
        Need.objects.filter(is_demo=True),
        Asset.objects.filter(is_demo=True),
        House.all_objects.filter(premises__is_demo=True, premises__deleted_at__isnull=True),
        Premises.objects.filter(is_demo=True),
        AgencySuccession.objects.filter(predecessor__is_demo=True),
        Agency.objects.filter(is_demo=True),
    ]
    for qs in querysets:
        name = qs.model._meta.model_name
        # Asset lines can number millions: delete them in SQL, not through the collector
        # (the history triggers still record every row).
        if qs.model is Asset:
            removed[name] = qs._raw_delete(qs.db)
        elif qs.model is User:
            removed[name] = _remove_demo_users(qs)
        else:
            removed[name] = qs.delete()[0]
        say(f"removed {removed[name]} {qs.model._meta.verbose_name_plural}")
    return removed


def _remove_demo_users(users) -> int:
    """The demo users go; one still named by a record that stays (a siting study or a
    site plan a reviewer made while trying the demo) is shut out instead — inactive, no
    password, API token or GIS password, no rights, unit or agency — so the record keeps
    who made it."""
    from inventory.services import tokens

    removed = 0
    for user in users:
        try:
            with transaction.atomic():
                user.delete()
            removed += 1
        except ProtectedError:
            tokens.revoke_token(user)
            tokens.revoke_gis_password(user)
            user.is_active = user.is_staff = user.is_superuser = False
            user.agency = user.admin_unit = None
            user.set_unusable_password()
            user.save()
            user.groups.clear()
            user.user_permissions.clear()
    return removed


def _distance_m(a: Point, b: Point) -> float:
    """Great-circle distance in metres between two lon/lat points."""
    lat1, lat2 = math.radians(a.y), math.radians(b.y)
    dlat, dlon = lat2 - lat1, math.radians(b.x - a.x)
    h = math.sin(dlat / 2) ** 2 + math.cos(lat1) * math.cos(lat2) * math.sin(dlon / 2) ** 2
    return 2 * 6_371_000 * math.asin(math.sqrt(h))


def _jitter(rng: random.Random, point: Point, max_m: float) -> Point:
    """A point within `max_m` metres of `point`, rounded to ~1 cm."""
    distance, bearing = rng.uniform(50, max_m), rng.uniform(0, 2 * math.pi)
    dlat = distance * math.cos(bearing) / 111_320
    dlon = distance * math.sin(bearing) / (111_320 * math.cos(math.radians(point.y)))
    return Point(round(point.x + dlon, 7), round(point.y + dlat, 7), srid=4326)


def _in_sentence(name: str) -> str:
    """A unit name inside a longer name: "Phường Thành Vinh" → "phường Thành Vinh"."""
    return name[0].lower() + name[1:]


def _money(value: float, step: int = 1_000_000) -> Decimal:
    return Decimal(int(value // step * step))


class _Generator:
    def __init__(self, province: AdministrativeUnit, seed: int, scale: int, progress, sites: int = 1):
        self.rng = random.Random(seed)
        self.province = province
        self.scale = scale
        self.sites = sites
        self.say = progress or (lambda message: None)
        self.today = timezone.localdate()
        self.valuation_date = valuation.valuation_date(self.today)
        self.now = timezone.now()
        self.classes = {c.code: c for c in AssetClass.objects.all()}
        self.building_class = {}
        for c in sorted(self.classes.values(), key=lambda c: (c.sort_order, c.code)):
            if c.category == AssetCategory.BUILDING and c.is_active:
                self.building_class.setdefault(c.building_grade, c)
        self.summary = DemoSummary()

    # -- agencies ---------------------------------------------------------------------
    def agencies(self):
        units = AdministrativeUnit.objects.filter(province=self.province).order_by("level", "code")
        self.new_units = [u for u in units if u.level == UnitLevel.COMMUNE]
        self.legacy_communes = [u for u in units if u.level == UnitLevel.LEGACY_COMMUNE]
        self.legacy_districts = [u for u in units if u.level == UnitLevel.LEGACY_DISTRICT]
        if not self.new_units or not self.legacy_communes:
            raise DemoDataError(_("No reference data for this province: run load_reference_data first."))
        lineage = UnitLineage.objects.filter(successor__province=self.province).order_by("-is_primary", "pk")
        self.successor_of = {}
        for link in lineage:
            self.successor_of.setdefault(link.predecessor_id, link.successor_id)
        self.unit_by_id = {u.pk: u for u in units}

        agencies = []
        n = 0

        def add(name, kind, unit, active=True, dissolved=None):
            nonlocal n
            n += 1
            agency = Agency(
                code=f"{DEMO_PREFIX}DV-{n:05d}",
                name=name,
                kind=kind,
                admin_unit=unit,
                is_active=active,
                dissolved_on=dissolved,
                is_demo=True,
                address=unit.name,
            )
            agencies.append(agency)
            return agency

        self.committee = {
            u.pk: add(f"UBND {_in_sentence(u.name)}", AgencyKind.COMMUNE_COMMITTEE, u) for u in self.new_units
        }
        self.service_unit = {
            u.pk: add(f"Trung tâm Dịch vụ công {_in_sentence(u.name)}", AgencyKind.PUBLIC_SERVICE_UNIT, u)
            for u in self.new_units
        }
        self.legacy_committee = {
            u.pk: add(
                f"UBND {_in_sentence(u.name)} (cũ)",
                AgencyKind.LEGACY_COMMUNE_COMMITTEE,
                u,
                active=False,
                dissolved=DISSOLVED_ON,
            )
            for u in self.legacy_communes
        }
        self.district_committee = {
            u.pk: add(
                f"UBND {_in_sentence(u.name)} (cũ)",
                AgencyKind.LEGACY_DISTRICT_COMMITTEE,
                u,
                active=False,
                dissolved=DISSOLVED_ON,
            )
            for u in self.legacy_districts
        }
        self.departments = [
            add(name, AgencyKind.PROVINCIAL_DEPARTMENT, self.province) for name in PROVINCIAL_DEPARTMENTS
        ]
        Agency.objects.bulk_create(agencies, batch_size=1000)

        successions = [
            AgencySuccession(
                predecessor=self.legacy_committee[u.pk],
                successor=self.committee[self.successor_of[u.pk]],
                effective_date=MERGER_DATE,
                legal_basis="Sắp xếp ĐVHC cấp xã 2025",
            )
            for u in self.legacy_communes
            if u.pk in self.successor_of
        ]
        self.district_seat = {d.pk: self._nearest_new_unit(d.centroid) for d in self.legacy_districts}
        successions += [
            AgencySuccession(
                predecessor=self.district_committee[d.pk],
                successor=self.committee[self.district_seat[d.pk].pk],
                effective_date=MERGER_DATE,
                legal_basis="Kết thúc hoạt động cấp huyện 2025",
            )
            for d in self.legacy_districts
        ]
        AgencySuccession.objects.bulk_create(successions, batch_size=1000)
        self.summary.counts["agencies"] = len(agencies)
        self.summary.counts["agency_successions"] = len(successions)
        self.say(f"agencies: {len(agencies)}")

    def _nearest_new_unit(self, point: Point) -> AdministrativeUnit:
        return min(self.new_units, key=lambda u: (_distance_m(u.centroid, point), u.code))

    # -- premises ---------------------------------------------------------------------
    def premises(self):
        longitudes = sorted(u.centroid.x for u in self.legacy_communes)
        self.west_limit = longitudes[len(longitudes) // 4]
        self.premises_rows = []
        by_new_unit = self._former_headquarters()
        self._assign_statuses(by_new_unit)
        self._district_centres()
        self._department_sites()
        self._extra_sites()

        rows = self.premises_rows
        Premises.objects.bulk_create(rows, batch_size=2000)
        houses_from_premises(premises_ids=[p.pk for p in rows])  # each site with its one house
        self.summary.counts["premises"] = len(rows)
        self.say(f"premises: {len(rows)}")

    def _add_premises(self, name, unit_new, legacy, agency, point, *, district=False, department=False):
        """One premises in use as a headquarters, with its building drawn at random."""
        rng = self.rng
        large = district or department
        west = legacy is not None and legacy.centroid.x <= self.west_limit
        hardest = unit_new.short_name in STORM_HARDEST_HIT
        storm = west and rng.random() < (0.85 if hardest else 0.3)
        floors = rng.randint(3, 6) if large else rng.randint(1, 3)
        footprint = Decimal(rng.randrange(400, 1200, 10) if large else rng.randrange(150, 600, 10))
        floor_area = footprint * floors * Decimal(rng.choice(["0.85", "0.9", "0.95", "1"]))
        land = (footprint * rng.randint(4, 10)).quantize(Decimal(1))
        grade = (
            BuildingGrade.GRADE_II
            if large and rng.random() < 0.6
            else rng.choice([BuildingGrade.GRADE_III, BuildingGrade.GRADE_III, BuildingGrade.GRADE_IV])
        )
        year_built = rng.randint(1994, 2021)
        in_use = dt.date(year_built + rng.randint(0, 1), rng.randint(1, 12), 1)
        cost = _money(float(floor_area) * rng.uniform(4.5e6, 9.5e6))
        office = (land * Decimal(rng.choice(["0.5", "0.6", "0.7"]))).quantize(Decimal(1))
        building_class = self.building_class.get(grade)
        premises = Premises(
            code=f"{DEMO_PREFIX}TS-{len(self.premises_rows) + 1:06d}",
            name=name,
            location=point,
            address=(legacy or unit_new).name,
            admin_unit=unit_new,
            legacy_unit=legacy,
            agency=agency,
            status=PremisesStatus.IN_USE_HQ,
            condition=Condition.DAMAGED
            if storm and rng.random() < 0.6
            else rng.choice([Condition.GOOD, Condition.GOOD, Condition.FAIR, Condition.FAIR, Condition.POOR]),
            land_area=land,
            footprint_area=footprint,
            floor_area=floor_area.quantize(Decimal("0.01")),
            floors=floors,
            building_grade=grade,
            building_class=building_class,
            year_built=year_built,
            in_use_date=in_use,
            original_cost=cost,
            land_use_office=office,
            land_use_vacant=(land - office) if rng.random() < 0.5 else None,
            land_certificate=f"CT{rng.randint(100000, 999999)}" if rng.random() < 0.8 else "",
            is_flooded=rng.random() < (0.25 if not west else 0.1),
            has_landslide=west and rng.random() < 0.3,
            storm_damaged=storm,
            is_demo=True,
            notes="Dữ liệu mẫu (demo) — không phải số liệu thật.",
        )
        premises.valuation_date = self.valuation_date
        premises.remaining_value = valuation.remaining_value(
            cost, building_class.wear_rate if building_class else None, in_use, self.valuation_date
        )
        # the demo accounts agree with the check
        premises.book_remaining_value = premises.remaining_value
        premises.book_accumulated_wear = cost - premises.remaining_value
        premises.book_date = self.valuation_date
        self.premises_rows.append(premises)
        return premises

    def _former_headquarters(self) -> dict[int, list[Premises]]:
        """The former district seats and former commune committees' sites, by the new
        unit that took them over (a district seat first)."""
        rng = self.rng
        by_new_unit: dict[int, list[Premises]] = {u.pk: [] for u in self.new_units}
        for district in self.legacy_districts:
            seat = self.district_seat[district.pk]
            legacy = min(
                (c for c in self.legacy_communes if c.parent_id == district.pk),
                key=lambda c: (_distance_m(c.centroid, district.centroid), c.code),
                default=None,
            )
            p = self._add_premises(
                f"Trụ sở Huyện ủy - HĐND - UBND {_in_sentence(district.name)} (cũ)",
                seat,
                legacy,
                self.committee[seat.pk],
                _jitter(rng, district.centroid, 600),
                district=True,
            )
            by_new_unit[seat.pk].insert(0, p)
        for commune in self.legacy_communes:
            successor = self.unit_by_id[self.successor_of[commune.pk]]
            p = self._add_premises(
                f"Trụ sở UBND {_in_sentence(commune.name)} (cũ)",
                successor,
                commune,
                self.committee[successor.pk],
                _jitter(rng, commune.centroid, 900),
            )
            by_new_unit[successor.pk].append(p)
        return by_new_unit

    def _assign_statuses(self, by_new_unit: dict[int, list[Premises]]) -> None:
        """Each new unit keeps one predecessor site as its headquarters (a former district
        seat first, else the site nearest its centroid); the others are mostly surplus."""
        for unit in self.new_units:
            sites = by_new_unit[unit.pk]
            if not sites:
                continue
            district_sites = [s for s in sites if s.floors and s.name.startswith("Trụ sở Huyện ủy")]
            hq = (
                district_sites[0]
                if district_sites
                else min(sites, key=lambda s: (_distance_m(s.location, unit.centroid), s.code))
            )
            for site in sites:
                if site is not hq:
                    self._draw_site_status(site, unit)

    def _draw_site_status(self, site: Premises, unit: AdministrativeUnit) -> None:
        rng = self.rng
        roll = rng.random()
        if roll < 0.50:
            site.status = PremisesStatus.SURPLUS
        elif roll < 0.70:
            site.status = PremisesStatus.PARTLY_SURPLUS
            site.surplus_floor_area = (site.floor_area * Decimal(rng.choice(["0.3", "0.4", "0.5"]))).quantize(
                Decimal("0.01")
            )
        elif roll < 0.88:
            site.status = PremisesStatus.OTHER_PUBLIC_USE
            site.agency = self.service_unit[unit.pk]
        elif roll < 0.95:
            site.status = PremisesStatus.UNDER_HANDLING
        else:
            site.status = PremisesStatus.HANDLED

    def _district_centres(self) -> None:
        """Each former district also left a larger public-service building (culture and
        sports centre): surplus or partly surplus, the kind of building the archive
        siting study looks for."""
        rng = self.rng
        for district in self.legacy_districts:
            seat = self.district_seat[district.pk]
            p = self._add_premises(
                f"Trung tâm Văn hóa - Thể thao và Truyền thông {_in_sentence(district.name)} (cũ)",
                seat,
                None,
                self.service_unit[seat.pk],
                _jitter(rng, district.centroid, 1500),
                district=True,
            )
            if rng.random() < 0.6:
                p.status = PremisesStatus.SURPLUS
            else:
                p.status = PremisesStatus.PARTLY_SURPLUS
                p.surplus_floor_area = (p.floor_area * Decimal("0.6")).quantize(Decimal("0.01"))

    def _department_sites(self) -> None:
        rng = self.rng
        base = next((u for u in self.new_units if u.name == DEMO_COMMUNE_UNIT), self.new_units[0])
        for i, department in enumerate(self.departments):
            p = self._add_premises(
                f"Trụ sở {department.name}", base, None, department, _jitter(rng, base.centroid, 2500), department=True
            )
            if i % 7 == 6:
                p.status = PremisesStatus.PARTLY_SURPLUS
                p.surplus_floor_area = (p.floor_area * Decimal("0.35")).quantize(Decimal("0.01"))

    def _extra_sites(self) -> None:
        """--sites K: K-1 more, smaller public sites per former commune (cultural houses,
        satellite schools, clinics): data at the scale of the whole country for benchmarks."""
        rng = self.rng
        for round_no in range(1, self.sites):
            for commune in self.legacy_communes:
                successor = self.unit_by_id[self.successor_of[commune.pk]]
                p = self._add_premises(
                    f"{rng.choice(EXTRA_SITE_KINDS)} số {round_no} {_in_sentence(commune.name)} (cũ)",
                    successor,
                    commune,
                    self.service_unit[successor.pk],
                    _jitter(rng, commune.centroid, 3000),
                )
                p.status = rng.choice(EXTRA_SITE_STATUSES)
                if p.status == PremisesStatus.PARTLY_SURPLUS:
                    p.surplus_floor_area = (p.floor_area * Decimal("0.5")).quantize(Decimal("0.01"))
            if round_no % 20 == 0:
                self.say(f"premises: {len(self.premises_rows):,}")

    # -- assets -----------------------------------------------------------------------
    ASSET_KINDS = [
        # class code, names, unit, quantity range, unit cost range (VND), lines per premises (district, commune)
        (
            "OTO",
            ["Xe ô tô 7 chỗ", "Xe ô tô 5 chỗ", "Xe ô tô bán tải", "Xe ô tô 16 chỗ"],
            "chiếc",
            (1, 1),
            (650e6, 1450e6),
            (3, 0.35),
        ),
        (
            "MMTB-CNTT",
            [
                "Máy vi tính để bàn",
                "Máy tính xách tay",
                "Máy in laser",
                "Máy quét tài liệu",
                "Thiết bị mạng",
                "Máy chủ",
            ],
            "chiếc",
            (1, 15),
            (6e6, 28e6),
            (6, 4),
        ),
        (
            "MMTB-VP",
            ["Máy photocopy", "Máy chiếu", "Điều hòa nhiệt độ", "Hệ thống âm thanh hội trường"],
            "chiếc",
            (1, 6),
            (10e6, 85e6),
            (4, 2),
        ),
        (
            "MMTB-NT",
            ["Bộ bàn ghế làm việc", "Tủ đựng tài liệu", "Bộ bàn ghế hội trường", "Bàn ghế tiếp dân"],
            "bộ",
            (2, 30),
            (2.5e6, 12e6),
            (4, 3),
        ),
        (
            "MMTB-CD",
            ["Máy phát điện", "Máy bơm chữa cháy", "Thiết bị truyền thanh cơ sở", "Camera giám sát"],
            "chiếc",
            (1, 3),
            (25e6, 320e6),
            (2, 1),
        ),
        ("PTVT-KHAC", ["Xe mô tô"], "chiếc", (1, 2), (25e6, 45e6), (1, 0.5)),
    ]
    ASSET_COLUMNS = (
        "code",
        "name",
        "asset_class_id",
        "agency_id",
        "premises_id",
        "quantity",
        "unit_of_measure",
        "plate_number",
        "seats",
        "condition",
        "status",
        "notes",
        "original_cost",
        "in_use_date",
        "remaining_value",
        "valuation_date",
        "book_accumulated_wear",
        "book_remaining_value",
        "book_date",
        "is_demo",
        "created_at",
        "updated_at",
        "is_fixed_asset",
        "group_code",
    )

    def asset_rows(self):
        """Yield assets as tuples in ASSET_COLUMNS order, deterministically: a fixed
        asset per record, tools and instruments as lines with a quantity."""
        rng = self.rng
        n = 0
        now = self.now.isoformat()
        for premises in self.premises_rows:
            district = premises.floors and premises.floors >= 3 and premises.name.startswith("Trụ sở Huyện ủy")
            surplus_site = premises.status in SURPLUS_PREMISES_STATUSES
            for code, names, unit, (qmin, qmax), (cmin, cmax), (per_district, per_commune) in self.ASSET_KINDS:
                asset_class = self.classes[code]
                expected = per_district if district else per_commune
                lines = int(expected) + (1 if rng.random() < expected - int(expected) else 0)
                for _line in range(lines * self.scale):
                    n += 1
                    quantity = rng.randint(qmin, qmax)
                    cost = _money(rng.uniform(cmin, cmax) * quantity, 100_000)
                    in_use = dt.date(rng.randint(2008, 2024), rng.randint(1, 12), 1)
                    if premises.storm_damaged and rng.random() < 0.4:
                        condition, status = Condition.DAMAGED, AssetStatus.DAMAGED
                    elif surplus_site and rng.random() < 0.7:
                        condition, status = rng.choice([Condition.GOOD, Condition.FAIR]), AssetStatus.SURPLUS
                    elif code == "OTO" and district:
                        condition, status = Condition.FAIR, AssetStatus.SURPLUS
                    else:
                        condition, status = (
                            rng.choice([Condition.GOOD, Condition.GOOD, Condition.FAIR, Condition.POOR]),
                            AssetStatus.IN_USE,
                        )
                    car = code == "OTO"
                    name = rng.choice(names)
                    plate = f"37A-{rng.randint(100, 999)}.{rng.randint(10, 99)}" if car else ""
                    seats = rng.choice([5, 7, 16]) if car else None
                    # A fixed asset is one record per item (a line of twelve computers is
                    # twelve records of one group); tools and instruments stay a line.
                    fixed = Asset(
                        asset_class=asset_class,
                        in_use_date=in_use,
                        original_cost=cost,
                        quantity=quantity,
                    ).fixed_asset()
                    parts = quantity if fixed else 1
                    line_code = f"{DEMO_PREFIX}TS{n:08d}"
                    codes = fixed_assets.split_codes(line_code, parts, set())
                    for record_code, record_cost in zip(codes, fixed_assets.split_amount(cost, parts), strict=True):
                        remaining = valuation.remaining_value(
                            record_cost, asset_class.wear_rate, in_use, self.valuation_date
                        )
                        yield (
                            record_code,
                            name,
                            asset_class.pk,
                            premises.agency.pk,
                            premises.pk,
                            quantity if parts == 1 else 1,
                            unit,
                            plate,
                            seats,
                            condition,
                            status,
                            "Dữ liệu mẫu (demo)",
                            record_cost,
                            in_use,
                            remaining,
                            self.valuation_date,
                            # the demo accounts agree with the check
                            record_cost - remaining,
                            remaining,
                            self.valuation_date,
                            True,
                            now,
                            now,
                            fixed,
                            line_code if parts > 1 else "",
                        )

    def assets(self):
        started = time.perf_counter()
        total = copy_rows(
            Asset._meta.db_table, self.ASSET_COLUMNS, self.asset_rows(), progress=self.say, label="asset lines"
        )
        self.summary.asset_seconds = time.perf_counter() - started
        self.summary.counts["assets"] = total

    # -- needs and users --------------------------------------------------------------
    def needs(self):
        rng = self.rng
        uses = {u.code: u for u in PriorityUse.objects.all()}
        communes = sorted(self.committee.values(), key=lambda a: a.code)
        picked = rng.sample(communes, min(12, len(communes)))
        needs, n = [], 0

        def add(agency, kind, purpose, use, urgency, **extra):
            nonlocal n
            n += 1
            needs.append(
                Need(
                    code=f"{DEMO_PREFIX}NC-{n:04d}",
                    agency=agency,
                    kind=kind,
                    purpose=purpose,
                    priority_use=uses.get(use),
                    urgency=urgency,
                    status=NeedStatus.OPEN,
                    is_demo=True,
                    **extra,
                )
            )

        for i, agency in enumerate(picked):
            choice = i % 4
            if choice == 0:
                add(
                    agency,
                    NeedKind.FLOOR_AREA,
                    "Bố trí trụ sở công an xã",
                    "COMMUNE_POLICE",
                    NeedUrgency.HIGH,
                    floor_area=Decimal(rng.randrange(200, 500, 10)),
                )
            elif choice == 1:
                add(
                    agency,
                    NeedKind.ASSET,
                    "Bổ sung máy vi tính cho bộ phận một cửa",
                    "OFFICE",
                    NeedUrgency.NORMAL,
                    asset_class=self.classes["MMTB-CNTT"],
                    quantity=rng.randint(5, 15),
                )
            elif choice == 2:
                add(
                    agency,
                    NeedKind.FLOOR_AREA,
                    "Mở rộng trạm y tế",
                    "HEALTH",
                    NeedUrgency.NORMAL,
                    floor_area=Decimal(rng.randrange(150, 400, 10)),
                )
            else:
                add(
                    agency,
                    NeedKind.ASSET,
                    "Xe ô tô phục vụ công tác chung",
                    "OFFICE",
                    NeedUrgency.LOW,
                    asset_class=self.classes["OTO"],
                    quantity=1,
                )
        archive = next(a for a in self.departments if a.name == "Trung tâm Lưu trữ lịch sử tỉnh")
        add(
            archive,
            NeedKind.FLOOR_AREA,
            "Trụ sở làm việc kết hợp Kho lưu trữ lịch sử ổn định, lâu dài",
            "OFFICE",
            NeedUrgency.HIGH,
            floor_area=Decimal(2500),
        )
        Need.objects.bulk_create(needs)
        self.summary.counts["needs"] = len(needs)

    def handling(self):
        """Handling records for the premises generated as under handling (proposed or
        decided, some past their deadline) or handled (carried out or closed)."""
        rng = self.rng
        forms = {f.code: f for f in HandlingForm.objects.all()}
        uses = {u.code: u for u in PriorityUse.objects.all()}
        finance = User.objects.get(username="demo-finance")
        authority = DecisionAuthority.objects.order_by("sort_order", "pk").first()
        records, requests, decisions = [], [], []
        for p in self.premises_rows:
            if p.status not in (PremisesStatus.UNDER_HANDLING, PremisesStatus.HANDLED):
                continue
            form, use, intended = rng.choice(DEMO_HANDLING)
            proposed_on = self.today - dt.timedelta(days=rng.randint(10, 120))
            # Each demo site is its own request, filed and found complete the same day.
            request = HandlingRequest(
                agency_id=p.agency_id,
                status=RequestStatus.COMPLETE,
                purpose="Phương án sắp xếp, xử lý nhà, đất dôi dư (dữ liệu mẫu)",
                filed_by=finance,
                filed_at=timezone.make_aware(dt.datetime.combine(proposed_on, dt.time(9))),
                completed_on=proposed_on,
                completed_by=finance,
            )
            record = HandlingRecord(
                premises_id=p.pk,
                form=forms[form],
                priority_use=uses.get(use),
                current_use="Dôi dư sau sắp xếp",
                intended_use=intended,
                receiving_agency=self.service_unit.get(p.admin_unit_id) if form != "SELL" else None,
                previous_premises_status=PremisesStatus.SURPLUS,
                decision_due=proposed_on + dt.timedelta(days=20),
                basis="Phương án sắp xếp, xử lý nhà, đất dôi dư (dữ liệu mẫu)",
                created_by=finance,
                status=HandlingStatus.PROPOSED,
            )
            decision = None
            if p.status == PremisesStatus.HANDLED or rng.random() < 0.6:
                record.status = HandlingStatus.APPROVED
                record.decision_number = f"{rng.randint(100, 999)}/QĐ-UBND-{p.pk}"
                record.decision_date = min(self.today, proposed_on + dt.timedelta(days=rng.randint(5, 25)))
                record.decider = "Chủ tịch UBND tỉnh"
                record.deadline = record.decision_date + dt.timedelta(days=30)
                request.status = RequestStatus.DECIDED
                request.review_opinion, request.reviewed_by = "Đề nghị phê duyệt (dữ liệu mẫu)", finance
                decision = Decision(
                    number=record.decision_number,
                    date=record.decision_date,
                    signer=record.decider,
                    authority=authority,
                    recorded_by=finance,
                )
            if p.status == PremisesStatus.HANDLED:
                record.status = rng.choice([HandlingStatus.CARRIED_OUT, HandlingStatus.CLOSED])
                record.handover_number = f"BB-{rng.randint(1, 999)}"
                record.handover_date = min(self.today, record.decision_date + dt.timedelta(days=rng.randint(3, 30)))
                record.accounts_due = record.handover_date + dt.timedelta(days=30)
                if record.status == HandlingStatus.CLOSED:
                    record.closed_on = self.today
                    request.status = RequestStatus.CLOSED
            records.append(record)
            requests.append(request)
            decisions.append(decision)
        HandlingRequest.objects.bulk_create(requests, batch_size=2000)
        for request, decision, record in zip(requests, decisions, records, strict=True):
            record.request = request
            if decision is not None:
                decision.request = request
        Decision.objects.bulk_create([d for d in decisions if d is not None], batch_size=2000)
        for decision, record in zip(decisions, records, strict=True):
            record.decision = decision
        HandlingRecord.objects.bulk_create(records, batch_size=2000)
        self.summary.counts["handling_records"] = len(records)

    def users(self):
        password = demo_password()
        unit = next((u for u in self.new_units if u.name == DEMO_COMMUNE_UNIT), self.new_units[0])
        province = self.province
        # The province's Finance, auditor and administrator see it only; the Ministry
        # (a national Finance reviewer, no province) sees every province.
        specs = [
            (
                "demo-admin",
                Role.ADMIN,
                None,
                {"is_staff": True, "is_superuser": True, "province": province},
                "Quản trị (demo)",
            ),
            ("demo-finance", Role.FINANCE, None, {"province": province}, "Sở Tài chính (demo)"),
            ("demo-auditor", Role.AUDITOR, None, {"province": province}, "Kiểm toán (demo)"),
            ("demo-commune", Role.DECLARANT, unit, {}, f"{unit.name} (demo)"),
            ("demo-ministry", Role.FINANCE, None, {}, "Bộ Tài chính (demo)"),
        ]
        for username, role, admin_unit, flags, full_name in specs:
            # a demo user kept (deactivated) by the last clear, for a record it made, returns
            user = User.objects.filter(username=username).first() or User(username=username)
            fields = {
                "role": role,
                "admin_unit": admin_unit,
                "agency": self.committee.get(admin_unit.pk) if admin_unit else None,
                "first_name": full_name,
                "is_active": True,
                "is_staff": False,
                "is_superuser": False,
                "province": None,
                **flags,
            }
            for name, value in fields.items():
                setattr(user, name, value)
            user.set_password(password)
            user.save()
        self.summary.counts["users"] = len(specs)


def generate(seed: int = 1, scale: int = 1, province_code: str = "40", progress=None, sites: int = 1) -> DemoSummary:
    """Generate the demo data set in one transaction; refuses if demo data is present.

    `scale` multiplies the asset lines of every premises; `sites` multiplies the premises
    (K-1 more per former commune), and so the asset lines with them."""
    started = time.perf_counter()
    if scale < 1 or sites < 1:
        raise DemoDataError(_("The scale must be at least 1."))
    province = AdministrativeUnit.objects.filter(level=UnitLevel.PROVINCE, code=province_code).first()
    if province is None:
        raise DemoDataError(
            _("Province %(code)s is not loaded: run load_reference_data first.") % {"code": province_code}
        )
    if demo_present():
        raise DemoDataError(_("Demo data is already present: use --replace to generate it again."))
    with pghistory.context(command="generate_demo", seed=seed, scale=scale, sites=sites), transaction.atomic():
        # The history context is set by the first statement of the transaction; the COPY
        # that follows runs in the same transaction and so is attributed to it too.
        generator = _Generator(province, seed, scale, progress, sites=sites)
        generator.agencies()
        generator.premises()
        generator.assets()
        generator.needs()
        generator.users()
        generator.handling()
    generator.summary.total_seconds = time.perf_counter() - started
    return generator.summary
