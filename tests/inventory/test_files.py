"""Uploaded files: served only through views that check the record's scope, under names
nobody can guess, never from /media/; photos that would exhaust a worker are refused."""

import importlib
import io
import re
import struct
import zlib
from pathlib import Path
from urllib.parse import quote

import pytest
from django.conf import settings as django_settings
from django.contrib.messages import get_messages
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import clear_url_caches, reverse
from django.utils import timezone, translation
from PIL import Image
from rest_framework.authtoken.models import Token

from inventory.models import Premises
from inventory.services import deletion
from inventory.services import handling as handling_services
from inventory.services.attachments import attach
from tests import factories

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[2]
DOCUMENT = b"%PDF-1.4\n% bien ban kiem ke\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
DECISION = b"%PDF-1.4\n% quyet dinh 215/QD-UBND\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    settings.FILES_X_ACCEL = False
    return tmp_path


def png(size=(800, 600), colour="blue") -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, colour).save(buffer, "PNG")
    return buffer.getvalue()


def body(response) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content


@pytest.fixture
def world(demo_user, media):
    """A premises of the demo commune with a photo and a PDF, and a handling record with
    its signed decision; the expected bytes are kept beside them."""
    declarant, finance = demo_user("demo-commune"), demo_user("demo-finance")
    premises = factories.premises(admin_unit=declarant.admin_unit, name="Trụ sở UBND phường cũ")
    photo = attach(declarant, premises, SimpleUploadedFile("mat-tien.png", png()), "Mặt tiền")
    document = attach(declarant, premises, SimpleUploadedFile("bien-ban.pdf", DOCUMENT))
    need = factories.need(agency=factories.agency(declarant.admin_unit))
    record = handling_services.propose_transfer(finance, need, premises=premises)
    record = factories.ready_for_decision(record, finance)
    record = handling_services.approve(
        finance,
        record,
        decision_number="215/QĐ-UBND",
        decision_date=timezone.localdate(),
        decider="Chủ tịch UBND tỉnh",
        document=SimpleUploadedFile("quyet-dinh-215.pdf", DECISION),
    )
    return {"premises": premises, "photo": photo, "document": document, "record": record}


@pytest.fixture
def urls(world, media):
    """Each file's URL, with the bytes it must answer."""
    photo, document, record = world["photo"], world["document"], world["record"]
    photo_bytes = (media / photo.file.name).read_bytes()
    assert photo_bytes.startswith(b"\xff\xd8\xff")  # the stored, re-encoded JPEG
    return {
        "photo": (reverse("inventory:attachment_file", args=[photo.pk]), photo_bytes),
        "thumbnail": (
            reverse("inventory:attachment_thumbnail", args=[photo.pk]),
            (media / photo.thumbnail.name).read_bytes(),
        ),
        "document": (reverse("inventory:attachment_file", args=[document.pk]), DOCUMENT),
        "decision": (reverse("inventory:decision_document", args=[record.pk]), DECISION),
    }


# -- who gets a file --------------------------------------------------------------------


@pytest.mark.parametrize("username", ["demo-commune", "demo-finance", "demo-auditor"])
def test_those_who_may_see_the_record_get_the_right_bytes(client_as, world, username, urls):
    client = client_as(username)
    for name, (url, expected) in urls.items():
        response = client.get(url)
        assert response.status_code == 200, (name, response.status_code)
        assert body(response) == expected, name


def test_a_program_with_a_valid_token_gets_the_file(world, demo_user, urls):
    key = Token.objects.create(user=demo_user("demo-auditor")).key
    for url, expected in urls.values():
        response = Client().get(url, HTTP_AUTHORIZATION=f"Token {key}")
        assert response.status_code == 200 and body(response) == expected


def _stranger():
    return factories.user(role="declarant", admin_unit=factories.unit("Xã Mỹ Lý"))


def test_anonymous_users_get_404(world, urls):
    for url, _expected in urls.values():
        assert Client().get(url).status_code == 404, url


def test_another_communes_declarant_gets_404(client, world, urls):
    client.force_login(_stranger())
    for url, _expected in urls.values():
        assert client.get(url).status_code == 404, url


def test_a_revoked_or_unknown_token_gets_404(client_as, world, demo_user, urls):
    client = client_as("demo-commune")  # the account page, where tokens are made and revoked
    client.post(reverse("inventory:token_create"))
    key = Token.objects.get(user=demo_user("demo-commune")).key
    url, expected = urls["photo"]
    assert body(Client().get(url, HTTP_AUTHORIZATION=f"Token {key}")) == expected
    client.post(reverse("inventory:token_revoke"))
    for url, _expected in urls.values():
        assert Client().get(url, HTTP_AUTHORIZATION=f"Token {key}").status_code == 404, url
        # A revoked token is refused even beside a signed-in session: it never falls back.
        assert client.get(url, HTTP_AUTHORIZATION=f"Token {key}").status_code == 404, url
        assert Client().get(url, HTTP_AUTHORIZATION="Token not-a-token").status_code == 404, url


