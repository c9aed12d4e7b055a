"""The phone's outbox API (/api/v1/declare/…): declared once whatever is replayed, photos
with the declaration, If-Match on changes, files scoped like their records."""

import io
import json

import pytest
from django.test.client import encode_multipart
from PIL import Image

from inventory.models import Attachment, DeclarationItem, IdempotentRequest, Need, Premises
from inventory.services import declarations as services
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def commune(client_as, demo_user):
    client = client_as("demo-commune")
    client.user = demo_user("demo-commune")
    return client


def png(colour="blue", size=(2000, 1500)) -> io.BytesIO:
    buffer = io.BytesIO()
    Image.new("RGB", size, colour).save(buffer, "PNG")
    buffer.seek(0)
    buffer.name = f"{colour}.png"
    return buffer


def post(client, url, data, key=None, boundary="BoUnDaRy", **headers):
    if key is not None:
        headers["HTTP_IDEMPOTENCY_KEY"] = key
    return client.post(
        url, encode_multipart(boundary, data), content_type=f"multipart/form-data; boundary={boundary}", **headers
    )


def test_a_replay_gets_the_first_answer_and_writes_nothing(commune):
    data = factories.need_form_data(commune.user.agency, purpose="Kho lưu trữ xã")
    first = post(commune, "/api/v1/declare/need/", data, key="draft-0001-aaaa")
    assert first.status_code == 201, first.content
    items = DeclarationItem.objects.filter(target="need", payload__purpose="Kho lưu trữ xã")
    assert items.count() == 1
    # Sent again (the answer was lost on the way), with another multipart boundary.
    again = post(commune, "/api/v1/declare/need/", data, key="draft-0001-aaaa", boundary="other-boundary-2")
    assert again.status_code == 201
    assert json.loads(again.content) == json.loads(first.content)
    assert again["Idempotent-Replayed"] == "true"
    assert items.count() == 1
    assert IdempotentRequest.objects.filter(user=commune.user, key="draft-0001-aaaa").count() == 1


def test_the_same_key_with_another_body_is_refused(commune):
    data = factories.need_form_data(commune.user.agency, purpose="Phòng họp")
    assert post(commune, "/api/v1/declare/need/", data, key="draft-0002-bbbb").status_code == 201
    other = {**data, "purpose": "Phòng họp lớn hơn"}
    refused = post(commune, "/api/v1/declare/need/", other, key="draft-0002-bbbb")
    assert refused.status_code == 422
    assert not DeclarationItem.objects.filter(payload__purpose="Phòng họp lớn hơn").exists()
    assert DeclarationItem.objects.filter(payload__purpose="Phòng họp").count() == 1


def test_a_key_belongs_to_its_user(commune, client, demo_user):
    data = factories.need_form_data(commune.user.agency, purpose="Nhu cầu A")
    assert post(commune, "/api/v1/declare/need/", data, key="shared-key-1234").status_code == 201
    other_unit = factories.unit(name="Xã Mường Xén")
    other_agency = factories.agency(admin_unit=other_unit, name="UBND xã Mường Xén")
    other = factories.declarant(other_unit, agency=other_agency)
    client.force_login(other)
    answer = post(
        client,
        "/api/v1/declare/need/",
        factories.need_form_data(other_agency, purpose="Nhu cầu B"),
        key="shared-key-1234",
    )
    assert answer.status_code == 201
    assert DeclarationItem.objects.filter(payload__purpose="Nhu cầu B", declaration__agency=other_agency).count() == 1


def test_without_a_key_each_post_declares(commune):
    # The key is what makes a replay harmless: without one, the same need sent twice is two.
    data = factories.need_form_data(commune.user.agency, purpose="Không khóa")
    keys = IdempotentRequest.objects.filter(user=commune.user).count()
    assert post(commune, "/api/v1/declare/need/", data).status_code == 201
    assert post(commune, "/api/v1/declare/need/", data).status_code == 201
    assert DeclarationItem.objects.filter(payload__purpose="Không khóa").count() == 2
    assert IdempotentRequest.objects.filter(user=commune.user).count() == keys  # none kept


