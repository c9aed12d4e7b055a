"""The archive siting criteria and parameters seeded on a new database, and the record
sources the Provincial Historical Archive Center receives; a reviewer edits them
afterwards (the criteria page, the admin).

Sources (LEGAL.md, "Archive repository"): Circular 09/2007/TT-BNV on specialised archive
repositories, with the Law on Archives 33/2024/QH15 and Decree 113/2025. The Circular's
general part (the site) is confirmed by the State Records and Archives Department's own
guidance: convenient transport, stable geology away from vibration, high ground with fast
drainage, away from fire, explosion and pollution sources, land for expansion, five zones.
Its figures for the building (1,700 / 2,400 kg/m², stack rooms ≤ 200 m²) come from a
secondary summary: marked "verify". Distances in metres and the shelving densities are
not in any source found: the project's own figures, marked "verify". "Near the
provincial centre" is not in the Circular and is not a criterion.
"""

import datetime

CIRCULAR = "Thông tư 09/2007/TT-BNV"
CIRCULAR_DATE = datetime.date(2007, 11, 26)  # date of issue; check the date it took effect
GENERAL_PART = (
    f"{CIRCULAR}, phần yêu cầu chung về địa điểm (xác nhận theo hướng dẫn của Cục Văn thư và Lưu trữ nhà nước)"
)
BUILDING_PART = f"{CIRCULAR}, phần yêu cầu về nhà kho (theo bản tóm tắt thứ cấp — cần đối chiếu nguyên văn)"
PROJECT = "Số liệu của dự án, không tìm thấy nguồn — cần kiểm tra"