def test_a_soft_deleted_premises_photo_is_gone_for_everyone(client_as, demo_user):
    declarant = demo_user("demo-commune")
    premises = factories.premises(admin_unit=declarant.admin_unit)
    photo = attach(declarant, premises, SimpleUploadedFile("anh.png", png()))
    url = reverse("inventory:attachment_file", args=[photo.pk])
    assert client_as("demo-finance").get(url).status_code == 200
    deletion.soft_delete(demo_user("demo-finance"), premises, "Nhập trùng")
    for username in ("demo-commune", "demo-finance", "demo-auditor"):
        assert client_as(username).get(url).status_code == 404, username
    thumbnail = reverse("inventory:attachment_thumbnail", args=[photo.pk])
    assert client_as("demo-finance").get(thumbnail).status_code == 404


def test_unknown_ids_and_a_record_without_a_decision_document_are_404(client_as, world, demo_user):
    client = client_as("demo-finance")
    assert client.get(reverse("inventory:attachment_file", args=[10**9])).status_code == 404
    assert client.get(reverse("inventory:attachment_thumbnail", args=[world["document"].pk])).status_code == 404
    need = factories.need(agency=factories.agency(factories.unit()))
    bare = handling_services.propose_transfer(demo_user("demo-finance"), need, premises=factories.premises())
    assert client.get(reverse("inventory:decision_document", args=[bare.pk])).status_code == 404


# -- what the response says -------------------------------------------------------------


def test_headers_disposition_nosniff_and_private_cache(client_as, world, urls):
    client = client_as("demo-finance")
    expected_disposition = {
        "photo": 'inline; filename="mat-tien.jpg"',
        "thumbnail": 'inline; filename="mat-tien-thumb.jpg"',
        "document": 'attachment; filename="bien-ban.pdf"',
        "decision": 'attachment; filename="quyet-dinh-215.pdf"',
    }
    expected_type = {
        "photo": "image/jpeg",
        "thumbnail": "image/jpeg",
        "document": "application/pdf",
        "decision": "application/pdf",
    }
    for name, (url, _expected) in urls.items():
        response = client.get(url)
        assert response["Content-Disposition"] == expected_disposition[name]
        assert response["Content-Type"] == expected_type[name]
        assert response["X-Content-Type-Options"] == "nosniff"
        cache = {part.strip() for part in response["Cache-Control"].split(",")}
        assert "private" in cache and "public" not in cache, response["Cache-Control"]


def test_behind_nginx_the_view_answers_with_x_accel_redirect(client_as, world, settings, media, urls):
    settings.FILES_X_ACCEL = True
    client = client_as("demo-commune")
    photo = world["photo"]
    response = client.get(urls["photo"][0])
    assert response.status_code == 200 and body(response) == b""
    assert response["X-Accel-Redirect"] == "/protected-files/" + quote(photo.file.name)
    assert (media / photo.file.name).exists()  # what nginx will send, below its alias
    assert response["Content-Type"] == "image/jpeg" and "private" in response["Cache-Control"]
    decision = client.get(urls["decision"][0])
    assert decision["X-Accel-Redirect"] == "/protected-files/" + quote(world["record"].decision_document.name)
    assert decision["Content-Disposition"].startswith("attachment")
    # Scope is decided before: a stranger gets no redirect at all.
    client.force_login(_stranger())
    refused = client.get(urls["photo"][0])
    assert refused.status_code == 404 and not refused.has_header("X-Accel-Redirect")


# -- names and /media/ --------------------------------------------------------------------


def test_stored_names_cannot_be_guessed(world, demo_user):
    premises, photo = world["premises"], world["photo"]
    old_style = f"premises/{premises.pk}/photo/mat-tien.jpg"
    assert photo.file.name != old_style
    again = attach(demo_user("demo-commune"), premises, SimpleUploadedFile("mat-tien.png", png()))
    names = [photo.file.name, again.file.name, photo.thumbnail.name, world["record"].decision_document.name]
    for name in names:
        # a random folder of at least 128 bits (22 URL-safe characters) somewhere in the name
        assert any(len(part) >= 22 for part in name.split("/")[:-1]), name
    assert photo.file.name != again.file.name and Path(photo.file.name).name == Path(again.file.name).name


@pytest.fixture
def debug_urls(settings):
    """The URLs as `make run` builds them (DEBUG on), restored afterwards."""
    import assets_project.urls

    settings.DEBUG = True
    importlib.reload(assets_project.urls)
    clear_url_caches()
    yield
    settings.DEBUG = False
    importlib.reload(assets_project.urls)
    clear_url_caches()


