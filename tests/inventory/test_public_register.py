"""The public register of surplus sites (/cong-khai/): open without a login, only the
sites Finance published, only the allow-listed fields (no person's name, phone, e-mail,
user name or internal note anywhere), 404 for anything not published, and registrations
of interest that are throttled per address, escaped, and kept private."""

import csv
import datetime as dt
import io
import json
import re
from decimal import Decimal

import pytest
from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone
from PIL import Image

from inventory.choices import PremisesStatus, Role
from inventory.models import InterestRegistration, PriorityUse, PublicListing
from inventory.services import attachments, handling, plans
from inventory.services import public as services
from tests import factories

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()

# Written here, not read from the code under test: the columns each public output may have.
EXPECTED_COLUMNS = [
    "code",
    "name",
    "commune",
    "former_commune",
    "status",
    "condition",
    "land_area",
    "floor_area",
    "surplus_floor_area",
    "handling_stage",
    "decision_number",
    "decision_date",
    "intended_use",
    "url",
    "longitude",
    "latitude",
]
# Personal data and internal text put into the site's records below; none may show.
PERSONAL = [
    "Nguyễn Văn Khóa",  # a person in the premises' notes
    "0912 345 678",  # a phone in the agency's address
    "Lê Văn Tạo",  # the user who created the records (full name)
    "le.van.tao",  # ... user name
    "tao@example.vn",  # ... e-mail
    "Trần Thị Phụ Trách",  # the site plan's responsible person
    "Chủ tịch Hoàng Văn Ký",  # the decider of the handling record
    "Ghi chú nội bộ",  # the handling record's internal grounds
    "Phạm Quan Tâm",  # a person who registered interest
    "quantam@example.vn",  # ... and their contact
    "Ảnh của Đỗ Văn Chụp",  # a photo's title, typed by a user
]


def png() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (64, 48), "green").save(buffer, "PNG")
    return buffer.getvalue()


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def world(media):
    """A surplus site whose records hold personal data, with a handling decision, an
    approved plan for a health use, a public photo, a private photo, and interest."""
    unit = factories.unit("Phường Thành Vinh")
    agency = factories.agency(unit, address="Số 5 Lê Lợi, ĐT 0912 345 678")
    finance = factories.user(role=Role.FINANCE, first_name="Lê Văn Tạo", email="tao@example.vn")
    finance.username = "le.van.tao"
    finance.save()
    declarant = factories.declarant(unit, agency=agency)
    site = factories.premises(
        admin_unit=unit,
        agency=agency,
        status=PremisesStatus.SURPLUS,
        land_area=Decimal(2500),
        notes="Ông Nguyễn Văn Khóa giữ chìa khóa, gọi 0912 345 678",
    )
    record = factories.ready_for_decision(
        handling.propose(
            finance,
            handling.Proposal(form_code="CONVERT_FUNCTION", intended_use="Trạm y tế", basis="Ghi chú nội bộ"),
            premises=site,
        ),
        finance,
    )
    handling.approve(
        finance,
        record,
        decision_number="45/QĐ-UBND",
        decision_date=dt.date(2026, 11, 2),
        decider="Chủ tịch Hoàng Văn Ký",
    )
    health = PriorityUse.objects.get(code="HEALTH")
    plan = plans.save_plan(
        finance,
        site,
        {
            "managing_agency": agency,
            "responsible_person": "Trần Thị Phụ Trách",
            "use": "priority_use",
            "priority_use": health,
            "start_date": TODAY,
            "end_date": TODAY + dt.timedelta(days=60),
        },
    )
    plans.approve_plan(finance, plan, decision_ref="9/STC")
    shown = attachments.attach(declarant, site, SimpleUploadedFile("a.png", png()), "Ảnh của Đỗ Văn Chụp")
    hidden = attachments.attach(declarant, site, SimpleUploadedFile("b.png", png()), "Ảnh nội bộ")
    site.refresh_from_db()
    services.publish(finance, site, "Trụ sở cũ, dự kiến làm trạm y tế.", [shown])
    InterestRegistration.objects.create(
        premises=site, name="Phạm Quan Tâm", contact="quantam@example.vn", priority_use=health, status="accepted"
    )
    InterestRegistration.objects.create(premises=site, name="Người khác", contact="x@example.vn", use_details="Kho")
    other = factories.premises(admin_unit=unit, agency=agency, status=PremisesStatus.SURPLUS)
    return {
        "site": site,
        "finance": finance,
        "declarant": declarant,
        "shown": shown,
        "hidden": hidden,
        "unpublished": other,
        "health": health,
        "unit": unit,
    }