# Each criterion: code, name, kind, parameter, unit, weight, source, legal_basis,
# effective_from, verify, layer_kind (for a distance constraint).
CRITERIA = [
    {
        "code": "FLOOD",
        "name": "Nơi cao ráo, thoát nước nhanh: không nằm trong vùng ngập lụt",
        "kind": "hard",
        "source": "Nơi cao ráo, thoát nước nhanh, không ngập úng",
        "legal_basis": GENERAL_PART,
        "effective_from": CIRCULAR_DATE,
        "verify": False,
    },
    {
        "code": "LANDSLIDE",
        "name": "Địa chất ổn định: không nằm trong vùng sạt lở",
        "kind": "hard",
        "source": "Địa chất ổn định",
        "legal_basis": GENERAL_PART,
        "effective_from": CIRCULAR_DATE,
        "verify": False,
    },
    {
        "code": "FLOOR_AREA",
        "name": "Đủ diện tích sàn cho năm khu chức năng",
        "kind": "hard",
        "source": "Năm khu: kho bảo quản, xử lý nghiệp vụ, hành chính, kỹ thuật, phục vụ độc giả",
        "legal_basis": GENERAL_PART,
        "effective_from": CIRCULAR_DATE,
        "verify": False,
    },
    {
        "code": "FLOOR_LOAD_FIXED",
        "name": "Tải trọng sàn kho (giá cố định) theo kết quả kiểm định",
        "kind": "hard",
        "parameter": "1700",
        "unit": "kg/m²",
        "source": "Sàn kho chịu tải tối thiểu 1.700 kg/m² với giá cố định. Cấp nhà là cấp độ bền, "
        "không phải tải trọng sàn: nhà hiện có phải được kiểm định kết cấu.",
        "legal_basis": BUILDING_PART,
        "effective_from": CIRCULAR_DATE,
        "verify": True,
    },
    {
        "code": "FLOOR_LOAD_MOBILE",
        "name": "Tải trọng sàn kho (giá di động) theo kết quả kiểm định",
        "kind": "hard",
        "parameter": "2400",
        "unit": "kg/m²",
        "source": "Sàn kho chịu tải tối thiểu 2.400 kg/m² với giá di động (giá compactus).",
        "legal_basis": BUILDING_PART,
        "effective_from": CIRCULAR_DATE,
        "verify": True,
    },
    {
        "code": "HAZARD_SITE",
        "name": "Cách xa nguồn cháy, nổ",
        "kind": "hard",
        "parameter": "500",
        "unit": "m",
        "source": f"Xa nguồn cháy, nổ. Khoảng cách 500 m: {PROJECT}",
        "legal_basis": GENERAL_PART,
        "effective_from": CIRCULAR_DATE,
        "verify": True,
        "layer_kind": "hazard_site",
    },
    {
        "code": "POLLUTION_SOURCE",
        "name": "Cách xa nguồn ô nhiễm",
        "kind": "hard",
        "parameter": "500",
        "unit": "m",
        "source": f"Xa nguồn ô nhiễm. Khoảng cách 500 m: {PROJECT}",
        "legal_basis": GENERAL_PART,
        "effective_from": CIRCULAR_DATE,
        "verify": True,
        "layer_kind": "pollution_site",
    },
    {
        "code": "VIBRATION_SOURCE",
        "name": "Cách xa nguồn chấn động",
        "kind": "hard",
        "parameter": "300",
        "unit": "m",
        "source": f"Xa nơi có chấn động (đường sắt, mỏ, nhà máy). Khoảng cách 300 m: {PROJECT}",
        "legal_basis": GENERAL_PART,
        "effective_from": CIRCULAR_DATE,
        "verify": True,
        "layer_kind": "vibration_source",
    },
    {
        "code": "SHELF_DENSITY_FIXED",
        "name": "Mét giá trên 1 m² sàn kho (giá cố định)",
        "kind": "parameter",
        "parameter": "4.5",
        "unit": "mét giá/m²",
        "source": f"Thường dẫn 4–5 mét giá/m² với giá cố định. {PROJECT}",
        "verify": True,
    },
    {
        "code": "SHELF_DENSITY_MOBILE",
        "name": "Mét giá trên 1 m² sàn kho (giá di động)",
        "kind": "parameter",
        "parameter": "9",
        "unit": "mét giá/m²",
        "source": f"Khoảng gấp đôi giá cố định. {PROJECT}",
        "verify": True,
    },
    {
        "code": "STACK_ROOM_MAX",
        "name": "Diện tích tối đa một phòng kho",
        "kind": "parameter",
        "parameter": "200",
        "unit": "m²",
        "source": "Mỗi phòng kho không quá 200 m²: số phòng kho cần có = diện tích kho ÷ 200, làm tròn lên.",
        "legal_basis": BUILDING_PART,
        "effective_from": CIRCULAR_DATE,
        "verify": True,
    },
    {
        "code": "ACCESS",
        "name": "Thuận tiện giao thông từ trung tâm các huyện cũ",
        "kind": "weighted",
        "parameter": "150000",
        "unit": "m trung bình (điểm 0 từ khoảng cách này)",
        "weight": "0.25",
        "source": "Thuận tiện giao thông: quãng đường trung bình từ trung tâm 20 huyện, thị xã, thành phố cũ "
        f"(nơi giao nộp hồ sơ) đến nhà ứng viên. Ngưỡng 150 km: {PROJECT}",
        "legal_basis": GENERAL_PART,
        "effective_from": CIRCULAR_DATE,
        "verify": True,
    },
    {
        "code": "SPARE_AREA",
        "name": "Diện tích sàn dư",
        "kind": "weighted",
        "weight": "0.20",
        "source": "Dư diện tích cho mở rộng kho trong tương lai",
        "verify": True,
    },
    {
        "code": "CONDITION",
        "name": "Hiện trạng nhà",
        "kind": "weighted",
        "weight": "0.15",
        "source": "Chi phí cải tạo thấp hơn khi nhà tốt",
        "verify": True,
    },
    {
        "code": "EXPANSION_LAND",
        "name": "Đất để mở rộng",
        "kind": "weighted",
        "parameter": "2000",
        "unit": "m² (điểm 1 từ diện tích này)",
        "weight": "0.10",
        "source": f"Có quỹ đất dự phòng để mở rộng. Ngưỡng 2.000 m²: {PROJECT}",
        "legal_basis": GENERAL_PART,
        "effective_from": CIRCULAR_DATE,
        "verify": True,
    },
    {
        "code": "FLOORS",
        "name": "Số tầng thấp",
        "kind": "weighted",
        "parameter": "3",
        "unit": "tầng (điểm 1 đến số tầng này)",
        "weight": "0.10",
        "source": "Kho nặng đặt ở tầng thấp; ít tầng dễ bảo đảm tải trọng và thoát hiểm",
        "verify": True,
    },
    {
        "code": "ROAD_DISTANCE",
        "name": "Gần đường giao thông chính",
        "kind": "weighted",
        "parameter": "2000",
        "unit": "m (điểm 0 từ khoảng cách này)",
        "weight": "0.10",
        "source": f"Thuận tiện tiếp cận, xe chữa cháy vào được. Ngưỡng 2.000 m: {PROJECT}",
        "legal_basis": GENERAL_PART,
        "effective_from": CIRCULAR_DATE,
        "verify": True,
    },
    {
        "code": "STORM_HISTORY",
        "name": "Chưa bị thiệt hại do bão",
        "kind": "weighted",
        "weight": "0.10",
        "source": "Bão số 3 (Wipha) 7/2025 gây thiệt hại nặng ở các xã miền Tây",
        "verify": True,
    },
]

