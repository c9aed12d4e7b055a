"""The declaration workflow and its validation rules."""

import datetime as dt

import pytest
from django.contrib.gis.geos import Point
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.urls import reverse

from inventory.choices import DeclarationKind, DeclarationStatus, ItemStatus, ItemTarget
from inventory.forms import AssetForm, PremisesForm
from inventory.models import Asset, Declaration, DeclarationItem, Notification, Premises
from inventory.services import declarations as services
from inventory.services import declared_values
from tests import factories

pytestmark = pytest.mark.django_db

VINH = Point(105.6600, 18.6750, srid=4326)  # near the centroid of Phường Thành Vinh


def premises_data(user, **overrides):
    """A new premises of the user's agency near the centre of Phường Thành Vinh, its
    location not yet confirmed (so a far one asks for confirmation)."""
    data = factories.premises_form_data(user.agency, location=f"SRID=4326;POINT({VINH.x} {VINH.y})")
    del data["confirm_location"]
    data.update(overrides)
    return data


def asset_data(user, **overrides):
    return factories.asset_form_data(user.agency, **overrides)


def declare(user, form_class, data, record=None):
    form = form_class(data, user=user, record=record)
    assert form.is_valid(), form.errors
    return services.propose(user, form.target, form.payload, record=record)


@pytest.fixture
def declarant(demo_user):
    return demo_user("demo-commune")


@pytest.fixture
def reviewer(demo_user):
    return demo_user("demo-finance")


def test_new_premises_and_asset_wait_for_approval_then_take_effect(declarant, reviewer):
    premises_item = declare(declarant, PremisesForm, premises_data(declarant))
    declaration = premises_item.declaration
    assert declaration.status == DeclarationStatus.DRAFT and declaration.kind in DeclarationKind.values
    asset_item = declare(declarant, AssetForm, asset_data(declarant, premises=premises_item.code))
    assert asset_item.declaration_id == declaration.pk
    assert not Premises.objects.filter(code=premises_item.code).exists()  # nothing in effect yet

    services.submit(declarant, declaration)
    premises_item.refresh_from_db()
    asset_item.refresh_from_db()
    assert premises_item.status == ItemStatus.PENDING
    assert asset_item.status == ItemStatus.PENDING  # its premises is not approved yet
    assert Notification.objects.filter(user=reviewer, url__contains=str(declaration.pk)).exists()

    services.review_declaration(reviewer, declaration, approve=True)
    declaration.refresh_from_db()
    assert declaration.status == DeclarationStatus.APPROVED
    premises = Premises.objects.get(code=premises_item.code)
    assert premises.admin_unit.name == "Phường Thành Vinh"
    assert premises.remaining_value is not None
    asset = Asset.objects.get(code=asset_item.code)
    assert asset.premises == premises
    assert Notification.objects.filter(user=declarant, message__contains=str(declaration.pk)).exists()


