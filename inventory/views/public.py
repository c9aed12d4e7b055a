"""The public register of surplus sites (/cong-khai/), open without a login, and
Finance's pages to publish, withdraw and read registrations of interest.

What the public reads is built from the allow-lists of `inventory.public` only. A site
that is not published (never, withdrawn, deleted, or no longer in a publishable status)
answers 404 on every public URL, as does a photo not chosen for its listing."""

import csv
import posixpath

from axes.helpers import get_client_ip_address
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import F
from django.http import Http404, HttpResponse, HttpResponseBadRequest, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST, require_safe

from inventory import public
from inventory.choices import PUBLISHABLE_PREMISES_STATUSES, AttachmentKind
from inventory.forms import InterestForm, PublishForm
from inventory.models import Attachment, InterestRegistration, Premises, PublicListing
from inventory.permissions import can_review
from inventory.querysets import without_jit
from inventory.services import public as services
from inventory.srs import SRS_LABELS, WGS84, coordinate_columns, crs_member, parse_srid
from inventory.views.common import paginate, require_reviewer
from inventory.views.files import stored_file_response

PUBLIC_CACHE = "public, max-age=300"


def _site(code: str) -> Premises:
    site = public.published_site_or_none(code)
    if site is None:
        raise Http404
    return site


@require_safe
@without_jit()
def register(request):
    """The map and the list of published sites, with the filters."""
    filterset, sites = public.filtered(request.GET)
    page = paginate(request, sites.only("pk"))  # the page's keys; its rows come through the allow-list
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "inventory/public/register.html",
        {
            "filter": filterset,
            "page": page,
            "rows": list(public.public_rows(sites.filter(pk__in=[s.pk for s in page]), public.LIST_FIELDS)),
            "labels": public.LABELS,
            "fields": public.LIST_FIELDS,
            "query": query.urlencode(),
        },
    )


def _srid(request) -> int | None:
    """`?srs=` of an open-data file: WGS 84 unless told, or a VN-2000 system; None for
    anything else (the view answers 400)."""
    values = request.GET.getlist("srs")
    if not values:
        return WGS84
    return parse_srid(values[0]) if len(values) == 1 else None


def _bad_srs() -> HttpResponse:
    return HttpResponseBadRequest(
        _("Unknown coordinate system: use srs=%(srids)s.") % {"srids": "|".join(str(s) for s in SRS_LABELS)},
        content_type="text/plain; charset=utf-8",
    )


@require_safe
@without_jit()
def register_csv(request):
    """The filtered list as CSV (open data), with the CSV allow-list's columns; the
    coordinates in WGS 84 or, with `?srs=9208|3405`, as VN-2000 X (northing) / Y (easting)."""
    srid = _srid(request)
    if srid is None:
        return _bad_srs()
    _filterset, sites = public.filtered(request.GET)
    fields = public.csv_fields(srid)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="co-so-nha-dat-doi-du.csv"'
    response.write("\ufeff")  # Excel reads UTF-8 with its byte-order mark
    writer = csv.writer(response)
    writer.writerow(fields)
    for row in public.public_rows(sites, fields, request, srid=srid):
        writer.writerow(["" if row[f] is None else row[f] for f in fields])
    return response


@require_safe
@without_jit()
def register_geojson(request):
    """The filtered list as GeoJSON (open data; the map reads it too); with
    `?srs=9208|3405` in VN-2000 metres (easting, northing) with a "crs" member."""
    srid = _srid(request)
    if srid is None:
        return _bad_srs()
    _filterset, sites = public.filtered(request.GET)
    x_name, y_name = coordinate_columns(srid)
    features = []
    for row in public.public_rows(sites, (*public.GEOJSON_FIELDS, x_name, y_name), request, srid=srid):
        first, second = row.pop(x_name), row.pop(y_name)
        # GeoJSON's order: longitude, latitude; easting, northing (VN-2000's X is the northing).
        xy = [first, second] if srid == WGS84 else [second, first]
        features.append({"type": "Feature", "geometry": {"type": "Point", "coordinates": xy}, "properties": row})
    collection = {"type": "FeatureCollection", "features": features}
    if srid != WGS84:
        collection = {"type": "FeatureCollection", "crs": crs_member(srid), "features": features}
    return JsonResponse(
        collection,
        json_dumps_params={"ensure_ascii": False, "default": str},
        content_type="application/geo+json",
    )