FIELDS = ("name", "kind", "parameter", "unit", "weight", "source", "legal_basis", "effective_from", "verify")

# Records each source hands over, per unit: the project's estimates, to be replaced by
# the Center's own survey (marked verify).
DISTRICT_METRES = 200
COMMUNE_METRES = 10
SOURCES_BASIS = (
    "Ước tính của dự án (chưa có số liệu khảo sát của Trung tâm Lưu trữ lịch sử tỉnh): "
    "{metres} mét giá cho mỗi {what}. Luật Lưu trữ 33/2024/QH15: tài liệu của cơ quan giải thể, "
    "sáp nhập được giao nộp vào lưu trữ lịch sử."
)


def seed_criteria(apps) -> None:
    """Create the criteria that are missing; a row a reviewer edited is left alone."""
    SitingCriterion = apps.get_model("maps", "SitingCriterion")
    for order, row in enumerate(CRITERIA, start=1):
        defaults = {key: row.get(key) for key in FIELDS}
        defaults.update(
            unit=row.get("unit", ""),
            weight=row.get("weight", 0),
            legal_basis=row.get("legal_basis", ""),
            layer_kind=row.get("layer_kind", ""),
            sort_order=order,
        )
        SitingCriterion.objects.get_or_create(code=row["code"], defaults=defaults)


def seed_record_sources(apps) -> None:
    """One source for each former district's own agencies and one for the communes merged
    from it (their count from the former communes on record), if there is none yet."""
    AdministrativeUnit = apps.get_model("inventory", "AdministrativeUnit")
    ArchiveRecordSource = apps.get_model("maps", "ArchiveRecordSource")
    if ArchiveRecordSource.objects.exists():
        return
    rows = []
    for district in AdministrativeUnit.objects.filter(level="legacy_district").order_by("name"):
        communes = AdministrativeUnit.objects.filter(level="legacy_commune", parent=district).count()
        rows.append(
            ArchiveRecordSource(
                name=f"Cơ quan cấp huyện — {district.name}",
                kind="district",
                unit=district,
                units=1,
                metres_per_unit=DISTRICT_METRES,
                basis=SOURCES_BASIS.format(metres=DISTRICT_METRES, what="huyện (các cơ quan cấp huyện)"),
            )
        )
        rows.append(
            ArchiveRecordSource(
                name=f"Các xã cũ — {district.name}",
                kind="communes",
                unit=district,
                units=communes,
                metres_per_unit=COMMUNE_METRES,
                basis=SOURCES_BASIS.format(metres=COMMUNE_METRES, what="xã, phường, thị trấn cũ"),
            )
        )
    ArchiveRecordSource.objects.bulk_create(rows)
