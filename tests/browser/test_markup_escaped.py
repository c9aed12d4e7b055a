"""Names people typed stay text on the maps: a premises, an asset and an agency named like
markup (`<img src=x onerror=alert(1)><b>X</b>`) show that literal text in the popups and
tooltips of the siting, reallocation and review maps; the page gets no <img>/<b> from it,
no dialog opens and the content security policy refuses nothing."""

import datetime as dt
import secrets
from decimal import Decimal

import pytest
from django.contrib.gis.geos import Point
from django.contrib.gis.measure import D
from django.db import connection

from inventory.choices import AgencyKind, AssetStatus, Condition, NeedKind, PremisesStatus
from inventory.models import Agency, Premises
from tests import factories
from tests.browser.test_declaration_flow import login

pytestmark = [pytest.mark.browser, pytest.mark.django_db]

HOSTILE = "<img src=x onerror=alert(1)><b>X</b>"

# Every Leaflet map of a page, as django-leaflet announces it (whatever the page's own script does).
COLLECT_MAPS = "window.__maps = []; window.addEventListener('map:init', e => window.__maps.push(e.detail.map));"

# Open every popup and tooltip bound to a layer at (lat, lon) on the page's maps, one after the
# other, and return what each showed: its text and whether markup from the name got into it.
OPEN_AT = """([lat, lon]) => {
  const shown = [];
  const read = (el) => el ? {text: el.textContent, markup: el.querySelectorAll("img, b").length} : null;
  for (const map of window.__maps) {
    map.eachLayer((layer) => {
      if (!layer.getLatLng) { return; }
      const at = layer.getLatLng();
      if (Math.abs(at.lat - lat) > 1e-5 || Math.abs(at.lng - lon) > 1e-5) { return; }
      if (layer.getPopup && layer.getPopup()) {
        layer.openPopup();
        shown.push({kind: "popup", ...read(document.querySelector(".leaflet-popup-content"))});
        layer.closePopup();
      }
      if (layer.getTooltip && layer.getTooltip()) {
        layer.openTooltip();
        shown.push({kind: "tooltip", ...read(layer.getTooltip().getElement())});
      }
    });
  }
  return shown;
}"""

# Anywhere on the page: an element made from the name (an <img src=x> or a <b>X</b>).
INJECTED = """() => [...document.querySelectorAll("img, b")]
  .filter(el => el.getAttribute("src") === "x" || (el.tagName === "B" && el.textContent === "X")).length"""


@pytest.fixture(scope="module")
def hostile(django_db_setup, django_db_blocker):
    """Committed records (the live server has its own session) named like markup: an agency
    with a floor-area need and an asset need, and a surplus premises holding a surplus asset,
    in a commune that already has premises, at a spot with no other premises within 300 m."""
    with django_db_blocker.unblock():
        unit = Premises.objects.order_by("pk").first().admin_unit
        centre = unit.centroid
        spots = (Point(centre.x + 0.004 * step, centre.y + 0.003 * step, srid=4326) for step in range(1, 40))
        spot = next(p for p in spots if not Premises.all_objects.filter(location__distance_lte=(p, D(m=300))).exists())
        tag = secrets.token_hex(3).upper()  # own codes: an interrupted run may leave its rows (--reuse-db)
        agency = Agency(
            code=f"T-XSS-{tag}", name=HOSTILE, kind=AgencyKind.COMMUNE_COMMITTEE, admin_unit=unit, is_demo=True
        )
        agency.full_clean()
        agency.save()
        premises = factories.premises(
            code=f"T-XSS-{tag}",
            name=HOSTILE,
            admin_unit=unit,
            is_demo=True,
            agency=agency,
            location=spot,
            status=PremisesStatus.SURPLUS,
            condition=Condition.GOOD,
        )
        asset = factories.asset(
            code=f"T-XSS-{tag}",
            name=HOSTILE,
            agency=agency,
            premises=premises,
            is_demo=True,
            status=AssetStatus.SURPLUS,
            condition=Condition.GOOD,
            quantity=1,
            in_use_date=dt.date(2023, 1, 1),
        )
        area_need = factories.need(
            code=f"T-XSS-{tag}-1", agency=agency, kind=NeedKind.FLOOR_AREA, floor_area=Decimal(100), is_demo=True
        )
        asset_need = factories.need(
            code=f"T-XSS-{tag}-2",
            agency=agency,
            kind=NeedKind.ASSET,
            floor_area=None,
            asset_class=asset.asset_class,
            quantity=1,
            is_demo=True,
        )
        yield {"premises": premises, "asset": asset, "agency": agency, "needs": (area_need, asset_need)}
        # Leave the database as it was for the tests after this one: the rows are demo data,
        # which PostgreSQL lets go (no_hard_delete), with the siting studies' links to them.
        with connection.cursor() as cursor:
            cursor.execute("DELETE FROM maps_sitingstudy_candidates WHERE premises_id = %s", [premises.pk])
            cursor.execute("DELETE FROM inventory_asset WHERE id = %s", [asset.pk])
            cursor.execute("DELETE FROM inventory_need WHERE id IN (%s, %s)", [area_need.pk, asset_need.pk])
            cursor.execute("DELETE FROM inventory_house WHERE premises_id = %s", [premises.pk])
            cursor.execute("DELETE FROM inventory_premises WHERE id = %s", [premises.pk])
            cursor.execute("DELETE FROM inventory_agency WHERE id = %s", [agency.pk])


