"""Operations of the maps app, each in a transaction with an explicit actor."""

from pathlib import Path

from django.db import transaction

from inventory.geodata import LINES, POINTS, POLYGONS, read_features
from inventory.history import history_context
from maps.choices import FloorLoadStatus, LayerKind
from maps.models import ArchiveRecordSource, HazardFeature, HazardLayer, RoadClass
from maps.routing import build_network, road_class_code

# Attributes a road layer commonly names its class by, tried in order when none is named.
ROAD_CLASS_FIELDS = ("road_class", "highway", "class", "cap_duong", "loai_duong", "fclass")

ALLOWED_GEOMETRIES = {
    LayerKind.FLOOD: POLYGONS,
    LayerKind.LANDSLIDE: POLYGONS,
    LayerKind.HAZARD_SITE: POINTS | POLYGONS,
    LayerKind.POLLUTION: POINTS | POLYGONS,
    LayerKind.VIBRATION: POINTS | POLYGONS | LINES,
    LayerKind.ROAD: LINES,
}


@history_context(command="import_layer")
@transaction.atomic
def import_layer(
    path,
    kind: str,
    name: str,
    actor=None,
    label_field: str | None = None,
    is_demo: bool = False,
    srs: int | None = None,
    class_field: str | None = None,
) -> HazardLayer:
    """A new layer from a GeoJSON/Shapefile: reprojected to WGS 84; an empty file, a
    geometry of the wrong type or an invalid one is refused and nothing is written. `srs`
    names the file's system when the file does not (VN-2000: 9208 or 3405).

    A road layer's features get the road class their `class_field` attribute means
    (by code or alias of `RoadClass`; the first of ROAD_CLASS_FIELDS found when no
    field is named; the unknown class otherwise) in the `road_class` property, and the
    road network is rebuilt from every road layer."""
    features, source_crs = read_features(
        path,
        ALLOWED_GEOMETRIES[kind],
        label_field=label_field,
        srs=srs,
        required_fields=(class_field,) if class_field else (),
    )
    if kind == LayerKind.ROAD:
        classes = list(RoadClass.objects.all())
        for f in features:
            field = class_field or next((k for k in ROAD_CLASS_FIELDS if k in f.properties), None)
            f.properties["road_class"] = road_class_code(f.properties.get(field) if field else None, classes)
    layer = HazardLayer.objects.create(
        name=name, kind=kind, source=Path(path).name, source_crs=source_crs, is_demo=is_demo, imported_by=actor
    )
    HazardFeature.objects.bulk_create(
        [
            HazardFeature(
                layer=layer,
                geometry=f.geometry,
                label=str(f.properties.get(label_field) or "") if label_field else "",
                properties={
                    k: v if isinstance(v, int | float | str | bool) or v is None else str(v)
                    for k, v in f.properties.items()
                },
            )
            for f in features
        ]
    )
    if kind == LayerKind.ROAD:
        build_network()
    return layer


# -- uploads ------------------------------------------------------------------------------
def import_upload(actor, upload, kind: str, name: str, srs: int | None = None) -> HazardLayer:
    """An uploaded layer written to a temporary folder (a zipped Shapefile is unpacked,
    within bounds) and imported; a GeodataError says what is wrong, nothing is written."""
    import tempfile

    from inventory.geodata import unpack_upload

    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / Path(upload.name).name
        with path.open("wb") as out:
            for chunk in upload.chunks():
                out.write(chunk)
        return import_layer(unpack_upload(path, Path(folder)), kind, name, actor=actor, srs=srs)


# -- archive siting studies ---------------------------------------------------------------
CENTRE_UNIT = "Phường Thành Vinh"
ARCHIVE_CENTER = "Trung tâm Lưu trữ lịch sử tỉnh"


def provincial_centre():
    """Recorded on a study for reference only: no criterion measures from it."""
    from inventory.models import AdministrativeUnit

    unit = AdministrativeUnit.objects.filter(name=CENTRE_UNIT).first() or AdministrativeUnit.objects.provinces().first()
    return unit.centroid


def record_sources():
    """The record sources in use; on first use they are made from the former districts
    on record (the reference data is loaded after the migrations on a new database)."""
    from django.apps import apps

    from maps.criteria import seed_record_sources

    seed_record_sources(apps)
    return ArchiveRecordSource.objects.filter(is_active=True).select_related("unit")


def shelf_metres_from_sources() -> tuple[float, list[dict]]:
    """The shelving the Center must receive: the sum over the sources in use, and each."""
    rows = [
        {
            "name": s.name,
            "kind": s.kind,
            "units": s.units,
            "metres_per_unit": float(s.metres_per_unit),
            "shelf_metres": float(s.shelf_metres),
            "verify": s.verify,
        }
        for s in record_sources()
    ]
    return sum(r["shelf_metres"] for r in rows), rows