def csv_rows(response):
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))


def test_every_public_output_holds_only_allow_listed_fields_and_no_personal_data(world):
    client = Client()  # no login
    site = world["site"]
    pages = {
        "list": client.get("/cong-khai/"),
        "site": client.get(f"/cong-khai/co-so/{site.code}/"),
        "csv": client.get("/cong-khai/danh-sach.csv"),
        "geojson": client.get("/cong-khai/danh-sach.geojson"),
        "ogc items": client.get("/ogc/collections/public-sites/items"),
        "ogc item": client.get(f"/ogc/collections/public-sites/items/{site.code}"),
        "ogc items in VN-2000": client.get(
            "/ogc/collections/public-sites/items", {"crs": "http://www.opengis.net/def/crs/EPSG/0/9208"}
        ),
        "ogc html": client.get("/ogc/collections/public-sites/items", {"f": "html"}),
        "ogc item html": client.get(f"/ogc/collections/public-sites/items/{site.code}", {"f": "html"}),
        "ogc queryables": client.get("/ogc/collections/public-sites/queryables"),
    }
    for name, response in pages.items():
        assert response.status_code == 200, name
        text = response.content.decode("utf-8-sig")
        for value in PERSONAL:
            assert value not in text, f"{value!r} appears in the public {name}"
    rows = csv_rows(pages["csv"])
    assert rows[0] == EXPECTED_COLUMNS
    row = dict(zip(rows[0], next(r for r in rows[1:] if r[0] == site.code), strict=True))
    assert row["decision_number"] == "45/QĐ-UBND"
    assert row["decision_date"] == "2026-11-02"
    assert row["intended_use"] == "Y tế"
    assert row["land_area"] == "2500.00"
    assert row["url"].endswith(f"/cong-khai/co-so/{site.code}/")
    collection = json.loads(pages["geojson"].content)
    assert set(collection) == {"type", "features"}
    for feature in collection["features"]:
        assert set(feature) == {"type", "geometry", "properties"}
        assert list(feature["properties"]) == EXPECTED_COLUMNS[:-2]  # the coordinates are the geometry
    [feature] = [f for f in collection["features"] if f["properties"]["code"] == site.code]
    assert feature["geometry"] == {"type": "Point", "coordinates": [105.66, 18.675]}
    # The public OGC collection: the same allow-list, the site's code as the feature id.
    ogc = json.loads(pages["ogc items"].content)
    for feature in ogc["features"]:
        assert set(feature) == {"type", "id", "geometry", "properties"}
        assert list(feature["properties"]) == EXPECTED_COLUMNS[:-2]  # the coordinates are the geometry
    [public_feature] = [f for f in collection["features"] if f["properties"]["code"] == site.code]
    [feature] = [f for f in ogc["features"] if f["id"] == site.code]
    assert feature["properties"]["decision_number"] == "45/QĐ-UBND"
    assert feature["properties"]["intended_use"] == "Y tế"
    assert feature["properties"]["land_area"] == "2500.00"
    assert feature["properties"] == public_feature["properties"]
    assert feature["geometry"] == {"type": "Point", "coordinates": [105.66, 18.675]}
    assert json.loads(pages["ogc item"].content)["properties"] == feature["properties"]
    page_text = pages["site"].content.decode()
    # The site page: its decision, plan use, stage history, counts of interest, the public photo only.
    assert "45/QĐ-UBND" in page_text
    assert "Y tế" in page_text
    assert "Trụ sở cũ, dự kiến làm trạm y tế." in page_text
    assert "2 lượt đăng ký quan tâm" in page_text and "1 được chấp nhận" in page_text
    assert f"/anh/{world['shown'].pk}/" in page_text
    assert f"/anh/{world['hidden'].pk}/" not in page_text
    # The site page's facts table has exactly the allow-listed rows, in this order.
    facts = page_text[page_text.index('data-testid="public-facts"') :]
    facts = facts[: facts.index("</table>")]
    assert re.findall(r"<th>(.*?)</th>", facts) == [
        "mã",
        "xã, phường (từ 2025)",
        "xã cũ",
        "trạng thái",
        "tình trạng",
        "diện tích đất (m²)",
        "tổng diện tích sàn (m²)",
        "diện tích sàn dôi dư (m²)",
        "giai đoạn xử lý",
        "số quyết định",
        "ngày quyết định",
        "mục đích sử dụng dự kiến",
        "địa chỉ",
        "cấp hạng nhà",
        "số tầng",
        "năm xây dựng",
    ]


