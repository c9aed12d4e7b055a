"""The archive link (issue 18 item 8): a handling record is linked to the siting study
that chose its building by a foreign key (`SitingChoice`), not by searching "#<pk>" in
its grounds — study #1 no longer matches the record of study #12. The migration turns
the old text links into SitingChoice rows, reading "#<pk>" to the end of the number."""

import importlib
from decimal import Decimal

import pytest
from django.apps import apps
from django.urls import reverse

from inventory.choices import PremisesStatus, Role
from inventory.models import AdministrativeUnit, HandlingRecord
from inventory.services import handling
from maps.models import SitingChoice, SitingStudy
from maps.views.siting import chosen_premises
from tests import factories

pytestmark = pytest.mark.django_db


def study(pk, finance, candidates):
    centre = AdministrativeUnit.objects.get(name="Phường Thành Vinh", level="commune").centroid
    obj = SitingStudy.objects.create(
        pk=pk,
        name=f"Kho lưu trữ #{pk}",
        shelf_metres=Decimal(600),
        office_area=Decimal(100),
        centre=centre,
        created_by=finance,
    )
    obj.candidates.set(candidates)
    return obj


@pytest.fixture
def world():
    finance = factories.user(role=Role.FINANCE)
    one, two = (factories.premises(status=PremisesStatus.SURPLUS) for _ in range(2))
    # Studies #1 and #12 with those very ids (the test data has no study).
    SitingStudy.objects.filter(pk__in=[1, 12]).delete()
    return {
        "finance": finance,
        "one": one,
        "two": two,
        "study_1": study(1, finance, [one, two]),
        "study_12": study(12, finance, [one, two]),
    }


def test_choosing_links_the_record_to_its_study_only(client, world):
    finance, s12 = world["finance"], world["study_12"]
    s12.results = {"ranked": [{"id": world["two"].pk, "rank": 1}], "excluded": []}
    s12.save(update_fields=["results"])
    client.force_login(finance)
    assert client.post(reverse("maps:siting_choose", args=[12]), {"premises": world["two"].pk}).status_code == 302
    record = HandlingRecord.objects.get(premises=world["two"])
    assert "#12" in record.basis  # the text stays for people to read
    assert record.siting_choice.study == s12
    assert chosen_premises(s12) == world["two"]
    assert chosen_premises(world["study_1"]) is None  # "#1" is in "#12", but it is not study 1's
    page = client.get(reverse("maps:siting_detail", args=[1]))
    assert page.context["chosen"] is None
    assert client.get(reverse("maps:siting_detail", args=[12])).context["chosen"] == world["two"]
    # A cancelled choice is no longer the chosen building.
    handling.cancel(finance, record, reason="Chọn lại")
    assert chosen_premises(s12) is None


def test_the_migration_reads_old_text_links_exactly(world):
    finance = world["finance"]
    old_12 = handling.propose_handling(
        finance,
        world["two"],
        "CONVERT_FUNCTION",
        intended_use="Kho lưu trữ",
        basis="Nghiên cứu địa điểm “Kho lưu trữ” v1 (#12)",
    )
    old_1 = handling.propose_handling(
        finance, world["one"], "CONVERT_FUNCTION", intended_use="Kho lưu trữ", basis="Nghiên cứu v1 (#1)"
    )
    migration = importlib.import_module("maps.migrations.0005_siting_choice")
    migration.link_existing(apps, None)
    links = dict(SitingChoice.objects.values_list("handling_record_id", "study_id"))
    assert links == {old_12.pk: 12, old_1.pk: 1}
    assert chosen_premises(world["study_1"]) == world["one"]
    assert chosen_premises(world["study_12"]) == world["two"]
    # Run again: nothing doubled.
    migration.link_existing(apps, None)
    assert SitingChoice.objects.count() == 2


def test_a_record_naming_no_study_of_its_building_is_not_linked(world):
    finance = world["finance"]
    elsewhere = factories.premises(status=PremisesStatus.SURPLUS)  # not a candidate of study 12
    handling.propose_handling(
        finance, elsewhere, "CONVERT_FUNCTION", intended_use="Kho", basis="Xem nghiên cứu #12, mục #120"
    )
    handling.propose_handling(finance, world["two"], "CONVERT_FUNCTION", intended_use="Kho", basis="Hồ sơ #120")
    importlib.import_module("maps.migrations.0005_siting_choice").link_existing(apps, None)
    assert not SitingChoice.objects.exists()