def test_media_paths_are_not_served_even_with_debug_on(client_as, world, debug_urls):
    premises, photo = world["premises"], world["photo"]
    client = client_as("demo-finance")
    for name in (
        f"premises/{premises.pk}/photo/mat-tien.jpg",  # the old, guessable layout
        photo.file.name,  # even the real name
        world["record"].decision_document.name,
    ):
        assert client.get(f"/{django_settings.MEDIA_URL.strip('/')}/{name}").status_code == 404, name
        assert Client().get(f"/media/{name}").status_code == 404, name


def test_nginx_has_no_public_media_location_only_the_internal_one():
    conf = (ROOT / "docker" / "nginx.conf").read_text()
    conf = re.sub(r"#[^\n]*", "", conf)
    locations = dict(re.findall(r"location\s+(\S+)\s*\{([^}]*)\}", conf))
    assert "/media/" not in locations
    media_served = [path for path, block in locations.items() if "/srv/media" in block]
    assert media_served == [django_settings.FILES_X_ACCEL_PREFIX]
    internal = locations[django_settings.FILES_X_ACCEL_PREFIX]
    assert re.search(r"^\s*internal\s*;", internal, re.M)
    assert re.search(r"add_header\s+X-Content-Type-Options\s+nosniff", internal)
    compose = (ROOT / "docker" / "compose.yml").read_text()
    assert re.search(r"FILES_X_ACCEL:\s*\"1\"", compose)


def test_pages_link_to_the_scoped_views_never_to_media(client_as, world):
    client = client_as("demo-commune")
    page = client.get(reverse("inventory:premises_detail", args=[world["premises"].pk])).content.decode()
    photo, document = world["photo"], world["document"]
    assert reverse("inventory:attachment_thumbnail", args=[photo.pk]) in page
    assert reverse("inventory:attachment_file", args=[photo.pk]) in page
    assert reverse("inventory:attachment_file", args=[document.pk]) in page
    assert "/media/" not in page and photo.file.name not in page
    record_page = client.get(reverse("inventory:handling_detail", args=[world["record"].pk])).content.decode()
    assert reverse("inventory:decision_document", args=[world["record"].pk]) in record_page
    assert "/media/" not in record_page


def test_admin_links_to_the_scoped_views(client_as, world):
    client = client_as("demo-admin")
    for url, link in (
        (
            reverse("admin:inventory_attachment_change", args=[world["photo"].pk]),
            reverse("inventory:attachment_file", args=[world["photo"].pk]),
        ),
        (
            reverse("admin:inventory_handlingrecord_change", args=[world["record"].pk]),
            reverse("inventory:decision_document", args=[world["record"].pk]),
        ),
    ):
        page = client.get(url).content.decode()
        assert link in page and "/media/" not in page


# -- rejected workbooks -------------------------------------------------------------------


@pytest.fixture
def rejected(client_as, demo_user):
    """A workbook upload as the demo declarant that keeps its valid rows and rejects one."""
    from openpyxl import load_workbook

    from inventory.services import excel

    declarant = demo_user("demo-commune")
    book = load_workbook(io.BytesIO(excel.template(declarant)))
    sheet = book["Cơ sở nhà, đất"]
    heading = next(c.column for c in sheet[1] if c.value == "Tổng diện tích sàn (m²)")
    sheet.cell(2, heading).value = 999_999  # more than footprint × floors: rejected
    buffer = io.BytesIO()
    book.save(buffer)
    client = client_as("demo-commune")
    response = client.post(
        reverse("inventory:excel_upload"),
        {"file": SimpleUploadedFile("ke-khai.xlsx", buffer.getvalue()), "keep_valid_rows": "on"},
    )
    token = response.context["rejected_token"]
    assert token
    return reverse("inventory:excel_rejected", args=[token])


def test_rejected_rows_only_for_the_user_who_uploaded_them(client, client_as, rejected, demo_user):
    from openpyxl import load_workbook

    response = client_as("demo-commune").get(rejected)
    assert response.status_code == 200 and response["Content-Disposition"].startswith("attachment")
    assert response["X-Content-Type-Options"] == "nosniff" and "private" in response["Cache-Control"]
    assert "Cơ sở nhà, đất" in load_workbook(io.BytesIO(body(response))).sheetnames
    colleague = factories.user(role="declarant", admin_unit=demo_user("demo-commune").admin_unit)
    for user in (colleague, demo_user("demo-finance"), demo_user("demo-auditor"), _stranger()):
        client.force_login(user)
        assert client.get(rejected).status_code == 404, user
    assert Client().get(rejected).status_code == 404


# -- image bombs ---------------------------------------------------------------------------