def site(request, code):
    """A published site's page: its public facts, photos, handling decision, intended use,
    the dated history of its stage, the outcome of interest (counts), and the form to
    register interest (POST, throttled per address)."""
    premises = _site(code)
    form = InterestForm()
    if request.method == "POST":
        # The client's address as the login lock-outs read it (PROXY_COUNT proxies in front).
        address = get_client_ip_address(request) or ""
        if not services.interest_allowed(address):
            messages.error(request, _("Too many registrations from your address. Please try again later."))
            return redirect("public:site", code)
        form = InterestForm(request.POST)
        if form.is_valid():
            services.register_interest(premises, form.cleaned_data)
            messages.success(
                request, _("Thank you: your interest is registered. The Finance department will contact you.")
            )
            return redirect("public:site", code)
    elif request.method not in ("GET", "HEAD"):
        return HttpResponse(status=405)
    row = next(public.public_rows(public.published_sites().filter(pk=premises.pk), public.PAGE_FIELDS))
    listing = premises.public_listing
    return render(
        request,
        "inventory/public/site.html",
        {
            "code": premises.code,
            "facts": [(public.LABELS[f], row[f]) for f in public.PAGE_FIELDS if f not in ("name", "summary")],
            "row": row,
            "point": [premises.location.y, premises.location.x],
            "photos": listing.photos.filter(kind=AttachmentKind.PHOTO).values("pk"),
            "history": public.stage_history(premises),
            "interest": public.interest_counts(premises),
            "form": form,
        },
        status=400 if form.errors else 200,
    )


def _public_photo(code: str, pk: int) -> Attachment:
    premises = _site(code)
    return get_object_or_404(
        Attachment.objects.filter(public_listings__premises=premises, premises=premises, kind=AttachmentKind.PHOTO),
        pk=pk,
    )


@require_safe
def photo(request, code, pk):
    attachment = _public_photo(code, pk)
    response = stored_file_response(
        attachment.file.name, filename=attachment.filename, content_type=attachment.content_type, as_attachment=False
    )
    response["Cache-Control"] = PUBLIC_CACHE
    return response


@require_safe
def photo_thumbnail(request, code, pk):
    attachment = _public_photo(code, pk)
    response = stored_file_response(
        attachment.thumbnail.name,
        filename=posixpath.basename(attachment.thumbnail.name),
        content_type="image/jpeg",
        as_attachment=False,
    )
    response["Cache-Control"] = PUBLIC_CACHE
    return response


# -- Finance ------------------------------------------------------------------------------


@login_required
@require_POST
def publish(request, pk):
    """Finance publishes a site (button on the premises page)."""
    require_reviewer(request.user)
    premises = get_object_or_404(Premises.objects.visible_to(request.user), pk=pk)
    form = PublishForm(premises, request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(str(e) for errors in form.errors.values() for e in errors))
    else:
        try:
            services.publish(request.user, premises, form.cleaned_data["summary"], list(form.cleaned_data["photos"]))
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, _("The site is published in the public register."))
    return redirect("inventory:premises_detail", pk)


@login_required
@require_POST
def withdraw(request, pk):
    require_reviewer(request.user)
    listing = get_object_or_404(PublicListing, premises__in=Premises.objects.visible_to(request.user), premises=pk)
    services.withdraw(request.user, listing)
    messages.success(request, _("The site is withdrawn from the public register."))
    return redirect("inventory:premises_detail", pk)


@login_required
@require_safe
def interests(request):
    """Registrations of interest, for Finance (private: names and contacts)."""
    require_reviewer(request.user)
    # Công điện 213/CĐ-TTg: surplus houses and land go first to its priority uses (health,
    # education, culture, sports, commune police...): those registrations first, in the
    # list's legal order, then the others; newest first within each.
    registrations = InterestRegistration.objects.select_related("premises", "priority_use").order_by(
        F("priority_use__sort_order").asc(nulls_last=True), "priority_use__code", "-created_at", "-pk"
    )
    return render(request, "inventory/public/interests.html", {"page": paginate(request, registrations)})


def publish_context(user, premises) -> dict:
    """What the premises page shows of the public register to Finance."""
    if not can_review(user):
        return {}
    listing = PublicListing.objects.filter(premises=premises).first()
    return {
        "public_listing": listing,
        "publishable": premises.status in PUBLISHABLE_PREMISES_STATUSES,
        "publish_form": PublishForm(
            premises,
            initial={
                "summary": listing.summary if listing else "",
                "photos": list(listing.photos.values_list("pk", flat=True)) if listing else [],
            },
        ),
        "public_url": reverse("public:site", args=[premises.code]),
    }
