"""Reusable query logic. `visible_to(user)` is the one place that decides what a user
may see: every view, export, tile and API endpoint goes through it."""

from contextlib import contextmanager

from django.contrib.gis.db import models
from django.contrib.gis.db.models import QuerySet
from django.db import connection, transaction
from django.db.models import Case, F, Q, When
from django.db.models.functions import Abs, Cast

from inventory.choices import (
    PLAN_PREMISES_STATUSES,
    SURPLUS_PREMISES_STATUSES,
    AssetCategory,
    AssetStatus,
    PremisesStatus,
    SitePlanStatus,
    UnitLevel,
)


def _scope_of(user):
    """What `user` sees: a unit's, a province's, every record, or none (`permissions.Scope`)."""
    from inventory.permissions import scope

    return scope(user)


def _in_scope(rows, scope, belongs_to):
    """`rows` limited to `scope`: a province's rows by their province key, a unit's by the
    unit rule `belongs_to(unit_id)` of their model."""
    if scope.nothing:
        return rows.none()
    if scope.unit:
        return rows.filter(belongs_to(scope.unit))
    if scope.province:
        return rows.filter(province_id=scope.province)
    return rows


def history_visible_to(model, rows, user):
    """`visible_to(user)` for rows of `model`'s history (its event rows, or `as_of` rows,
    which carry the model's columns, the province key among them): the same rules."""
    return _in_scope(rows, _scope_of(user), model.objects.belongs_to)


class AdministrativeUnitQuerySet(QuerySet):
    def provinces(self):
        return self.filter(level=UnitLevel.PROVINCE)

    def communes(self):
        return self.filter(level=UnitLevel.COMMUNE)

    def legacy_districts(self):
        return self.filter(level=UnitLevel.LEGACY_DISTRICT)

    def legacy_communes(self):
        return self.filter(level=UnitLevel.LEGACY_COMMUNE)

    def offered_to(self, user):
        """The units a user's filters offer: all of them to those who see every unit; to a
        commune's user their commune, the former communes merged into it (lineage) and the
        former districts of those — no other unit matches a record they can see. A
        provincial reviewer: the province and its units."""
        scope = _scope_of(user)
        if scope.nothing:
            return self.none()
        if scope.unit:
            merged = self.model.objects.filter(successor_links__successor_id=scope.unit)
            return self.filter(Q(pk=scope.unit) | Q(pk__in=merged.values("pk")) | Q(pk__in=merged.values("parent_id")))
        if scope.province:
            return self.filter(Q(province_id=scope.province) | Q(pk=scope.province))
        return self

    def in_province(self, province):
        return self.filter(Q(province=province) | Q(pk=province.pk))


class ScopedQuerySet(QuerySet):
    """A queryset whose rows belong to an administrative unit through `unit_path`, and
    to a province through their province key (`models.province`).

    Records belong to the unit of the agency that manages or holds them: a provincial
    department's building in a ward is the department's, not the ward's."""

    unit_path = "agency__admin_unit"

    def visible_to(self, user):
        return _in_scope(self, _scope_of(user), self.belongs_to)

    def belongs_to(self, unit_id) -> Q:
        """The condition for rows of the unit `unit_id`."""
        return Q(**{f"{self.unit_path}_id": unit_id})


class AgencyQuerySet(ScopedQuerySet):
    unit_path = "admin_unit"

    def active(self):
        return self.filter(is_active=True)


def book_differs(queryset, differs: bool = True):
    """Rows whose book remaining value differs from the check (the recomputed value) by
    more than `settings.BOOK_CHECK_TOLERANCE_VND`, for review by Finance; `differs=False`:
    the others. The rule of `ValuedModel.book_differs`; works on history rows too (as_of)."""
    from inventory.models.valued import book_check_tolerance

    both = Q(book_remaining_value__isnull=False, remaining_value__isnull=False)
    far = Q(book_check_gap__gt=book_check_tolerance())
    rows = queryset.alias(book_check_gap=Abs(F("book_remaining_value") - F("remaining_value")))
    return rows.filter(both & far) if differs else rows.exclude(both & far)