def test_the_stage_history_is_dated_and_names_no_one(world):
    site = world["site"]
    text = Client().get(f"/cong-khai/co-so/{site.code}/").content.decode()
    history = text[text.index('data-testid="public-history"') :]
    history = history[: history.index("</ol>")]
    # Created surplus, then under handling by the proposal, then the handling record's own
    # steps: proposed, approved by decision 45/QĐ-UBND of 02/11/2026. Four dated steps.
    steps = re.findall(r"<li>(.*?)</li>", history)
    assert len(steps) == 4, steps
    assert "Dôi dư" in steps[0] and "Đang xử lý" in steps[1]
    assert "Chuyển đổi công năng sử dụng" in steps[2]
    assert "Chuyển đổi công năng sử dụng" in steps[3] and "45/QĐ-UBND" in steps[3] and "02/11/2026" in steps[3]
    # Dated in Viet Nam's time (the day may differ from UTC's in the evening).
    assert all(step.startswith(TODAY.strftime("%d/%m/%Y")) for step in steps)
    for value in PERSONAL:
        assert value not in history


@pytest.mark.parametrize(
    "query, expected",
    [
        ("", {"published"}),
        ("commune={commune}", {"published"}),
        ("commune=99999", set()),
        ("stage=approved", {"published"}),
        ("stage=proposed", set()),
        ("land_area_min=2000&land_area_max=3000", {"published"}),
        ("land_area_min=3000", set()),
        ("use=HEALTH", {"published"}),
        ("use=EDUCATION", set()),
        ("status=under_handling", {"published"}),
        ("status=in_use_hq", set()),
        ("condition=good", {"published"}),
        ("condition=poor", set()),
    ],
)
def test_filters_apply_to_the_list_and_the_open_data(world, query, expected):
    query = query.format(commune=world["unit"].code)
    codes = {"published": world["site"].code}
    wanted = {codes[k] for k in expected}
    for path in ("/cong-khai/danh-sach.csv", "/cong-khai/danh-sach.geojson"):
        response = Client().get(f"{path}?{query}")
        assert response.status_code == 200
        if path.endswith(".csv"):
            found = {r[0] for r in csv_rows(response)[1:]}
        else:
            found = {f["properties"]["code"] for f in json.loads(response.content)["features"]}
        assert world["site"].code in found if wanted else world["site"].code not in found
        assert world["unpublished"].code not in found


