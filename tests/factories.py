"""Small factory helpers: fill defaults, validate with full_clean(), save."""

import datetime as dt
import itertools
from decimal import Decimal

from django.contrib.gis.geos import Point

from inventory.choices import AgencyKind, PremisesStatus, Role, UnitLevel
from inventory.models import AdministrativeUnit, Agency, Asset, AssetClass, Premises, User

_seq = itertools.count(1)


def unit(name="Phường Thành Vinh", level=UnitLevel.COMMUNE) -> AdministrativeUnit:
    return AdministrativeUnit.objects.get(name=name, level=level)


def agency(admin_unit=None, **kwargs) -> Agency:
    n = next(_seq)
    admin_unit = admin_unit or unit()
    values = {"code": f"T-DV-{n}", "name": f"Đơn vị thử {n}", "kind": AgencyKind.COMMUNE_COMMITTEE, **kwargs}
    obj = Agency(admin_unit=admin_unit, **values)
    obj.full_clean()
    obj.save()
    return obj


def premises(**kwargs) -> Premises:
    n = next(_seq)
    admin_unit = kwargs.pop("admin_unit", None) or unit()
    defaults = {
        "code": f"T-TS-{n}",
        "name": f"Trụ sở thử {n}",
        "location": Point(105.66, 18.675, srid=4326),
        "admin_unit": admin_unit,
        "agency": kwargs.pop("agency", None) or agency(admin_unit),
        "status": PremisesStatus.SURPLUS,
        "building_grade": "III",
        "floors": 2,
        "footprint_area": Decimal(300),
        "floor_area": Decimal(600),
        "land_area": Decimal(2000),
        "original_cost": Decimal(2_000_000_000),
        "in_use_date": dt.date(2010, 1, 1),
    }
    defaults.update(kwargs)
    obj = Premises(**defaults)
    obj.full_clean()
    obj.save()
    return obj


def asset(**kwargs) -> Asset:
    n = next(_seq)
    asset_class = kwargs.pop("asset_class", None) or AssetClass.objects.get(code="MMTB-CNTT")
    defaults = {
        "code": f"T-TS{n}",
        "name": f"Tài sản thử {n}",
        "asset_class": asset_class,
        "agency": kwargs.pop("agency", None) or agency(),
        "quantity": 1,
        "original_cost": Decimal(20_000_000),
        "in_use_date": dt.date(2022, 3, 1),
    }
    defaults.update(kwargs)
    obj = Asset(**defaults)
    obj.full_clean()
    obj.save()
    return obj


def user(role=Role.FINANCE, admin_unit=None, **kwargs) -> User:
    n = next(_seq)
    obj = User(username=f"user{n}", role=role, admin_unit=admin_unit, **kwargs)
    obj.set_password("x-Strong-Password-9")
    obj.save()
    return obj


def need(**kwargs):
    from inventory.choices import NeedKind
    from inventory.models import Need

    n = next(_seq)
    defaults = {
        "code": f"T-NC-{n}",
        "agency": kwargs.pop("agency", None) or agency(),
        "kind": NeedKind.FLOOR_AREA,
        "floor_area": Decimal(300),
        "purpose": "Bố trí trụ sở công an xã",
    }
    defaults.update(kwargs)
    obj = Need(**defaults)
    obj.full_clean()
    obj.save()
    return obj


def backdate_history(table: str, days: int) -> None:
    """Move a history table's events back in time, as if they were recorded earlier.
    History is append-only (the application cannot change it); this test helper
    switches the append-only triggers off for one statement as the superuser that the
    tests connect as may (session_replication_role = replica)."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL session_replication_role = replica")
        cursor.execute(f"UPDATE {table} SET pgh_created_at = pgh_created_at - %s * interval '1 day'", [days])
        cursor.execute("SET LOCAL session_replication_role = DEFAULT")


# -- declaring through the forms and the workflow (used by the crawl) ---------------------


def declarant(admin_unit, agency=None, **kwargs) -> User:
    """A commune declarant bound to `admin_unit` (and to `agency`, the default agency of its forms)."""
    obj = user(role=Role.DECLARANT, admin_unit=admin_unit, agency=agency, **kwargs)
    obj.full_clean(exclude=["password"])
    return obj


def premises_form_data(agency, **overrides) -> dict:
    """Form data of a new premises of `agency`, at the centroid of its unit."""
    centre = agency.admin_unit.centroid
    data = {
        "name": "Nhà văn hóa khối 5",
        "agency": agency.code,
        "address": "Khối 5",
        "location": f"SRID=4326;POINT({centre.x} {centre.y})",
        "status": PremisesStatus.SURPLUS,
        "condition": "good",
        "land_area": "1200",
        "footprint_area": "300",
        "floor_area": "600",
        "floors": "2",
        "building_grade": "III",
        "year_built": "2008",
        "in_use_date": "2009-01-01",
        "original_cost": "2000000000",
        "confirm_location": "on",
    }
    data.update(overrides)
    return data


def asset_form_data(agency, **overrides) -> dict:
    data = {
        "name": "Máy vi tính để bàn",
        "asset_class": "MMTB-CNTT",
        "agency": agency.code,
        "quantity": "5",
        "unit_of_measure": "chiếc",
        "in_use_date": "2022-01-01",
        "original_cost": "100000000",
        "condition": "good",
        "status": "in_use",
    }
    data.update(overrides)
    return data


def need_form_data(agency, **overrides) -> dict:
    data = {
        "agency": agency.code,
        "kind": "floor_area",
        "floor_area": "200",
        "purpose": "Bố trí trụ sở công an xã",
        "urgency": "normal",
    }
    data.update(overrides)
    return data


def declare(actor, target: str, data: dict, record=None):
    """Declare through the web form's validation and the workflow service: the draft item."""
    from inventory.forms import FORMS
    from inventory.services import declarations

    form = FORMS[target](data, user=actor, record=record)
    assert form.is_valid(), form.errors
    return declarations.propose(actor, target, form.payload, record=record)


def record_form_data(record, target: str, **overrides) -> dict:
    """Form data of an existing record as it stands, with `overrides`."""
    from inventory.services import declared_values

    data = {k: v for k, v in declared_values.to_payload(record, target).items() if v not in (None, False)}
    if target == "premises":
        data["confirm_location"] = "on"
    data.update(overrides)
    return data


def ready_for_decision(record, actor=None):
    """Walk the request of a handling line to the decision: every required document
    filed, the file complete, Finance's review given. Returns the line, fresh."""
    from inventory.models import RequestDocument
    from inventory.services import handling as services

    finance = actor or user(Role.FINANCE)
    request = record.request
    for document in services.missing_documents(request):
        RequestDocument.objects.create(request=request, document=document, reference="có")
    services.mark_complete(finance, request)
    services.review(finance, request, opinion="Đề nghị phê duyệt")
    record.refresh_from_db()
    return record
