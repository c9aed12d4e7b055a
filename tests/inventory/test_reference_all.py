"""manage.py load_reference_data --all: a line per province and the national totals."""

import re

import pytest

from inventory import reference_data
from inventory.models import AdministrativeUnit

# Counts of three provinces as the pinned packages give them (vietnamadminunits 1.0.4):
# Nghệ An from Resolution 1678/NQ-UBTVQH15 (130 units, 20 districts, 412 communes); Cà Mau
# and Cần Thơ as a full `--all` run printed them (docs/scaling.md).
THREE = {
    "40": {"new_units": 130, "legacy_districts": 20, "legacy_communes": 412, "lineage_links": 412},
    "96": {"new_units": 64, "legacy_districts": 16, "legacy_communes": 164, "lineage_links": 186},
    "92": {"new_units": 103, "legacy_districts": 28, "legacy_communes": 263, "lineage_links": 282},
}


def test_the_packages_hold_every_province_and_commune():
    provinces = reference_data.available_provinces()
    assert len(provinces) == 34
    assert reference_data.query("SELECT count(*) AS n FROM admin_units")[0]["n"] == 3321


@pytest.mark.django_db
def test_all_provinces_a_line_each_and_the_totals(call, monkeypatch):
    every = dict(reference_data.available_provinces())
    chosen = [(code, every[code]) for code in every if f"{int(code):02d}" in THREE]
    monkeypatch.setattr("inventory.management.commands.load_reference_data.available_provinces", lambda: chosen)
    out = call("load_reference_data", "--all", verbosity=0)
    lines = out.strip().splitlines()
    assert len(lines) == 4
    for code, counts in THREE.items():
        line = next(ln for ln in lines if ln.startswith(f"{code} "))
        for key, value in counts.items():
            assert f"{key}={value}" in line
    total = lines[-1]
    assert total.startswith("reference data: provinces=3 new_units=297 legacy_districts=64 ")
    assert "legacy_communes=839 lineage_links=880" in total
    # in the database: three provinces and their new units
    assert AdministrativeUnit.objects.filter(level="province", code__in=["40", "96", "92"]).count() == 3
    # a second run changes nothing
    again = call("load_reference_data", "--all", verbosity=0).strip().splitlines()[-1]
    assert re.search(r"created=0 updated=0$", again), again