def _chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def png_bomb(width: int, height: int, *, complete: bool = True) -> bytes:
    """A valid RGBA PNG of `width` × `height` black pixels, a few hundred KB, built without
    allocating the image: one deflate segment of 100 zero rows, cut off by a full flush so
    that it can be repeated, then the final block and the Adler-32 of all-zero data."""
    rows = 100
    raw_row = 1 + 4 * width  # filter byte + RGBA
    if complete:
        deflate = zlib.compressobj(9, zlib.DEFLATED, -15)
        segment = deflate.compress(bytes(raw_row * rows)) + deflate.flush(zlib.Z_FULL_FLUSH)
        total = raw_row * height
        assert height % rows == 0
        stream = b"\x78\xda" + segment * (height // rows) + b"\x03\x00" + struct.pack(">I", ((total % 65521) << 16) | 1)
    else:
        stream = zlib.compress(bytes(raw_row))
    header = struct.pack(">IIBBBBB", width, height, 8, 6, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + _chunk(b"IHDR", header) + _chunk(b"IDAT", stream) + _chunk(b"IEND", b"")


def _status_mb(field: str) -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1]) // 1024
    raise LookupError(field)


def peak_growth_mb(action) -> int:
    """How far this process's resident memory rose above where it was while `action` ran
    (Linux: reset the high-water mark, run, read it)."""
    Path("/proc/self/clear_refs").write_text("5")
    before = _status_mb("VmRSS")
    action()
    return _status_mb("VmHWM") - before


def test_a_small_png_declaring_64_million_pixels_is_refused_within_a_memory_bound(demo_user):
    declarant = demo_user("demo-commune")
    premises = Premises.objects.visible_to(declarant).first()
    bomb = png_bomb(8000, 8000)  # 256 MB once decoded; under Pillow's own default limit
    assert len(bomb) < 400_000
    refused = []

    def upload():
        with translation.override("en"):
            try:
                attach(declarant, premises, SimpleUploadedFile("bom.png", bomb))
            except ValidationError as exc:
                refused.append(" ".join(exc.messages))

    growth = peak_growth_mb(upload)
    assert growth < 64, f"the worker grew by {growth} MB"
    assert refused == ["The photo has too many pixels (at most 40 million): scale it down and attach it again."]
    assert not premises.attachments.exists()


VI_TOO_LARGE = "Ảnh có quá nhiều điểm ảnh (tối đa 40 triệu): hãy thu nhỏ ảnh rồi đính kèm lại."
VI_UNREADABLE = "Không đọc được ảnh: tệp bị hỏng hoặc không phải là ảnh."


VI_NOT_A_PHOTO = "Chỉ đính kèm được ảnh (JPEG, PNG, WebP) và tài liệu PDF."


def _broken_crc() -> bytes:
    data = bytearray(png((40, 30)))
    data[29] ^= 0xFF  # inside IHDR's CRC: no decoder recognises the file
    return bytes(data)


def _broken_stream() -> bytes:
    header = struct.pack(">IIBBBBB", 40, 30, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + _chunk(b"IHDR", header) + _chunk(b"IDAT", b"\x78\x9c\xff\xff") + _chunk(b"IEND", b"")


@pytest.mark.parametrize(
    "content, message",
    [
        (png_bomb(8000, 8000), VI_TOO_LARGE),
        (png_bomb(30_000, 30_000, complete=False), VI_TOO_LARGE),  # over twice Pillow's limit: was a 500
        (png_bomb(65_535, 65_535, complete=False), VI_TOO_LARGE),
        (_broken_crc(), VI_NOT_A_PHOTO),
        (_broken_stream(), VI_UNREADABLE),
        (png((400, 300))[:300], VI_UNREADABLE),  # cut short
    ],
    ids=["64-megapixels", "900-megapixels", "4-gigapixels", "broken-crc", "broken-stream", "truncated"],
)
def test_hostile_images_get_a_clear_vietnamese_refusal_and_nothing_is_stored(
    client_as, demo_user, media, content, message
):
    premises = Premises.objects.visible_to(demo_user("demo-commune")).first()
    client = client_as("demo-commune")
    response = client.post(
        reverse("inventory:attachment_upload", args=[premises.pk]), {"file": SimpleUploadedFile("anh.png", content)}
    )
    assert response.status_code == 302
    assert [str(m) for m in get_messages(response.wsgi_request)] == [message]
    assert not premises.attachments.exists()
    assert not [p for p in media.rglob("*") if p.is_file()]


def test_the_pixel_limit_is_a_setting(demo_user, settings):
    settings.ATTACHMENT_MAX_PIXELS = 100 * 100
    declarant = demo_user("demo-commune")
    premises = Premises.objects.visible_to(declarant).first()
    with pytest.raises(ValidationError):
        attach(declarant, premises, SimpleUploadedFile("anh.png", png((101, 100))))
    assert attach(declarant, premises, SimpleUploadedFile("anh.png", png((100, 100)))).kind == "photo"
