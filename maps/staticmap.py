"""A static map of a siting study's candidates, drawn server-side as SVG from the
database (no tile server, nothing fetched): the boundaries or centres of the communes,
the hazard and context layers, the former district centres access is measured from,
and the candidates — numbered by rank, ringed by their floor-load verdict, excluded ones
as grey crosses. The report embeds it as an image, so WeasyPrint prints it in the PDF.

Geometries are projected to VN-2000 / UTM zone 48N (EPSG:3405: metres, Nghệ An lies in
the zone) and mapped to pixels by PostGIS (`ST_Affine`, `ST_AsSVG`), simplified to half
a pixel."""

from __future__ import annotations

import base64
from html import escape

from django.db import connection
from django.utils.translation import gettext as _

from maps.choices import FloorLoadStatus, LayerKind

SRID = 3405
WIDTH = 1000
MARGIN = 0.06
LABELLED = 10  # the first ranks carry their number
LAYER_STYLE = {
    LayerKind.FLOOD: 'fill="#9ecae1" fill-opacity="0.55" stroke="#3182bd" stroke-width="0.6"',
    LayerKind.LANDSLIDE: 'fill="#d8b365" fill-opacity="0.55" stroke="#8c510a" stroke-width="0.6"',
    LayerKind.ROAD: 'fill="none" stroke="#969696" stroke-width="1.2"',
    LayerKind.HAZARD_SITE: 'fill="#e31a1c" stroke="#e31a1c" stroke-width="1"',
    LayerKind.POLLUTION: 'fill="#6a3d9a" stroke="#6a3d9a" stroke-width="1"',
    LayerKind.VIBRATION: 'fill="#ff7f00" stroke="#ff7f00" stroke-width="1"',
}
RING = {FloorLoadStatus.PASSES: "#1a9850", FloorLoadStatus.NEEDS_INSPECTION: "#f39c12"}


def _projected(points: list[tuple[float, float]]) -> list[tuple[float, float]]:
    if not points:
        return []
    values = ", ".join(["(%s, %s, %s)"] * len(points))
    params = [v for i, (lon, lat) in enumerate(points) for v in (i, lon, lat)]
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT ST_X(g), ST_Y(g) FROM (SELECT i, ST_Transform(ST_SetSRID(ST_MakePoint(x, y), 4326), {SRID}) g "  # noqa: S608
            f"FROM (VALUES {values}) v(i, x, y)) p ORDER BY i",
            params,
        )
        return cursor.fetchall()


def candidates_map_svg(study) -> str:
    """The map as a data: URI (image/svg+xml), or "" when the study has no candidates."""
    svg = candidates_svg(study)
    return "data:image/svg+xml;base64," + base64.b64encode(svg.encode()).decode() if svg else ""


def candidates_svg(study) -> str:
    from maps.siting import access_origins

    results = study.results
    ranked, excluded = results.get("ranked", []), results.get("excluded", [])
    origins = access_origins()
    points = [(r["lon"], r["lat"]) for r in ranked + excluded]
    if not points:
        return ""
    xy = _projected(points + [(o.centroid.x, o.centroid.y) for o in origins])
    xs, ys = [p[0] for p in xy], [p[1] for p in xy]
    minx, maxx, miny, maxy = min(xs), max(xs), min(ys), max(ys)
    span = max(maxx - minx, maxy - miny, 1000.0)
    minx, maxx = minx - span * MARGIN, maxx + span * MARGIN
    miny, maxy = miny - span * MARGIN, maxy + span * MARGIN
    scale = WIDTH / (maxx - minx)
    height = round((maxy - miny) * scale)

    def px(x, y):
        return (x - minx) * scale, (maxy - y) * scale

    envelope = {"minx": minx, "miny": miny, "maxx": maxx, "maxy": maxy, "s": scale, "tol": 0.5 / scale}
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{WIDTH}" height="{height}" '
        f'viewBox="0 0 {WIDTH} {height}" font-family="DejaVu Sans, sans-serif">',
        f'<rect width="{WIDTH}" height="{height}" fill="#fbfbf8" stroke="#999"/>',
    ]
    parts += _background(envelope)
    parts += _layers(envelope)
    for origin, (x, y) in zip(origins, xy[len(points) :], strict=True):
        cx, cy = px(x, y)
        parts.append(
            f'<path d="M{cx:.1f},{cy - 6:.1f} l5.5,9.5 h-11 z" fill="#ffffff" stroke="#252525" stroke-width="1.2">'
            f"<title>{escape(origin.name)}</title></path>"
        )
    for r, (x, y) in zip(excluded, xy[len(ranked) : len(points)], strict=True):
        cx, cy = px(x, y)
        parts.append(
            f'<path d="M{cx - 3:.1f},{cy - 3:.1f} l6,6 m0,-6 l-6,6" stroke="#888" stroke-width="1.2">'
            f"<title>{escape(r['code'])}</title></path>"
        )
    # The best last, so that they are drawn on top.
    for r, (x, y) in reversed(list(zip(ranked, xy[: len(ranked)], strict=True))):
        cx, cy = px(x, y)
        ring = RING.get(r.get("floor_load_status"), "#1a9850")
        radius = 9 if r["rank"] <= LABELLED else 4
        parts.append(
            f'<circle cx="{cx:.1f}" cy="{cy:.1f}" r="{radius}" fill="#08519c" stroke="{ring}" stroke-width="3">'
            f"<title>{escape(r['code'])}</title></circle>"
        )
        if r["rank"] <= LABELLED:
            parts.append(
                f'<text x="{cx:.1f}" y="{cy + 4:.1f}" font-size="11" font-weight="bold" fill="#fff" '
                f'text-anchor="middle">{r["rank"]}</text>'
            )
    parts.append(_legend(height))
    parts.append("</svg>")
    return "".join(parts)


