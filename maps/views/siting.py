"""Map pages: the archive repository siting study and the hazard layers."""

import json
import posixpath

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from inventory.geodata import GeodataError
from inventory.models import Premises
from inventory.permissions import can_review, can_see_siting
from inventory.views.common import pdf_response, record_id
from inventory.views.files import requester, stored_file_response
from maps import services
from maps.forms import (
    CriterionFormSet,
    LayerUploadForm,
    RecordSourceFormSet,
    SitingStudyForm,
    StructuralInspectionForm,
)
from maps.models import HazardLayer, SitingCriterion, SitingStudy, StructuralInspection
from maps.services import chosen_premises
from maps.staticmap import candidates_map_svg

__all__ = ["chosen_premises"]


def _require_read(user):
    """Siting is a provincial matter: those who see the whole province (Finance,
    auditors, administrators)."""
    if not can_see_siting(user):
        raise PermissionDenied


def _require_review(user):
    if not can_review(user):
        raise PermissionDenied


def _list_page(request, form, status=200):
    total, _rows = services.shelf_metres_from_sources()
    return render(
        request,
        "maps/siting_list.html",
        {
            "studies": SitingStudy.objects.select_related("created_by")[:100],
            "form": form,
            "criteria": SitingCriterion.objects.all(),
            "layers": HazardLayer.objects.all(),
            "may_review": can_review(request.user),
            "sources_total": total,
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
                "growth_metres_per_year": 100,
                "growth_years": 20,
                "processing_area": 150,
                "reading_area": 100,
                "technical_area": 100,
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
    study = services.create_study(request.user, form.save(commit=False), form.cleaned_data["extra_candidates"])
    return redirect("maps:siting_detail", study.pk)


@login_required
@require_POST
def siting_rerun(request, pk):
    """A new version of a study with the criteria as they are now."""
    _require_review(request.user)
    study = services.rerun_study(request.user, get_object_or_404(SitingStudy, pk=pk))
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
        "parameters": [c for c in study.criteria if c["kind"] == "parameter"],
        "comparison": _comparison(study),
    }


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
    context = {**_context(study), "printable": True, "map_svg": candidates_map_svg(study)}
    if not pdf:
        return render(request, "maps/siting_report.html", context)
    return pdf_response(request, "maps/siting_report.html", context, f"nghien-cuu-dia-diem-kho-{study.pk}.pdf")


@login_required
@require_POST
def siting_choose(request, pk):
    """Record the chosen building as a proposed transfer to the Provincial Historical Archive Center."""
    _require_review(request.user)
    study = get_object_or_404(SitingStudy, pk=pk)
    try:
        premises = services.choose_building(request.user, study, record_id(request.POST.get("premises")))
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(
            request,
            _("%(premises)s recorded as a proposed transfer to the Provincial Historical Archive Center.")
            % {"premises": premises},
        )
    return redirect("maps:siting_detail", pk)


@login_required
def criteria_edit(request):
    """The criteria and parameters, and the record sources, each with its source; a
    reviewer edits them, the others read them."""
    _require_read(request.user)
    may_edit = can_review(request.user)
    services.record_sources()  # made on first use
    data = request.POST if request.method == "POST" else None
    formset = CriterionFormSet(data, queryset=SitingCriterion.objects.all(), prefix="form")
    sources = RecordSourceFormSet(data, queryset=services.ArchiveRecordSource.objects.all(), prefix="sources")
    if request.method == "POST":
        _require_review(request.user)
        if formset.is_valid() and sources.is_valid():
            services.save_criteria(request.user, formset, sources)
            messages.success(request, _("Criteria saved; run the study again to use them."))
            return redirect("maps:criteria_edit")
    return render(request, "maps/criteria.html", {"formset": formset, "sources": sources, "may_edit": may_edit})


@login_required
def inspection_list(request):
    """Structural inspections of the buildings the user may see; a reviewer records one."""
    _require_read(request.user)
    form = StructuralInspectionForm(request.POST or None, request.FILES or None, user=request.user)
    if request.method == "POST":
        _require_review(request.user)
        if form.is_valid():
            inspection = services.record_inspection(request.user, form.save(commit=False))
            messages.success(request, _("Inspection of %(premises)s recorded.") % {"premises": inspection.premises})
            return redirect("maps:inspection_list")
    inspections = StructuralInspection.objects.filter(
        premises__in=Premises.objects.visible_to(request.user)
    ).select_related("premises", "house", "created_by")
    return render(
        request,
        "maps/inspections.html",
        {"form": form, "inspections": inspections[:500], "may_review": can_review(request.user)},
        status=400 if request.method == "POST" else 200,
    )


@require_safe
def inspection_document(request, pk):
    """The inspection report (PDF), to those who may see the premises; 404 otherwise."""
    visible = Premises.objects.visible_to(requester(request))
    inspection = get_object_or_404(
        StructuralInspection.objects.filter(premises__in=visible).exclude(document=""), pk=pk
    )
    return stored_file_response(
        inspection.document.name,
        filename=posixpath.splitext(posixpath.basename(inspection.document.name))[0] + ".pdf",
        content_type="application/pdf",
        as_attachment=True,
    )


@login_required
def layer_list(request):
    _require_read(request.user)
    form = LayerUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST":
        _require_review(request.user)
        if form.is_valid():
            try:
                data = form.cleaned_data
                layer = services.import_upload(
                    request.user, data["file"], data["kind"], data["name"], srs=data.get("srs")
                )
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


@login_required
def layer_geojson(request, pk):
    _require_read(request.user)
    layer = get_object_or_404(HazardLayer, pk=pk)
    features = [
        {"type": "Feature", "geometry": json.loads(f.geometry.geojson), "properties": {"label": f.label}}
        for f in layer.features.all()
    ]
    return JsonResponse({"type": "FeatureCollection", "features": features}, content_type="application/geo+json")
