"""The collections of /ogc/: what each publishes, to whom, and what a filter may name.

Each collection reads its rows through the same scope as the REST API (`visible_to(user)`
on the model's default manager: live rows only) and publishes the REST API's field list
of that model; the public collection reads `inventory.public` (its allow-list is the only
source of its properties) and needs no login.
"""

from dataclasses import dataclass, field

from django.contrib.gis.db.models import PointField
from django.db.models import F
from django.db.models.functions import Coalesce

from inventory import public
from inventory.api.ogc.cql2 import Queryable
from inventory.api.plans import SITE_PLAN_FIELDS
from inventory.api.serializers import ASSET_FIELDS, HANDLING_FIELDS, HOUSE_FIELDS, PREMISES_FIELDS
from inventory.choices import (
    AssetStatus,
    BuildingGrade,
    Condition,
    HandlingStatus,
    PremisesStatus,
    SitePlanStatus,
    SitePlanUse,
)
from inventory.models import AdministrativeUnit, Asset, HandlingRecord, House, Premises, SitePlan


@dataclass(frozen=True)
class Layer:
    id: str
    title: str
    description: str
    rows: object  # user → queryset (scoped, annotated)
    fields: list  # the properties
    geometry: str  # field path of the geometry (SRID 4326)
    geometry_format: str
    queryables: list = field(default_factory=list)
    public: bool = False  # readable without a login
    # The same rows without the annotations (and their joins), for numberMatched; the
    # queryables' paths name model fields, so a filter means the same on both.
    counted: object = None

    def rows_to_count(self, user):
        return (self.counted or self.rows)(user)

    def all_queryables(self) -> list[Queryable]:
        return [*self.queryables, Queryable("geometry", "geometry", self.geometry, format=self.geometry_format)]


def _choices(choices) -> tuple:
    return tuple(choices.values)


def _s(name, path="", **kw):
    return Queryable(name, "string", path, **kw)


def _n(name, path="", **kw):
    return Queryable(name, "number", path, **kw)


def _i(name, path="", **kw):
    return Queryable(name, "integer", path, **kw)


def _b(name, path="", **kw):
    return Queryable(name, "boolean", path, **kw)


def _d(name, path="", **kw):
    return Queryable(name, "date", path, **kw)


def _premises(user):
    return Premises.objects.visible_to(user).annotate(
        commune=F("admin_unit__name"), commune_code=F("admin_unit__code"), agency_name=F("agency__name")
    )


def _premises_assets(user):
    return Premises.objects.visible_to(user).annotate(
        asset_lines=F("rollup__asset_lines"),
        asset_items=F("rollup__asset_items"),
        asset_value=F("rollup__asset_value"),
        surplus_asset_items=F("rollup__surplus_asset_items"),
        surplus_asset_value=F("rollup__surplus_asset_value"),
    )


def _houses(user):
    return (
        House.objects.visible_to(user)
        .filter(premises__deleted_at__isnull=True)
        .annotate(premises_code=F("premises__code"))
    )


def _assets(user):
    return Asset.objects.visible_to(user).annotate(
        premises_code=F("premises__code"), asset_class_code=F("asset_class__code")
    )


def _handling(user):
    return HandlingRecord.objects.visible_to(user).annotate(
        site_location=Coalesce("premises__location", "asset__premises__location", output_field=PointField(srid=4326)),
        form_code=F("form__code"),
        premises_code=F("premises__code"),
    )


def _site_plans(user):
    return SitePlan.objects.visible_to(user).annotate(premises_code=F("premises__code"))


def _communes(user):
    return AdministrativeUnit.objects.communes()


def _public_sites(user):
    return public.published_sites()


PREMISES_QUERYABLES = [
    _i("id"),
    _s("code", title="code"),
    _s("name", title="name"),
    _s("address"),
    _s("commune", "admin_unit__name", title="commune (since 2025)"),
    _s("commune_code", "admin_unit__code"),
    _i("admin_unit", "admin_unit_id"),
    _i("agency", "agency_id"),
    _s("agency_name", "agency__name"),
    _s("status", enum=_choices(PremisesStatus)),
    _s("condition", enum=_choices(Condition)),
    _n("land_area"),
    _n("land_value"),
    _n("footprint_area"),
    _n("floor_area"),
    _n("surplus_floor_area"),
    _i("floors"),
    _s("building_grade", enum=_choices(BuildingGrade)),
    _i("year_built"),
    _d("in_use_date"),
    _n("original_cost"),
    _n("book_remaining_value"),
    _n("remaining_value"),
    _b("is_flooded"),
    _b("has_landslide"),
    _b("storm_damaged"),
]