def test_a_site_not_published_is_404_everywhere(world):
    client = Client()
    site, other = world["site"], world["unpublished"]
    assert client.get(f"/cong-khai/co-so/{other.code}/").status_code == 404
    assert client.get("/cong-khai/co-so/nope/").status_code == 404
    assert client.get(f"/ogc/collections/public-sites/items/{other.code}").status_code == 404
    assert all(f["id"] != other.code for f in client.get("/ogc/collections/public-sites/items").json()["features"])
    # A photo not chosen for the listing, or named under another site, is 404.
    assert client.get(f"/cong-khai/co-so/{site.code}/anh/{world['hidden'].pk}/").status_code == 404
    assert client.get(f"/cong-khai/co-so/{other.code}/anh/{world['shown'].pk}/").status_code == 404
    assert client.get(f"/cong-khai/co-so/{site.code}/anh/{world['shown'].pk}/").status_code == 200
    assert client.get(f"/cong-khai/co-so/{site.code}/anh/{world['shown'].pk}/nho/").status_code == 200
    # Withdrawn: the page, the photo and the rows of the open data are gone.
    services.withdraw(world["finance"], site.public_listing)
    assert client.get(f"/cong-khai/co-so/{site.code}/").status_code == 404
    assert client.get(f"/cong-khai/co-so/{site.code}/anh/{world['shown'].pk}/").status_code == 404
    assert all(r[0] != site.code for r in csv_rows(client.get("/cong-khai/danh-sach.csv"))[1:])
    assert client.get(f"/ogc/collections/public-sites/items/{site.code}").status_code == 404
    assert json.loads(client.get("/cong-khai/danh-sach.geojson").content)["features"] == [] or all(
        f["properties"]["code"] != site.code
        for f in json.loads(client.get("/cong-khai/danh-sach.geojson").content)["features"]
    )
    # A post to a withdrawn site stores nothing.
    before = InterestRegistration.objects.count()
    response = client.post(f"/cong-khai/co-so/{site.code}/", {"name": "A", "contact": "a@b.vn", "use_details": "Kho"})
    assert response.status_code == 404
    assert InterestRegistration.objects.count() == before


def test_only_surplus_or_handled_sites_can_be_published_and_only_by_finance(world, client):
    in_use = factories.premises(status=PremisesStatus.IN_USE_HQ)
    with pytest.raises(ValidationError):
        services.publish(world["finance"], in_use)
    assert not PublicListing.objects.filter(premises=in_use).exists()
    with pytest.raises(PermissionDenied):
        services.publish(world["declarant"], world["unpublished"])
    client.force_login(world["declarant"])
    assert client.post(f"/cong-khai/cong-bo/{world['unpublished'].pk}/").status_code == 403
    assert not PublicListing.objects.filter(premises=world["unpublished"]).exists()
    # Finance publishes from the premises page.
    client.force_login(world["finance"])
    html = client.get(f"/declarations/premises/{world['unpublished'].pk}/").content.decode()
    assert f"/cong-khai/cong-bo/{world['unpublished'].pk}/" in html
    response = client.post(f"/cong-khai/cong-bo/{world['unpublished'].pk}/", {"summary": "Đất trống"})
    assert response.status_code == 302
    listing = PublicListing.objects.get(premises=world["unpublished"])
    assert listing.published_by == world["finance"] and not listing.withdrawn
    assert Client().get(f"/cong-khai/co-so/{world['unpublished'].code}/").status_code == 200
    assert client.post(f"/cong-khai/rut/{world['unpublished'].pk}/").status_code == 302
    listing.refresh_from_db()
    assert listing.withdrawn
    # Refused: a site in use, by the button too; nothing is stored.
    response = client.post(f"/cong-khai/cong-bo/{in_use.pk}/", {"summary": "x"}, follow=True)
    assert "Chỉ công khai được" in response.content.decode()
    assert not PublicListing.objects.filter(premises=in_use).exists()


def test_registering_interest_is_throttled_per_address(world, settings):
    settings.PUBLIC_INTEREST_LIMIT = 2
    cache.clear()
    site = world["site"]
    client = Client()
    data = {
        "name": "Cô Lan",
        "organisation": "Trường Tiểu học",
        "priority_use": world["health"].pk,
        "contact": "lan@x.vn",
    }
    before = InterestRegistration.objects.filter(premises=site).count()
    for _ in range(2):
        response = client.post(f"/cong-khai/co-so/{site.code}/", data)
        assert response.status_code == 302
    assert InterestRegistration.objects.filter(premises=site).count() == before + 2
    response = client.post(f"/cong-khai/co-so/{site.code}/", data, follow=True)
    assert "Quá nhiều lượt đăng ký" in response.content.decode()
    assert InterestRegistration.objects.filter(premises=site).count() == before + 2
    # Another address is not held back.
    response = Client(REMOTE_ADDR="10.0.0.9").post(f"/cong-khai/co-so/{site.code}/", data)
    assert response.status_code == 302
    cache.clear()