def candidate_premises(actor, extra=()):
    """The surplus and partly surplus premises the actor sees, plus those named."""
    from inventory.models import Premises

    return [*Premises.objects.visible_to(actor).surplus(), *extra]


@transaction.atomic
def create_study(actor, study, extra_candidates=()):
    """Save a new study (the unsaved `study` from the form) with its candidates and run
    it. Without a shelving figure, the shelving is the sum of the record sources."""
    from maps.siting import run_study

    sources = None
    if study.shelf_metres is None:
        total, sources = shelf_metres_from_sources()
        study.shelf_metres = round(total, 1)
    study.centre, study.created_by = provincial_centre(), actor
    study.save()
    study.candidates.set(candidate_premises(actor, extra_candidates))
    run_study(study)
    if sources is not None:
        study.results["record_sources"] = sources
        study.save(update_fields=["results"])
    return study


STUDY_INPUTS = (
    "name",
    "shelf_metres",
    "growth_metres_per_year",
    "growth_years",
    "shelving",
    "office_area",
    "processing_area",
    "reading_area",
    "technical_area",
    "centre",
    "seed",
    "random_sets",
)


@transaction.atomic
def rerun_study(actor, previous):
    """A new version of a study with the criteria and inspections as they are now."""
    from maps.models import SitingStudy
    from maps.siting import run_study

    study = SitingStudy.objects.create(
        **{name: getattr(previous, name) for name in STUDY_INPUTS},
        version=previous.version + 1,
        previous=previous,
        created_by=actor,
    )
    study.candidates.set(previous.candidates.all())
    results = run_study(study)
    if "record_sources" in previous.results:
        study.results = {**results, "record_sources": previous.results["record_sources"]}
        study.save(update_fields=["results"])
    return study


def chosen_premises(study):
    """The building chosen from this study: the premises of its latest handling record
    that was not cancelled (linked by `SitingChoice`, not by searching the grounds)."""
    from inventory.choices import HandlingStatus

    choice = (
        study.choices.exclude(handling_record__status=HandlingStatus.CANCELLED)
        .select_related("handling_record__premises")
        .order_by("-created_at", "-pk")
        .first()
    )
    return choice.handling_record.premises if choice else None


def archive_center():
    """The Provincial Historical Archive Center, the receiver of the chosen building."""
    from inventory.models import Agency

    return Agency.objects.filter(name=ARCHIVE_CENTER).order_by("pk").first()


# Law 15/2017 Art. 42.1: a change of the managing body on reorganisation (the records of
# the abolished districts go to the Center, and the building with them).
TRANSFER_REASON = "TRF-REORG"


def choose_building(actor, study, premises_id):
    """Record a ranked candidate as a proposed transfer (điều chuyển) of the building to
    the Provincial Historical Archive Center, linked to the study — not a change of
    function under its old holder (LEGAL.md); a change of function only when the Center
    holds it already. A ValidationError (translated) otherwise."""
    from django.core.exceptions import ValidationError
    from django.utils.translation import gettext as _

    from inventory.services.handling import propose_handling
    from maps.models import SitingChoice

    premises = study.candidates.filter(pk=premises_id).first() if premises_id else None
    ranked = {r["id"]: r for r in study.results.get("ranked", [])}
    if premises is None or premises.pk not in ranked:
        raise ValidationError(_("Only a candidate that meets every hard constraint can be chosen."))
    if ranked[premises.pk].get("floor_load_status") == FloorLoadStatus.NEEDS_INSPECTION:
        raise ValidationError(
            _(
                "%(premises)s needs a structural inspection before it can be chosen: record one, "
                "then run the study again."
            )
            % {"premises": premises}
        )
    center = archive_center()
    if center is None:
        raise ValidationError(
            _("The Provincial Historical Archive Center is not on record as an agency: add it first.")
        )
    own = premises.agency_id == center.pk
    with transaction.atomic():
        record = propose_handling(
            actor,
            premises,
            "CONVERT_FUNCTION" if own else "TRANSFER",
            reason_code=None if own else TRANSFER_REASON,
            receiving_agency=None if own else center,
            priority_use_code="OFFICE",
            intended_use=_("Office and historical archive repository of the Provincial Historical Archive Center"),
            basis=_("Siting study “%(name)s” v%(version)s (#%(pk)s)")
            % {"name": study.name, "version": study.version, "pk": study.pk},
        )
        SitingChoice.objects.create(study=study, handling_record=record)
    return premises


@history_context(command="record_inspection")
@transaction.atomic
def record_inspection(actor, inspection):
    """Store a structural inspection (the unsaved instance from the form)."""
    inspection.created_by = actor
    inspection.full_clean()
    inspection.save()
    return inspection


@history_context(command="save_criteria")
@transaction.atomic
def save_criteria(actor, *formsets):
    """Save the edited criteria and record sources together (both or neither)."""
    for formset in formsets:
        formset.save()