def test_the_web_form_takes_photos_too(commune):
    data = {
        **factories.premises_form_data(commune.user.agency, name="Nhà kho xã cũ"),
        "photos": [png("red"), png("blue")],
    }
    response = commune.post("/declarations/premises/new/", data)
    assert response.status_code == 302
    item = DeclarationItem.objects.get(payload__name="Nhà kho xã cũ")
    assert Attachment.objects.filter(item=item, kind="photo").count() == 2


def test_a_photo_that_is_not_one_refuses_the_whole_draft(commune):
    bad = io.BytesIO(b"not a photo at all")
    bad.name = "anh.jpg"
    data = {**factories.premises_form_data(commune.user.agency, name="Ảnh hỏng"), "photos": [png("red"), bad]}
    answer = post(commune, "/api/v1/declare/premises/", data, key="bad-photo-0001")
    assert answer.status_code == 400
    assert not DeclarationItem.objects.filter(payload__name="Ảnh hỏng").exists()
    assert not Attachment.objects.filter(item__payload__name="Ảnh hỏng").exists()


@pytest.mark.parametrize("key", ["short", "x" * 101, "bad key with spaces", "<script>"])
def test_a_malformed_key_is_refused(commune, key):
    data = factories.need_form_data(commune.user.agency, purpose="Khóa sai")
    answer = post(commune, "/api/v1/declare/need/", data, key=key)
    assert answer.status_code == 400
    assert not DeclarationItem.objects.filter(payload__purpose="Khóa sai").exists()


def test_new_premises_with_photos_before_review(commune, client, demo_user):
    agency = commune.user.agency
    data = {**factories.premises_form_data(agency, name="Trụ sở xã cũ Hưng Lộc"), "photos": [png("red"), png("green")]}
    answer = post(commune, "/api/v1/declare/premises/", data, key="premises-photo-1")
    assert answer.status_code == 201, answer.content
    body = json.loads(answer.content)
    item = DeclarationItem.objects.get(pk=body["item"])
    photos = list(Attachment.objects.filter(item=item))
    assert len(photos) == 2 and body["photos"] == sorted(body["photos"])
    assert all(p.premises_id is None and p.kind == "photo" for p in photos)
    # Re-encoded whatever the phone sent.
    with Image.open(photos[0].file.path) as image:
        assert image.format == "JPEG"
    # Replayed with the same photos: still two.
    data = {**factories.premises_form_data(agency, name="Trụ sở xã cũ Hưng Lộc"), "photos": [png("red"), png("green")]}
    assert post(commune, "/api/v1/declare/premises/", data, key="premises-photo-1", boundary="b2").status_code == 201
    assert Attachment.objects.filter(item=item).count() == 2

    # The declarant and the reviewer see the photo; another commune and the anonymous do not.
    url = f"/files/attachments/{photos[0].pk}/thumbnail/"
    assert commune.get(url).status_code == 200
    other_unit = factories.unit(name="Xã Con Cuông")
    client.force_login(factories.declarant(other_unit, agency=factories.agency(admin_unit=other_unit)))
    assert client.get(url).status_code == 404
    client.logout()
    assert client.get(url).status_code == 404
    client.force_login(demo_user("demo-finance"))
    assert client.get(url).status_code == 200
    page = client.get(f"/declarations/{item.declaration_id}/")
    html = page.content.decode()
    section = html[html.index(f'data-item="{item.code}"') :].split("</section>", 1)[0]
    assert section.count('data-testid="item-photo"') == 2
    assert all(f"/files/attachments/{p.pk}/thumbnail/" in section for p in photos)
    assert "data-pin-map" in section

    # Approved: the photos belong to the new premises.
    declaration = services.submit(commune.user, item.declaration)
    services.review_item(demo_user("demo-finance"), DeclarationItem.objects.get(pk=item.pk), True)
    premises = Premises.objects.get(code=item.code)
    assert set(premises.attachments.values_list("pk", flat=True)) == {p.pk for p in photos}
    assert declaration.pk == item.declaration_id