def test_interest_text_is_escaped_and_private_and_bounded(world, client):
    cache.clear()
    site = world["site"]
    markup = "<script>alert(1)</script><b>đậm</b>"
    response = Client().post(
        f"/cong-khai/co-so/{site.code}/",
        {"name": markup, "contact": "a@b.vn", "use_details": "Nhà văn hóa", "message": markup},
    )
    assert response.status_code == 302
    registration = InterestRegistration.objects.get(name=markup)
    assert registration.message == markup  # stored as typed, escaped when shown
    public_page = Client().get(f"/cong-khai/co-so/{site.code}/").content.decode()
    assert "alert(1)" not in public_page  # private: not even escaped on the public page
    client.force_login(world["finance"])
    html = client.get("/cong-khai/quan-tam/").content.decode()
    assert "&lt;script&gt;alert(1)&lt;/script&gt;&lt;b&gt;đậm&lt;/b&gt;" in html
    assert "<script>alert(1)" not in html
    # Too long, or no use at all: refused with the reason, nothing stored.
    before = InterestRegistration.objects.count()
    response = Client().post(f"/cong-khai/co-so/{site.code}/", {"name": "x" * 121, "contact": "a", "use_details": "k"})
    assert response.status_code == 400
    response = Client().post(f"/cong-khai/co-so/{site.code}/", {"name": "Ai đó", "contact": "a@b.vn"})
    assert response.status_code == 400
    assert "Chọn một mục đích" in response.content.decode()
    assert InterestRegistration.objects.count() == before
    # The declarant does not read the registrations; anonymous is sent to log in.
    client.force_login(world["declarant"])
    assert client.get("/cong-khai/quan-tam/").status_code == 403
    assert Client().get("/cong-khai/quan-tam/").status_code == 302
    cache.clear()


def test_interest_form_is_csrf_protected(world):
    cache.clear()
    client = Client(enforce_csrf_checks=True)
    before = InterestRegistration.objects.count()
    response = client.post(
        f"/cong-khai/co-so/{world['site'].code}/", {"name": "A", "contact": "a@b.vn", "use_details": "Kho"}
    )
    assert response.status_code == 403
    assert InterestRegistration.objects.count() == before


def test_the_use_dropdown_lists_the_priority_uses_of_cong_dien_213_first(world):
    text = Client().get(f"/cong-khai/co-so/{world['site'].code}/").content.decode()
    select = text[text.index('name="priority_use"') :]
    select = select[: select.index("</select>")]
    positions = [select.index(f">{name}<") for name in ("Y tế", "Giáo dục, đào tạo")]
    assert positions == sorted(positions)
    assert select.index("Mục đích khác") < positions[0]  # the empty choice says "say which below"


def test_public_lists_do_not_grow_in_queries_with_the_rows(world):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def count(url):
        with CaptureQueriesContext(connection) as queries:
            assert Client().get(url).status_code == 200
        return len(queries)

    urls = ["/cong-khai/", "/cong-khai/danh-sach.csv", "/cong-khai/danh-sach.geojson"]
    before = [count(u) for u in urls]
    for _ in range(3):
        services.publish(world["finance"], factories.premises(status=PremisesStatus.SURPLUS))
    assert [count(u) for u in urls] == before


# -- open data in VN-2000 (issue 17 item 1 meets item 4) -------------------------------------