LAYERS = {
    layer.id: layer
    for layer in (
        Layer(
            "premises",
            "Premises",
            "Headquarters and other public premises (cơ sở nhà, đất): status, areas, values, hazards.",
            _premises,
            [*PREMISES_FIELDS, "commune", "commune_code", "agency_name"],
            "location",
            "geometry-point",
            PREMISES_QUERYABLES,
            counted=lambda user: Premises.objects.visible_to(user),
        ),
        Layer(
            "houses",
            "Houses",
            "The houses (nhà) of each site: grade, floors, areas, costs, at their site's location.",
            _houses,
            [*HOUSE_FIELDS, "premises", "premises_code"],
            "premises__location",
            "geometry-point",
            [
                _i("id"),
                _s("name"),
                _i("premises", "premises_id"),
                _s("premises_code", "premises__code"),
                _s("building_grade", enum=_choices(BuildingGrade)),
                _i("year_built"),
                _i("floors"),
                _n("floor_area"),
                _n("footprint_area"),
                _n("original_cost"),
                _n("remaining_value"),
                _s("condition", enum=_choices(Condition)),
            ],
            counted=lambda user: House.objects.visible_to(user).filter(premises__deleted_at__isnull=True),
        ),
        Layer(
            "assets",
            "Assets",
            "Fixed assets and lines of tools (tài sản), at the location of their premises.",
            _assets,
            [*ASSET_FIELDS, "premises_code", "asset_class_code"],
            "premises__location",
            "geometry-point",
            [
                _i("id"),
                _s("code"),
                _s("name"),
                _s("group_code"),
                _b("is_fixed_asset"),
                _s("asset_class_code", "asset_class__code"),
                _i("agency", "agency_id"),
                _i("premises", "premises_id"),
                _s("premises_code", "premises__code"),
                _n("quantity"),
                _s("plate_number"),
                _i("seats"),
                _s("condition", enum=_choices(Condition)),
                _s("status", enum=_choices(AssetStatus)),
                _n("original_cost"),
                _n("remaining_value"),
                _d("in_use_date"),
            ],
            counted=lambda user: Asset.objects.visible_to(user),
        ),
        Layer(
            "handling-records",
            "Handling records",
            "Handling of premises and assets (xử lý tài sản): form, decision, deadlines, at the site's location.",
            _handling,
            [*HANDLING_FIELDS, "form_code", "premises_code"],
            "site_location",
            "geometry-point",
            [
                _i("id"),
                _i("premises", "premises_id"),
                _s("premises_code", "premises__code"),
                _i("asset", "asset_id"),
                _s("form_code", "form__code"),
                _s("status", enum=_choices(HandlingStatus)),
                _s("decision_number"),
                _d("decision_date"),
                _d("deadline"),
                _d("handover_date"),
                _n("floor_area"),
                _n("quantity"),
            ],
        ),
        Layer(
            "site-plans",
            "Site plans",
            "The plan of each surplus site (phương án sắp xếp lại, xử lý nhà, đất): use, managing unit.",
            _site_plans,
            [*SITE_PLAN_FIELDS, "premises_code"],
            "premises__location",
            "geometry-point",
            [
                _i("id"),
                _i("premises", "premises_id"),
                _s("premises_code", "premises__code"),
                _s("use", enum=_choices(SitePlanUse)),
                _s("status", enum=_choices(SitePlanStatus)),
                _d("start_date"),
                _d("end_date"),
                _s("decision_ref"),
            ],
            counted=lambda user: SitePlan.objects.visible_to(user),
        ),
        Layer(
            "units",
            "Communes since 2025",
            "Communes and wards of the two-level government (xã, phường), at their centroids.",
            _communes,
            ["id", "code", "name", "type_name", "area_km2"],
            "centroid",
            "geometry-point",
            [_i("id"), _s("code"), _s("name"), _s("type_name"), _n("area_km2")],
        ),
        Layer(
            "assets-by-premises",
            "Assets by premises",
            "Asset totals of each premises: lines, items, remaining value, and how much is surplus.",
            _premises_assets,
            [
                "id",
                "code",
                "name",
                "status",
                "asset_lines",
                "asset_items",
                "asset_value",
                "surplus_asset_items",
                "surplus_asset_value",
            ],
            "location",
            "geometry-point",
            [
                _i("id"),
                _s("code"),
                _s("name"),
                _s("status", enum=_choices(PremisesStatus)),
                _i("asset_items", "rollup__asset_items"),
                _n("asset_value", "rollup__asset_value"),
                _i("surplus_asset_items", "rollup__surplus_asset_items"),
            ],
        ),
        Layer(
            "public-sites",
            "Public register of surplus sites",
            "Surplus and partly surplus sites that Finance made public (công khai), with their stage and intended use.",
            _public_sites,
            list(public.GEOJSON_FIELDS),  # the allow-list, and nothing else
            "location",
            "geometry-point",
            [
                _s("code"),
                _s("name"),
                _s("commune"),
                _s("former_commune"),
                _n("land_area"),
                _n("floor_area"),
                _n("surplus_floor_area"),
                _s("decision_number"),
                _d("decision_date"),
            ],
            public=True,
        ),
    )
}
