"""Map pages: the archive repository siting study and the hazard layers."""

import json
import tempfile
from pathlib import Path

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from inventory.choices import HandlingStatus
from inventory.geodata import GeodataError, unpack_upload
from inventory.models import AdministrativeUnit, Premises
from inventory.permissions import can_review, can_see_siting
from inventory.services.handling import propose_handling
from inventory.views.common import pdf_response, record_id
from maps.forms import CriterionFormSet, LayerUploadForm, SitingStudyForm
from maps.models import HazardLayer, SitingChoice, SitingCriterion, SitingStudy
from maps.services import import_layer
from maps.siting import run_study

CENTRE_UNIT = "Phường Thành Vinh"


def _require_read(user):
    """Siting is a provincial matter: those who see the whole province (Finance,
    auditors, administrators)."""
    if not can_see_siting(user):
        raise PermissionDenied


def _require_review(user):
    if not can_review(user):
        raise PermissionDenied


def _centre():
    unit = AdministrativeUnit.objects.filter(name=CENTRE_UNIT).first() or AdministrativeUnit.objects.provinces().first()
    return unit.centroid


def _list_page(request, form, status=200):
    return render(
        request,
        "maps/siting_list.html",
        {
            "studies": SitingStudy.objects.select_related("created_by")[:100],
            "form": form,
            "criteria": SitingCriterion.objects.all(),
            "layers": HazardLayer.objects.all(),
            "may_review": can_review(request.user),
        },
        status=status,
    )


@login_required
def siting_list(request):
    _require_read(request.user)
    return _list_page(
        request,
        SitingStudyForm(
            initial={
                "name": _("Repository of the Provincial Historical Archive Center"),
                "shelf_metres": 6000,
                "growth_metres_per_year": 100,
                "growth_years": 20,
                "office_area": 400,
                "seed": 1,
                "random_sets": 200,
            }
        ),
    )


@login_required
@require_POST
def siting_create(request):
    _require_review(request.user)
    form = SitingStudyForm(request.POST)
    if not form.is_valid():
        return _list_page(request, form, status=400)
    with transaction.atomic():
        study = form.save(commit=False)
        study.centre, study.created_by = _centre(), request.user
        study.save()
        study.candidates.set(
            [*Premises.objects.visible_to(request.user).surplus(), *form.cleaned_data["extra_candidates"]]
        )
        run_study(study)
    return redirect("maps:siting_detail", study.pk)


@login_required
@require_POST
def siting_rerun(request, pk):
    """A new version of a study with the criteria as they are now."""
    _require_review(request.user)
    previous = get_object_or_404(SitingStudy, pk=pk)
    with transaction.atomic():
        study = SitingStudy.objects.create(
            name=previous.name,
            version=previous.version + 1,
            previous=previous,
            shelf_metres=previous.shelf_metres,
            growth_metres_per_year=previous.growth_metres_per_year,
            growth_years=previous.growth_years,
            shelving=previous.shelving,
            office_area=previous.office_area,
            centre=previous.centre,
            seed=previous.seed,
            random_sets=previous.random_sets,
            created_by=request.user,
        )
        study.candidates.set(previous.candidates.all())
        run_study(study)
    return redirect("maps:siting_detail", study.pk)


def _comparison(study):
    """Rank of each candidate in this version and the previous one."""
    if study.previous is None:
        return None
    before = {r["code"]: r["rank"] for r in study.previous.results.get("ranked", [])}
    return [
        {"code": r["code"], "name": r["name"], "rank": r["rank"], "previous_rank": before.get(r["code"])}
        for r in study.results.get("ranked", [])
    ]


def _context(study):
    criteria = {c["code"]: c for c in study.criteria}
    weighted = [c for c in study.criteria if c["kind"] == "weighted"]
    return {
        "study": study,
        "results": study.results,
        "criteria": criteria,
        "weighted": weighted,
        "hard": [c for c in study.criteria if c["kind"] == "hard"],
        "comparison": _comparison(study),
    }