@pytest.mark.parametrize("srid", [9208, 3405])
def test_open_data_in_vn2000_has_x_northing_y_easting_and_still_only_the_allow_list(world, srid):
    from pyproj import Transformer

    east, north = Transformer.from_crs(4326, srid, always_xy=True).transform(105.66, 18.675)
    client, site = Client(), world["site"]
    response = client.get(f"/cong-khai/danh-sach.csv?srs={srid}")
    assert response.status_code == 200
    rows = csv_rows(response)
    assert rows[0] == [*EXPECTED_COLUMNS[:-2], f"x_northing_epsg{srid}", f"y_easting_epsg{srid}"]
    row = dict(zip(rows[0], next(r for r in rows[1:] if r[0] == site.code), strict=True))
    assert float(row[f"x_northing_epsg{srid}"]) == pytest.approx(north, abs=0.01)
    assert float(row[f"y_easting_epsg{srid}"]) == pytest.approx(east, abs=0.01)
    collection = json.loads(client.get(f"/cong-khai/danh-sach.geojson?srs={srid}").content)
    assert set(collection) == {"type", "crs", "features"}
    assert collection["crs"]["properties"]["name"] == f"urn:ogc:def:crs:EPSG::{srid}"
    [feature] = [f for f in collection["features"] if f["properties"]["code"] == site.code]
    assert list(feature["properties"]) == EXPECTED_COLUMNS[:-2]
    assert feature["geometry"]["coordinates"] == pytest.approx([east, north], abs=0.01)
    assert world["unpublished"].code not in {f["properties"]["code"] for f in collection["features"]}
    for text in (response.content.decode("utf-8-sig"), json.dumps(collection, ensure_ascii=False)):
        for value in PERSONAL:
            assert value not in text


@pytest.mark.parametrize("srs", ["3857", "x", "", "<script>"])
def test_open_data_in_another_system_is_a_400(world, srs):
    for path in ("/cong-khai/danh-sach.csv", "/cong-khai/danh-sach.geojson"):
        response = Client().get(path, {"srs": srs})
        assert response.status_code == 400
        assert b"<script>" not in response.content


def test_the_register_page_links_the_vn2000_open_data_with_its_filters(world):
    text = Client().get("/cong-khai/", {"condition": "good"}).content.decode()
    assert "/cong-khai/danh-sach.csv?condition=good&amp;srs=9208" in text
    assert "/cong-khai/danh-sach.geojson?condition=good&amp;srs=9208" in text


def test_the_former_district_and_the_unit_type_filter_the_register(world):
    from inventory.choices import UnitLevel
    from inventory.models import AdministrativeUnit, Premises

    site = world["site"]
    former = AdministrativeUnit.objects.filter(level=UnitLevel.LEGACY_COMMUNE, parent__isnull=False).first()
    other_district = AdministrativeUnit.objects.filter(level=UnitLevel.LEGACY_DISTRICT).exclude(pk=former.parent_id)[0]
    Premises.objects.filter(pk=site.pk).update(legacy_unit=former)

    def codes(query):
        response = Client().get("/cong-khai/danh-sach.csv", query)
        assert response.status_code == 200
        return {r[0] for r in csv_rows(response)[1:]}

    assert site.code in codes({"former_district": former.parent.code})
    assert site.code not in codes({"former_district": other_district.code})
    # The site's agency is a commune People's Committee (the factory's kind).
    assert site.code in codes({"unit_type": "commune_committee"})
    assert site.code not in codes({"unit_type": "public_service_unit"})
    # A bad value shows nothing rather than everything.
    assert codes({"unit_type": "<b>x</b>"}) == set()


def test_finance_reads_registrations_for_cong_dien_213_priority_uses_first(world, client):
    # "Người khác" (no priority use) registered after "Phạm Quan Tâm" (health): newest first
    # would put it on top; the priority use puts health first.
    client.force_login(world["finance"])
    text = client.get("/cong-khai/quan-tam/").content.decode()
    assert text.index("Phạm Quan Tâm") < text.index("Người khác")
    InterestRegistration.objects.create(
        premises=world["site"],
        name="Cô Giáo Dục",
        contact="gd@example.vn",
        priority_use=PriorityUse.objects.get(code="EDUCATION"),
    )
    text = client.get("/cong-khai/quan-tam/").content.decode()
    health, education = PriorityUse.objects.get(code="HEALTH"), PriorityUse.objects.get(code="EDUCATION")
    first, second = (
        ("Phạm Quan Tâm", "Cô Giáo Dục")
        if health.sort_order < education.sort_order
        else (
            "Cô Giáo Dục",
            "Phạm Quan Tâm",
        )
    )
    assert text.index(first) < text.index(second) < text.index("Người khác")