def test_a_change_on_an_old_version_is_a_conflict_and_nothing_is_overwritten(commune, demo_user):
    need = factories.need(agency=commune.user.agency)
    opened = need.version
    # Meanwhile on the server, someone changes the record.
    Need.objects.filter(pk=need.pk).update(purpose="Đổi trên máy chủ")
    need.refresh_from_db()
    assert need.version > opened
    data = factories.record_form_data(need, "need", purpose="Đổi trên điện thoại")
    answer = post(commune, f"/api/v1/declare/need/{need.pk}/", data, key="change-need-1", HTTP_IF_MATCH=f'"{opened}"')
    assert answer.status_code == 412
    body = json.loads(answer.content)
    assert body["current_version"] == need.version
    rows = {r["now"]: r["yours"] for r in body["conflict"]}
    assert rows.get("Đổi trên máy chủ") == "Đổi trên điện thoại"
    need.refresh_from_db()
    assert need.purpose == "Đổi trên máy chủ"
    assert not DeclarationItem.objects.filter(payload__purpose="Đổi trên điện thoại").exists()
    # The replay is the same conflict.
    again = post(commune, f"/api/v1/declare/need/{need.pk}/", data, key="change-need-1", HTTP_IF_MATCH=f'"{opened}"')
    assert again.status_code == 412 and json.loads(again.content) == body


def test_a_change_needs_its_version(commune):
    need = factories.need(agency=commune.user.agency)
    data = factories.record_form_data(need, "need", purpose="Không có phiên bản")
    answer = post(commune, f"/api/v1/declare/need/{need.pk}/", data, key="no-version-1")
    assert answer.status_code == 428
    assert not DeclarationItem.objects.filter(payload__purpose="Không có phiên bản").exists()


def test_a_change_on_the_current_version_is_declared(commune):
    need = factories.need(agency=commune.user.agency)
    data = factories.record_form_data(need, "need", purpose="Đổi đúng phiên bản")
    answer = post(
        commune, f"/api/v1/declare/need/{need.pk}/", data, key="change-ok-1", HTTP_IF_MATCH=f'"{need.version}"'
    )
    assert answer.status_code == 201, answer.content
    assert DeclarationItem.objects.get(pk=json.loads(answer.content)["item"]).payload["purpose"] == "Đổi đúng phiên bản"


def test_invalid_values_are_a_400_kept_for_the_replay(commune):
    data = factories.need_form_data(commune.user.agency, floor_area="-5", purpose="Âm")
    answer = post(commune, "/api/v1/declare/need/", data, key="invalid-need-1")
    assert answer.status_code == 400
    assert "floor_area" in json.loads(answer.content)["errors"]
    assert post(commune, "/api/v1/declare/need/", data, key="invalid-need-1").status_code == 400
    assert not DeclarationItem.objects.filter(payload__purpose="Âm").exists()


def test_other_units_records_and_roles(commune, client_as, demo_user):
    other = factories.need(agency=factories.agency(admin_unit=factories.unit(name="Xã Tương Dương")))
    data = factories.record_form_data(other, "need", purpose="Của xã khác")
    assert (
        post(
            commune, f"/api/v1/declare/need/{other.pk}/", data, key="other-unit-1", HTTP_IF_MATCH=f'"{other.version}"'
        ).status_code
        == 404
    )
    for username in ("demo-auditor", "demo-finance"):
        client = client_as(username)
        answer = post(
            client,
            "/api/v1/declare/need/",
            factories.need_form_data(other.agency, purpose="Vai khác"),
            key=f"role-{username}",
        )
        assert answer.status_code == 403
    assert not DeclarationItem.objects.filter(payload__purpose__in=["Của xã khác", "Vai khác"]).exists()
    assert post(commune, "/api/v1/declare/house/", {}, key="bad-target-1").status_code == 404