def chosen_premises(study):
    """The building chosen from this study: the premises of its latest handling record
    that was not cancelled (linked by `SitingChoice`, not by searching the grounds)."""
    choice = (
        study.choices.exclude(handling_record__status=HandlingStatus.CANCELLED)
        .select_related("handling_record__premises")
        .order_by("-created_at", "-pk")
        .first()
    )
    return choice.handling_record.premises if choice else None


@login_required
def siting_detail(request, pk):
    _require_read(request.user)
    study = get_object_or_404(SitingStudy.objects.select_related("previous", "created_by"), pk=pk)
    return render(
        request,
        "maps/siting_detail.html",
        {
            **_context(study),
            "layers": HazardLayer.objects.all(),
            "may_review": can_review(request.user),
            "chosen": chosen_premises(study),
        },
    )


@login_required
def siting_report(request, pk, pdf=False):
    """The report for the decision file: inputs, method, results and sources."""
    _require_read(request.user)
    study = get_object_or_404(SitingStudy, pk=pk)
    context = {**_context(study), "printable": True}
    if not pdf:
        return render(request, "maps/siting_report.html", context)
    return pdf_response(request, "maps/siting_report.html", context, f"nghien-cuu-dia-diem-kho-{study.pk}.pdf")


@login_required
@require_POST
def siting_choose(request, pk):
    """Record the chosen building as a proposed change of function to archive repository."""
    _require_review(request.user)
    study = get_object_or_404(SitingStudy, pk=pk)
    premises = study.candidates.filter(pk=record_id(request.POST.get("premises"))).first()
    ranked = {r["id"] for r in study.results.get("ranked", [])}
    if premises is None or premises.pk not in ranked:
        messages.error(request, _("Only a candidate that meets every hard constraint can be chosen."))
        return redirect("maps:siting_detail", pk)
    try:
        with transaction.atomic():
            record = propose_handling(
                request.user,
            premises,
            "CONVERT_FUNCTION",
                priority_use_code="OFFICE",
                intended_use=_("Office and historical archive repository of the Provincial Historical Archive Center"),
                basis=_("Siting study “%(name)s” v%(version)s (#%(pk)s)")
                % {"name": study.name, "version": study.version, "pk": study.pk},
            )
            SitingChoice.objects.create(study=study, handling_record=record)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("%(premises)s recorded as a proposed change of function.") % {"premises": premises})
    return redirect("maps:siting_detail", pk)


@login_required
def criteria_edit(request):
    _require_read(request.user)
    may_edit = can_review(request.user)
    formset = CriterionFormSet(request.POST or None, queryset=SitingCriterion.objects.all())
    if request.method == "POST":
        _require_review(request.user)
        if formset.is_valid():
            formset.save()
            messages.success(request, _("Criteria saved; run the study again to use them."))
            return redirect("maps:criteria_edit")
    return render(request, "maps/criteria.html", {"formset": formset, "may_edit": may_edit})


@login_required
def layer_list(request):
    _require_read(request.user)
    form = LayerUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST":
        _require_review(request.user)
        if form.is_valid():
            try:
                layer = _import_upload(request.user, form.cleaned_data)
            except GeodataError as exc:
                form.add_error("file", str(exc))
            else:
                messages.success(
                    request,
                    _("Layer “%(name)s” imported: %(n)s features.") % {"name": layer.name, "n": layer.features.count()},
                )
                return redirect("maps:layer_list")
    return render(
        request,
        "maps/layers.html",
        {"form": form, "layers": HazardLayer.objects.all(), "may_review": can_review(request.user)},
    )


def _import_upload(user, data):
    """Write the upload to a temporary folder (a zipped Shapefile is unpacked, within
    bounds) and import it."""
    upload = data["file"]
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / Path(upload.name).name
        with path.open("wb") as out:
            for chunk in upload.chunks():
                out.write(chunk)
        return import_layer(unpack_upload(path, Path(folder)), data["kind"], data["name"], actor=user)


@login_required
def layer_geojson(request, pk):
    _require_read(request.user)
    layer = get_object_or_404(HazardLayer, pk=pk)
    features = [
        {"type": "Feature", "geometry": json.loads(f.geometry.geojson), "properties": {"label": f.label}}
        for f in layer.features.all()
    ]
    return JsonResponse({"type": "FeatureCollection", "features": features}, content_type="application/geo+json")
