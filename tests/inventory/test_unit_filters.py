"""Unit filters offer what the user can pick, former communes named with their district.

Phường Thành Vinh (the demo declarant's commune) was formed on 1 July 2025 from six former
units of Thành phố Vinh (the reorganisation's lineage in the reference data): Phường Cửa
Nam, Phường Hưng Bình, Phường Lê Lợi, Phường Quang Trung, Phường Đông Vĩnh and Xã Hưng
Chính. Three former communes were called Xã Đồng Văn (districts Quế Phong, Tân Kỳ,
Thanh Chương)."""

import re

import pytest

from inventory.models import AdministrativeUnit

pytestmark = pytest.mark.django_db

MERGED_INTO_THANH_VINH = [
    "Phường Cửa Nam (Thành phố Vinh)",
    "Phường Hưng Bình (Thành phố Vinh)",
    "Phường Lê Lợi (Thành phố Vinh)",
    "Phường Quang Trung (Thành phố Vinh)",
    "Phường Đông Vĩnh (Thành phố Vinh)",
    "Xã Hưng Chính (Thành phố Vinh)",
]


def options(page: str, name: str) -> list[str]:
    """The labels of a select's options, the empty choice left out."""
    select = re.search(rf'<select name="{name}"[^>]*>(.*?)</select>', page, flags=re.S)
    assert select, name
    labels = re.findall(r'<option value="([^"]*)"[^>]*>(.*?)</option>', select.group(1), flags=re.S)
    return [label.strip() for value, label in labels if value]


def test_a_commune_declarant_picks_only_its_commune_and_its_former_units(client_as):
    client = client_as("demo-commune")
    assert options(client.get("/declarations/premises/").content.decode(), "admin_unit") == ["Phường Thành Vinh"]
    assert options(client.get("/declarations/").content.decode(), "unit") == ["Phường Thành Vinh"]
    page = client.get("/maps/").content.decode()
    assert options(page, "admin_unit") == ["Phường Thành Vinh"]
    assert sorted(options(page, "legacy_unit")) == sorted(MERGED_INTO_THANH_VINH)
    assert options(page, "legacy_district") == ["Thành phố Vinh"]


def test_the_finance_department_picks_any_unit_former_communes_with_their_district(client_as):
    page = client_as("demo-finance").get("/maps/").content.decode()
    assert len(options(page, "admin_unit")) == 130
    former = options(page, "legacy_unit")
    assert len(former) == 412
    for district in ("Huyện Quế Phong", "Huyện Tân Kỳ", "Huyện Thanh Chương"):
        assert f"Xã Đồng Văn ({district})" in former
    assert "Xã Đồng Văn" not in former  # never without its district
    assert len(options(page, "legacy_district")) == 20


def test_another_commune_given_by_hand_is_refused_with_a_message(client_as):
    other = AdministrativeUnit.objects.get(name="Phường Trường Vinh", level="commune")
    response = client_as("demo-commune").get("/declarations/premises/", {"admin_unit": other.code})
    assert response.status_code == 200
    page = response.content.decode()
    error = re.search(r'data-testid="filter-error">(.*?)</div>', page, flags=re.S)
    assert error and "Hãy chọn một lựa chọn hợp lệ" in error.group(1)
    # Its records stay out of reach: the list is the declarant's own.
    assert "Phường Trường Vinh" not in re.sub(r"<select.*?</select>", "", page, flags=re.S)