@pytest.fixture
def watched(browser, live_url):
    """A reviewer's page that records dialogs and CSP refusals and collects the maps."""
    context, page = login(browser, live_url, "demo-finance")
    page.dialogs = []
    page.on("dialog", lambda dialog: (page.dialogs.append(dialog.message), dialog.dismiss()))
    page.add_init_script(COLLECT_MAPS)
    yield page
    context.close()


def _shown_at(page, point, kinds):
    """Wait until the layers at `point` carry every kind asked for, and return what they showed."""
    page.wait_for_function(
        "([args, kinds]) => { const got = (" + OPEN_AT + ")(args).map(s => s.kind);"
        " return kinds.every(k => got.includes(k)); }",
        arg=[[point.y, point.x], kinds],
    )
    return page.evaluate(OPEN_AT, [point.y, point.x])


def _assert_literal(page, shown, kind, text):
    """A `kind` (popup or tooltip) there showed `text` literally; none had markup from a name."""
    assert any(item["kind"] == kind and text in item["text"] for item in shown), shown
    assert all(item["markup"] == 0 for item in shown), shown
    assert page.evaluate(INJECTED) == 0
    assert page.dialogs == []
    assert page.csp_violations == []


def test_siting_map_shows_names_as_text(watched, live_url, hostile, shot):
    page = watched
    page.goto(live_url + "/maps/siting/")
    page.click("[data-testid=run-study]")
    page.wait_for_selector("#siting-map .leaflet-marker-icon")
    premises = hostile["premises"]
    # The premises is a candidate of the study (ranked or excluded; the server escapes its table).
    assert page.locator(f"tr[data-code='{premises.code}'] td").first.text_content().startswith(HOSTILE)
    shown = _shown_at(page, premises.location, ["popup"])
    shot(page, "siting-popup")
    _assert_literal(page, shown, "popup", HOSTILE)


@pytest.mark.parametrize("which", ["floor_area", "asset"])
def test_reallocation_map_shows_names_as_text(watched, live_url, hostile, shot, which):
    page = watched
    need = hostile["needs"][0 if which == "floor_area" else 1]
    supply = hostile["premises"] if which == "floor_area" else hostile["asset"]
    page.goto(f"{live_url}/maps/reallocation/{need.pk}/")
    page.wait_for_selector("#reallocation-map .leaflet-marker-icon")
    # The candidate's popup (at the premises) shows "<code> – <name>" as typed.
    shown = _shown_at(page, hostile["premises"].location, ["popup"])
    shot(page, f"reallocation-{which}-popup")
    _assert_literal(page, shown, "popup", f"{supply.code} – {HOSTILE}")
    # The tooltip of the agency that declared the need shows its name as typed.
    origin = page.evaluate(
        "() => { let at = null; window.__maps[0].eachLayer(l => { if (l.getTooltip && l.getTooltip()"
        " && !l.getTooltip().options.permanent && l.getLatLng) { at = l.getLatLng(); } }); return at; }"
    )
    shown = _shown_at(page, Point(origin["lng"], origin["lat"]), ["tooltip"])
    _assert_literal(page, shown, "tooltip", HOSTILE)


def test_review_map_shows_names_as_text(watched, live_url, hostile, shot):
    page = watched
    premises = hostile["premises"]
    page.goto(live_url + "/maps/")
    page.wait_for_function("() => document.body.dataset.mapState === 'ready'")
    page.evaluate(f"window.__maps[0].setView([{premises.location.y}, {premises.location.x}], 17)")
    shown = _shown_at(page, premises.location, ["popup"])
    shot(page, "review-popup")
    _assert_literal(page, shown, "popup", HOSTILE)