def _next_code_number() -> int:
    """The number the record code sequence gives next (without drawing it)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT CASE WHEN is_called THEN last_value + 1 ELSE last_value END FROM inventory_record_code_seq"
        )
        return cursor.fetchone()[0]


def test_a_code_is_drawn_when_a_new_record_is_declared_not_when_its_form_is_checked(declarant):
    """Checking a form, valid or not, draws no number from the sequence; declaring the
    new record without a code gives it the next one: TS-<unit>-<7 digits>."""
    upcoming = _next_code_number()
    invalid = PremisesForm(premises_data(declarant, name=""), user=declarant)
    valid = PremisesForm(premises_data(declarant), user=declarant)
    assert not invalid.is_valid() and valid.is_valid(), valid.errors
    assert not valid.payload["code"] and _next_code_number() == upcoming
    item = services.propose(declarant, ItemTarget.PREMISES, valid.payload)
    assert item.code == f"TS-{declarant.agency.admin_unit.code}-{upcoming:07d}"
    assert item.payload["code"] == item.code


def test_small_assets_take_effect_on_submission_and_big_ones_wait(declarant):
    premises = Premises.objects.visible_to(declarant).first()
    small = declare(declarant, AssetForm, asset_data(declarant, premises=premises.code))
    big = declare(
        declarant,
        AssetForm,
        asset_data(declarant, premises=premises.code, name="Máy chủ", original_cost="500000000", quantity="1"),
    )
    car = declare(
        declarant,
        AssetForm,
        asset_data(
            declarant,
            premises=premises.code,
            name="Xe ô tô",
            asset_class="OTO",
            plate_number="37A-999.99",
            original_cost="300000000",
            quantity="1",
        ),
    )
    services.submit(declarant, small.declaration)
    for item in (small, big, car):
        item.refresh_from_db()
    assert small.status == ItemStatus.APPLIED and Asset.objects.filter(code=small.code).exists()
    assert big.status == ItemStatus.PENDING and not Asset.objects.filter(code=big.code).exists()
    assert car.status == ItemStatus.PENDING
    assert small.declaration.status == DeclarationStatus.SUBMITTED


def test_return_with_comment_then_correct_and_resubmit(declarant, reviewer):
    item = declare(declarant, PremisesForm, premises_data(declarant))
    declaration = services.submit(declarant, item.declaration)
    with pytest.raises(ValidationError):
        services.review_item(reviewer, item, approve=False, comment="  ")  # a return needs a comment
    services.review_item(reviewer, item, approve=False, comment="Diện tích đất chưa đúng")
    declaration.refresh_from_db()
    item.refresh_from_db()
    assert item.status == ItemStatus.RETURNED and item.review_comment == "Diện tích đất chưa đúng"
    assert declaration.status == DeclarationStatus.RETURNED
    assert (
        Notification.objects.filter(user=declarant, message__contains="returned").exists()
        or Notification.objects.filter(user=declarant, url__contains=str(declaration.pk)).exists()
    )

    form = PremisesForm(premises_data(declarant, land_area="1500"), user=declarant, item=item)
    assert form.is_valid(), form.errors
    services.propose(declarant, ItemTarget.PREMISES, form.payload)
    item.refresh_from_db()
    assert item.status == ItemStatus.DRAFT and item.payload["land_area"] == "1500"
    services.submit(declarant, declaration)
    item.refresh_from_db()
    assert item.status == ItemStatus.PENDING
    services.review_item(reviewer, item, approve=True)
    declaration.refresh_from_db()
    assert declaration.status == DeclarationStatus.APPROVED
    assert Premises.objects.get(code=item.code).land_area == 1500


def test_a_change_is_shown_against_the_approved_state_and_applied_on_approval(declarant, reviewer):
    premises = Premises.objects.visible_to(declarant).filter(status="surplus").first()
    data = declared_values.to_payload(premises, ItemTarget.PREMISES)
    data["name"] = premises.name + " (sửa)"
    form_data = {k: v for k, v in data.items() if v not in (None, False)}
    item = declare(declarant, PremisesForm, {**form_data, "confirm_location": "on"}, record=premises)
    rows = {
        r["field"]: r
        for r in declared_values.diff(
            ItemTarget.PREMISES, declared_values.to_payload(premises, ItemTarget.PREMISES), item.payload
        )
    }
    assert rows["name"]["changed"] and rows["name"]["before"] == premises.name
    assert not rows["land_area"]["changed"]
    services.submit(declarant, item.declaration)
    premises.refresh_from_db()
    assert not premises.name.endswith("(sửa)")  # still the approved state
    services.review_item(reviewer, item, approve=True)
    premises.refresh_from_db()
    assert premises.name.endswith("(sửa)")


def test_an_unchanged_edit_declares_nothing(declarant):
    premises = Premises.objects.visible_to(declarant).first()
    data = {
        k: v for k, v in declared_values.to_payload(premises, ItemTarget.PREMISES).items() if v not in (None, False)
    }
    form = PremisesForm({**data, "confirm_location": "on"}, user=declarant, record=premises)
    assert form.is_valid(), form.errors
    assert services.propose(declarant, ItemTarget.PREMISES, form.payload, record=premises) is None
    assert not DeclarationItem.objects.filter(code=premises.code).exists()


def test_a_record_waiting_for_review_cannot_be_declared_again(declarant):
    premises = Premises.objects.visible_to(declarant).first()
    data = {
        k: v for k, v in declared_values.to_payload(premises, ItemTarget.PREMISES).items() if v not in (None, False)
    }
    item = declare(declarant, PremisesForm, {**data, "name": "Tên mới", "confirm_location": "on"}, record=premises)
    services.submit(declarant, item.declaration)
    form = PremisesForm({**data, "name": "Tên khác", "confirm_location": "on"}, user=declarant, record=premises)
    assert form.is_valid()
    with pytest.raises(ValidationError, match="đang chờ duyệt"):
        services.propose(declarant, ItemTarget.PREMISES, form.payload, record=premises)


def test_only_declarants_declare_and_only_finance_reviews(declarant, reviewer, demo_user):
    item = declare(declarant, PremisesForm, premises_data(declarant))
    with pytest.raises(PermissionDenied):
        services.submit(reviewer, item.declaration)
    services.submit(declarant, item.declaration)
    for username in ("demo-auditor", "demo-commune"):
        with pytest.raises(PermissionDenied):
            services.review_item(demo_user(username), item, approve=True)
    other_unit_premises = Premises.objects.exclude(agency__admin_unit=declarant.admin_unit).first()
    with pytest.raises(PermissionDenied):
        services.propose(
            declarant,
            ItemTarget.PREMISES,
            {**declared_values.to_payload(other_unit_premises, ItemTarget.PREMISES), "name": "x"},
            record=other_unit_premises,
        )


def test_first_declaration_is_first_time_and_later_ones_supplementary(declarant, reviewer):
    item = declare(declarant, AssetForm, asset_data(declarant, premises=""))
    assert item.declaration.kind == DeclarationKind.FIRST_TIME
    services.submit(declarant, item.declaration)
    assert Declaration.objects.get(pk=item.declaration_id).status == DeclarationStatus.APPROVED
    second = declare(declarant, AssetForm, asset_data(declarant, premises="", name="Máy in"))
    assert second.declaration.kind == DeclarationKind.SUPPLEMENTARY


# -- validation rules, each with its message beside the field ---------------------------------


def errors(form_class, user, **overrides):
    data = (premises_data if form_class is PremisesForm else asset_data)(user, **overrides)
    form = form_class(data, user=user)
    assert not form.is_valid()
    return form.errors


def test_point_outside_the_province_is_refused(declarant):
    errs = errors(PremisesForm, declarant, location="SRID=4326;POINT(105.85 21.03)")  # Hà Nội
    assert "Tỉnh Nghệ An" in " ".join(errs["location"])


def test_point_far_from_the_commune_asks_for_confirmation(declarant):
    far = "SRID=4326;POINT(105.40 18.90)"  # inside the province, ~35 km from Thành Vinh
    form = PremisesForm(premises_data(declarant, location=far), user=declarant)
    assert not form.is_valid()
    assert form.needs_confirmation and "5 km" in " ".join(form.errors["location"])
    confirmed = PremisesForm(premises_data(declarant, location=far, confirm_location="on"), user=declarant)
    assert confirmed.is_valid(), confirmed.errors


def test_typed_coordinates_place_the_premises(declarant):
    form = PremisesForm(premises_data(declarant, location="", latitude="18.676", longitude="105.661"), user=declarant)
    assert form.is_valid(), form.errors
    assert "POINT (105.661 18.676)" in form.payload["location"]
    missing = PremisesForm(premises_data(declarant, location=""), user=declarant)
    assert not missing.is_valid() and "location" in missing.errors


@pytest.mark.parametrize("field_name", ["land_area", "floor_area", "original_cost", "book_remaining_value"])
def test_areas_and_money_are_not_negative(declarant, field_name):
    assert field_name in errors(PremisesForm, declarant, **{field_name: "-1"})


def test_counts_are_not_negative(declarant):
    assert "quantity" in errors(AssetForm, declarant, quantity="-2")
    assert "floors" in errors(PremisesForm, declarant, floors="-1")


def test_floor_area_at_most_footprint_times_floors(declarant):
    assert "floor_area" in errors(PremisesForm, declarant, footprint_area="100", floors="2", floor_area="250")


def test_years_not_in_the_future(declarant):
    next_year = dt.date.today().year + 1
    assert "year_built" in errors(PremisesForm, declarant, year_built=str(next_year))
    assert "in_use_date" in errors(AssetForm, declarant, in_use_date=f"{next_year}-01-01")


def test_required_fields_per_class(declarant):
    assert "plate_number" in errors(AssetForm, declarant, asset_class="OTO", plate_number="")
    assert "building_grade" in errors(PremisesForm, declarant, building_grade="")
    assert "floors" in errors(PremisesForm, declarant, floors="")


def test_errors_are_in_vietnamese_by_default(declarant):
    errs = errors(PremisesForm, declarant, footprint_area="100", floors="2", floor_area="250")
    assert "Tổng diện tích sàn không được vượt" in " ".join(errs["floor_area"])


def test_web_flow_records_the_actor_in_history(client_as, declarant):
    client = client_as("demo-commune")
    response = client.post(reverse("inventory:premises_create"), premises_data(declarant))
    assert response.status_code == 302
    item = DeclarationItem.objects.latest("pk")
    event = DeclarationItem.pgh_event_model.objects.filter(pgh_obj_id=item.pk).select_related("pgh_context").get()
    assert str(event.pgh_context.metadata["user"]) == str(declarant.pk)


def test_returning_a_new_premises_returns_the_assets_placed_in_it(declarant, reviewer):
    premises_item = declare(declarant, PremisesForm, premises_data(declarant))
    asset_item = declare(declarant, AssetForm, asset_data(declarant, premises=premises_item.code))
    declaration = services.submit(declarant, premises_item.declaration)
    services.review_item(reviewer, premises_item, approve=False, comment="Thiếu giấy chứng nhận")
    asset_item.refresh_from_db()
    declaration.refresh_from_db()
    assert asset_item.status == ItemStatus.RETURNED and premises_item.code in asset_item.review_comment
    assert declaration.status == DeclarationStatus.RETURNED  # back to the declarant, nothing left waiting