class BookValueQuerySet(QuerySet):
    """Queries over the book values of `ValuedModel` records."""

    def book_differs(self, differs: bool = True):
        return book_differs(self, differs)


# -- the surplus floor area of a premises: one rule, in Python, the ORM and SQL ----------
def surplus_floor_area(status, floor_area, surplus_floor_area):
    """The floor area a premises has to spare (m²): all of it when surplus, the declared
    surplus part when partly surplus, None otherwise (or when not stated)."""
    if status == PremisesStatus.SURPLUS:
        return floor_area
    if status == PremisesStatus.PARTLY_SURPLUS:
        return surplus_floor_area
    return None


def surplus_floor_area_expression():
    """`surplus_floor_area` as an ORM expression over a premises row."""
    return Case(
        When(status=PremisesStatus.SURPLUS, then=F("floor_area")),
        When(status=PremisesStatus.PARTLY_SURPLUS, then=F("surplus_floor_area")),
        default=None,
    )


def surplus_floor_area_sql(row: str = "") -> str:
    """`surplus_floor_area` as SQL over a row with `status`, `floor_area` and
    `surplus_floor_area` columns (a premises, or a rollup row), e.g. `row="p."`."""
    return (
        f"CASE {row}status WHEN '{PremisesStatus.SURPLUS}' THEN {row}floor_area"
        f" WHEN '{PremisesStatus.PARTLY_SURPLUS}' THEN {row}surplus_floor_area END"
    )


class PremisesQuerySet(BookValueQuerySet, ScopedQuerySet):
    def surplus(self):
        """Surplus and partly surplus premises (dôi dư)."""
        return self.filter(status__in=SURPLUS_PREMISES_STATUSES)

    def needing_plan(self):
        """Sites that need a site plan: surplus, partly surplus or under handling."""
        return self.filter(status__in=PLAN_PREMISES_STATUSES)

    def without_approved_plan(self):
        """Sites that need a site plan and have no approved one (Công điện 213)."""
        return self.needing_plan().exclude(site_plans__status=SitePlanStatus.APPROVED)

    def within(self, geom):
        return self.filter(location__within=geom)


class AssetQuerySet(BookValueQuerySet, ScopedQuerySet):
    def surplus(self):
        return self.filter(status=AssetStatus.SURPLUS)

    def cars(self, cars: bool = True):
        """Cars (xe ô tô): form 04b; `cars=False`: everything else."""
        q = Q(asset_class__category=AssetCategory.CAR)
        return self.filter(q) if cars else self.exclude(q)

    def land_use_rights(self, rights: bool = True):
        """Land-use rights (quyền sử dụng đất), declared with the land (form 04a)."""
        from inventory.legal_lists import LAND_USE_RIGHT_CLASS

        q = Q(asset_class__code=LAND_USE_RIGHT_CLASS)
        return self.filter(q) if rights else self.exclude(q)

    def cost_per_unit_at_least(self, amount):
        """Assets whose original cost per unit (cost ÷ quantity) is at least `amount`."""
        # numeric, not integer: quantity × 500,000,000 overflows a PostgreSQL integer
        per_unit = Cast("quantity", models.DecimalField(max_digits=18, decimal_places=0)) * amount
        return self.filter(original_cost__gte=per_unit)


class NeedQuerySet(ScopedQuerySet):
    pass


class HouseQuerySet(ScopedQuerySet):
    """A house belongs to the unit of its premises' managing agency."""

    unit_path = "premises__agency__admin_unit"


def live_manager(queryset_class):
    """The default manager of a soft-deleted model: live records only."""

    class LiveManager(models.Manager.from_queryset(queryset_class)):
        def get_queryset(self):
            return super().get_queryset().filter(deleted_at__isnull=True)

    return LiveManager()


@contextmanager
def without_jit():
    """Run the queries inside with PostgreSQL's JIT off, in one transaction (`SET LOCAL`,
    undone at its end, error or not). For reads whose cost estimate passes `jit_above_cost`
    but which run in a fraction of a second: compiling took 2.7 s of the public register's
    3.1 s (bench/bench_public.py) and about 1 s of an OGC filtered count's 1.1 s
    (bench/bench_ogc.py). Usable as a decorator."""
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL jit = off")
        yield
