"""Photos and documents: checked by content, photos re-encoded with a thumbnail, size limit."""

import io

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from inventory.models import Premises
from inventory.services.attachments import attach

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def declarant(demo_user):
    return demo_user("demo-commune")


def png(size=(800, 600)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, "blue").save(buffer, "PNG")
    return buffer.getvalue()


def test_photo_is_re_encoded_with_a_thumbnail(declarant):
    premises = Premises.objects.visible_to(declarant).first()
    attachment = attach(declarant, premises, SimpleUploadedFile("mat-tien.png", png()), "Mặt tiền")
    assert attachment.kind == "photo" and attachment.content_type == "image/jpeg"
    assert attachment.file.name.endswith(".jpg")
    with Image.open(attachment.thumbnail.path) as thumb:
        assert max(thumb.size) <= 320
    with Image.open(attachment.file.path) as photo:
        assert photo.format == "JPEG" and photo.size == (800, 600)


def test_pdf_is_kept_as_a_document(declarant):
    premises = Premises.objects.visible_to(declarant).first()
    attachment = attach(declarant, premises, SimpleUploadedFile("quyet-dinh.pdf", b"%PDF-1.4\n%%EOF\n"))
    assert attachment.kind == "document" and attachment.content_type == "application/pdf"
    assert not attachment.thumbnail


@pytest.mark.parametrize(
    "name, content",
    [
        ("anh.jpg", b"this is text pretending to be a photo"),
        ("tai-lieu.pdf", b"MZ\x90\x00 an executable renamed"),
        ("bang.gif", b"GIF89a" + b"\0" * 20),
    ],
)
def test_content_decides_not_the_name(declarant, name, content):
    premises = Premises.objects.visible_to(declarant).first()
    with pytest.raises(ValidationError):
        attach(declarant, premises, SimpleUploadedFile(name, content))
    assert not premises.attachments.exists()


def test_size_limit(declarant, settings):
    settings.ATTACHMENT_MAX_BYTES = 1000
    premises = Premises.objects.visible_to(declarant).first()
    with pytest.raises(ValidationError, match="MB"):
        attach(declarant, premises, SimpleUploadedFile("lon.png", png((400, 400))))


def test_thumbnails_show_on_the_premises_page(client_as, declarant):
    premises = Premises.objects.visible_to(declarant).first()
    client = client_as("demo-commune")
    response = client.post(
        reverse("inventory:attachment_upload", args=[premises.pk]),
        {"file": SimpleUploadedFile("anh.png", png()), "title": "Ảnh"},
    )
    assert response.status_code == 302
    page = client.get(reverse("inventory:premises_detail", args=[premises.pk])).content.decode()
    attachment = premises.attachments.get()
    assert reverse("inventory:attachment_thumbnail", args=[attachment.pk]) in page  # never a /media/ path
