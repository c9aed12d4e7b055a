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
    obj = Agency(
        code=f"T-DV-{n}", name=f"Đơn vị thử {n}", kind=AgencyKind.COMMUNE_COMMITTEE, admin_unit=admin_unit, **kwargs
    )
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