def _background(e) -> list[str]:
    """Commune boundaries where imported, else their centres as dots."""
    sql = f"""
        SELECT ST_AsSVG(ST_Affine(ST_SimplifyPreserveTopology(ST_Transform(u.boundary, {SRID}), %(tol)s),
                                  %(s)s, 0, 0, %(s)s, -%(minx)s * %(s)s, -%(maxy)s * %(s)s), 0, 1),
               ST_X(ST_Transform(u.centroid, {SRID})), ST_Y(ST_Transform(u.centroid, {SRID}))
        FROM inventory_administrativeunit u
        WHERE u.level = 'commune'
          AND ST_Intersects(ST_Transform(u.centroid, {SRID}),
                            ST_MakeEnvelope(%(minx)s, %(miny)s, %(maxx)s, %(maxy)s, {SRID}))
    """  # noqa: S608 (SRID is a constant)
    out = []
    with connection.cursor() as cursor:
        cursor.execute(sql, e)
        for path, x, y in cursor.fetchall():
            if path:
                out.append(f'<path d="{path}" fill="#f0f0ea" stroke="#bdbdbd" stroke-width="0.6"/>')
            else:
                cx, cy = (x - e["minx"]) * e["s"], (e["maxy"] - y) * e["s"]
                out.append(f'<circle cx="{cx:.1f}" cy="{cy:.1f}" r="1.6" fill="#bdbdbd"/>')
    return out


def _layers(e) -> list[str]:
    sql = f"""
        SELECT l.kind, ST_Dimension(f.geometry) = 0,
               ST_AsSVG(ST_Affine(ST_SimplifyPreserveTopology(
                            CASE WHEN ST_Dimension(f.geometry) = 0 THEN ST_Centroid(ST_Transform(f.geometry, {SRID}))
                                 ELSE ST_Transform(f.geometry, {SRID}) END, %(tol)s),
                        %(s)s, 0, 0, %(s)s, -%(minx)s * %(s)s, -%(maxy)s * %(s)s), 0, 1)
        FROM maps_hazardfeature f JOIN maps_hazardlayer l ON l.id = f.layer_id
        WHERE ST_Intersects(ST_Transform(f.geometry, {SRID}),
                            ST_MakeEnvelope(%(minx)s, %(miny)s, %(maxx)s, %(maxy)s, {SRID}))
        ORDER BY CASE l.kind WHEN 'flood' THEN 0 WHEN 'landslide' THEN 1 WHEN 'road' THEN 2 ELSE 3 END, f.id
    """  # noqa: S608 (SRID is a constant)
    out = []
    with connection.cursor() as cursor:
        cursor.execute(sql, e)
        for kind, is_point, svg in cursor.fetchall():
            style = LAYER_STYLE.get(kind, 'fill="none" stroke="#333"')
            if is_point:
                # ST_AsSVG gives cx="…" cy="…" for a point.
                out.append(f'<circle {svg} r="4" {style}/>')
            else:
                out.append(f'<path d="{svg}" {style}/>')
    return out


def _legend(height: int) -> str:
    rows = [
        (
            '<circle cx="10" cy="0" r="7" fill="#08519c" stroke="#1a9850" stroke-width="3"/>',
            _("ranked: inspected, bears the load"),
        ),
        (
            '<circle cx="10" cy="0" r="7" fill="#08519c" stroke="#f39c12" stroke-width="3"/>',
            _("ranked: needs a structural inspection"),
        ),
        ('<path d="M7,-3 l6,6 m0,-6 l-6,6" stroke="#888" stroke-width="1.2"/>', _("excluded")),
        ('<path d="M10,-6 l5.5,9.5 h-11 z" fill="#fff" stroke="#252525"/>', _("former district centre")),
        ('<rect x="3" y="-5" width="14" height="10" fill="#9ecae1"/>', _("flood hazard area")),
        ('<rect x="3" y="-5" width="14" height="10" fill="#d8b365"/>', _("landslide hazard area")),
        ('<circle cx="10" cy="0" r="4" fill="#e31a1c"/>', _("fire, explosion, pollution or vibration source")),
    ]
    y0 = height - 18 * len(rows) - 10
    items = [
        f'<rect x="8" y="{y0 - 14}" width="330" height="{18 * len(rows) + 16}" '
        'fill="#fff" fill-opacity="0.9" stroke="#999"/>'
    ]
    for i, (symbol, label) in enumerate(rows):
        y = y0 + 18 * i
        items.append(
            f'<g transform="translate(14,{y})">{symbol}<text x="26" y="4" font-size="11">{escape(label)}</text></g>'
        )
    return "".join(items)
