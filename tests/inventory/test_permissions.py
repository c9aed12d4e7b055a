"""Permission matrix: each role × each page and action, including other units' objects
reached by URL. Allowed means 200 (or a redirect after a POST that did its work)."""

import pytest
from django.urls import reverse

from inventory.models import Declaration, DeclarationItem, Premises, User
from inventory.services import declarations as services
from tests.inventory.test_declarations import PremisesForm, premises_data

pytestmark = pytest.mark.django_db

ROLES = ["anonymous", "demo-commune", "demo-finance", "demo-auditor", "demo-admin"]
READ_PAGES = [
    "inventory:home",
    "inventory:declaration_list",
    "inventory:premises_list",
    "inventory:asset_list",
    "inventory:need_list",
    "inventory:notifications",
]
DECLARANT_PAGES = [
    "inventory:premises_create",
    "inventory:asset_create",
    "inventory:need_create",
    "inventory:excel_template",
    "inventory:excel_upload",
]


@pytest.fixture
def world(demo_user):
    """A submitted declaration of Thành Vinh and a premises of another unit."""
    declarant = demo_user("demo-commune")
    form = PremisesForm(premises_data(declarant), user=declarant)
    assert form.is_valid(), form.errors
    item = services.propose(declarant, "premises", form.payload)
    services.submit(declarant, item.declaration)
    own = Premises.objects.visible_to(declarant).first()
    other = Premises.objects.exclude(agency__admin_unit=declarant.admin_unit).first()
    return {"item": item, "declaration": item.declaration, "own": own, "other": other}


def client_for(client, role):
    if role != "anonymous":
        client.force_login(User.objects.get(username=role))
    return client


def status(client, method, url, data=None):
    response = client.post(url, data or {}) if method == "post" else client.get(url)
    return response.status_code, response


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("page", READ_PAGES)
def test_read_pages(client, role, page):
    code, response = status(client_for(client, role), "get", reverse(page))
    if role == "anonymous":
        assert code == 302 and "/accounts/login/" in response["Location"]
    else:
        assert code == 200


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("page", DECLARANT_PAGES)
def test_declaring_pages_are_for_declarants_only(client, role, page):
    code, _response = status(client_for(client, role), "get", reverse(page))
    expected = {"anonymous": 302, "demo-commune": 200}.get(role, 403)
    assert code == expected


@pytest.mark.parametrize("role", ROLES)
def test_review_queue_is_for_finance(client, role):
    code, _r = status(client_for(client, role), "get", reverse("inventory:review_queue"))
    assert code == {"anonymous": 302, "demo-finance": 200, "demo-admin": 200}.get(role, 403)


@pytest.mark.parametrize("role", ROLES)
def test_exports_are_scoped(client, role, world):
    code, response = status(client_for(client, role), "get", reverse("inventory:export_form", args=["04a"]))
    if role == "anonymous":
        assert code == 302
        return
    assert code == 200
    import io

    from openpyxl import load_workbook

    sheet = load_workbook(io.BytesIO(response.content)).active
    codes = {row[2] for row in sheet.iter_rows(min_row=6, values_only=True)}
    assert (world["other"].code in codes) == (role != "demo-commune")
    assert world["own"].code in codes


@pytest.mark.parametrize("role", ROLES)
def test_own_and_other_units_objects_by_url(client, role, world):
    client = client_for(client, role)
    own_code, _ = status(client, "get", reverse("inventory:premises_detail", args=[world["own"].pk]))
    other_code, _ = status(client, "get", reverse("inventory:premises_detail", args=[world["other"].pk]))
    declaration_code, _ = status(client, "get", reverse("inventory:declaration_detail", args=[world["declaration"].pk]))
    if role == "anonymous":
        assert own_code == other_code == declaration_code == 302
    elif role == "demo-commune":
        assert (own_code, other_code, declaration_code) == (200, 404, 200)
    else:
        assert (own_code, other_code, declaration_code) == (200, 200, 200)


@pytest.mark.parametrize("role", ROLES)
def test_editing_other_units_records_is_not_possible(client, role, world):
    client = client_for(client, role)
    code, _ = status(client, "get", reverse("inventory:premises_edit", args=[world["other"].pk]))
    post_code, _ = status(client, "post", reverse("inventory:premises_edit", args=[world["other"].pk]), {"name": "x"})
    expected = {"anonymous": 302, "demo-commune": 404}.get(role, 403)
    assert code == expected and post_code == expected
    world["other"].refresh_from_db()
    assert world["other"].name != "x"


@pytest.mark.parametrize("role", ROLES)
def test_reviewing_is_for_finance(client, role, world):
    client = client_for(client, role)
    item = world["item"]
    code, _ = status(
        client, "post", reverse("inventory:item_review", args=[item.pk]), {"decision": "return", "comment": "sai"}
    )
    item.refresh_from_db()
    if role in ("demo-finance", "demo-admin"):
        assert code == 302 and item.status == "returned"
    else:
        assert code == (302 if role == "anonymous" else 403)
        assert item.status == "pending"


@pytest.mark.parametrize("role", ROLES)
def test_submitting_is_for_the_declarant_of_the_unit(client, role, world, demo_user):
    declarant = demo_user("demo-commune")
    form = PremisesForm(premises_data(declarant, name="Nhà kho"), user=declarant)
    assert form.is_valid()
    # The earlier declaration is submitted; this opens a new draft.
    item = services.propose(declarant, "premises", form.payload)
    client = client_for(client, role)
    code, _ = status(client, "post", reverse("inventory:declaration_submit", args=[item.declaration_id]))
    declaration = Declaration.objects.get(pk=item.declaration_id)
    if role == "demo-commune":
        assert code == 302 and declaration.status == "submitted"
    else:
        assert code == (302 if role == "anonymous" else 403)
        assert declaration.status == "draft"


def test_declarant_of_another_unit_cannot_reach_a_declaration(client, world):
    from tests import factories

    stranger = factories.user(role="declarant", admin_unit=factories.unit("Xã Mỹ Lý"))
    client.force_login(stranger)
    assert client.get(reverse("inventory:declaration_detail", args=[world["declaration"].pk])).status_code == 404
    item = DeclarationItem.objects.get(pk=world["item"].pk)
    assert client.post(reverse("inventory:item_withdraw", args=[item.pk])).status_code == 404
    assert client.get(reverse("inventory:item_edit", args=[item.pk])).status_code == 404


@pytest.mark.parametrize("role", ROLES)
def test_attachments_only_by_the_declarant(client, role, world):
    import io

    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (20, 20), "red").save(buffer, "PNG")
    buffer.seek(0)
    buffer.name = "anh.png"
    client = client_for(client, role)
    code, _ = status(client, "post", reverse("inventory:attachment_upload", args=[world["own"].pk]), {"file": buffer})
    count = world["own"].attachments.count()
    if role == "demo-commune":
        assert code == 302 and count == 1
    else:
        assert count == 0
