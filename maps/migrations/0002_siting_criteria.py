"""Seed the siting criteria as they were first written (frozen here: later migrations
change them, see 0007); existing rows are left as a reviewer edited them."""

from django.db import migrations

ARCHIVE_RULES = "Thông tư 09/2007/TT-BNV; Luật Lưu trữ 33/2024/QH15; Nghị định 113/2025/NĐ-CP (đối chiếu lại)"

# code, name, kind, parameter, unit, weight, source
CRITERIA = [
    ("FLOOD", "Không nằm trong vùng ngập lụt", "hard", None, "", 0, f"{ARCHIVE_RULES}: nơi cao ráo, không ngập úng"),
    (
        "LANDSLIDE",
        "Không nằm trong vùng sạt lở",
        "hard",
        None,
        "",
        0,
        f"{ARCHIVE_RULES}: địa chất ổn định, không sạt lở",
    ),
    (
        "FLOOR_AREA",
        "Đủ diện tích sàn cho kho và văn phòng",
        "hard",
        "4.5",
        "mét giá/m² (giá cố định)",
        0,
        "Khoảng 4–5 mét giá trên 1 m² sàn kho với giá cố định, khoảng gấp đôi với giá di động (LEGAL.md)",
    ),
    (
        "FLOOR_LOAD",
        "Kết cấu chịu được tải trọng kho",
        "hard",
        "2000",
        "năm xây dựng tối thiểu (nhà cấp III)",
        0,
        f"{ARCHIVE_RULES}: tải trọng sàn kho khoảng 800 kg/m² (giá cố định) đến 1.200 kg/m² (giá di động); "
        "khi chưa có số liệu tải trọng, dùng cấp hạng nhà (đặc biệt, I, II) hoặc nhà cấp III xây từ năm tham số",
    ),
    (
        "HAZARD_SITE",
        "Cách xa nguồn cháy, nổ, hóa chất",
        "hard",
        "500",
        "m",
        0,
        f"{ARCHIVE_RULES}: xa nguồn cháy nổ, hóa chất, ô nhiễm",
    ),
    (
        "CENTRE_DISTANCE",
        "Gần trung tâm tỉnh",
        "weighted",
        "50000",
        "m (điểm 0 từ khoảng cách này)",
        "0.25",
        f"{ARCHIVE_RULES}: thuận tiện giao thông, gần cơ quan",
    ),
    ("SPARE_AREA", "Diện tích sàn dư", "weighted", None, "", "0.20", "Dư diện tích cho mở rộng kho trong tương lai"),
    ("CONDITION", "Hiện trạng nhà", "weighted", None, "", "0.15", "Chi phí cải tạo thấp hơn khi nhà tốt"),
    (
        "EXPANSION_LAND",
        "Đất để mở rộng",
        "weighted",
        "2000",
        "m² (điểm 1 từ diện tích này)",
        "0.10",
        f"{ARCHIVE_RULES}: có quỹ đất mở rộng",
    ),
    (
        "FLOORS",
        "Số tầng thấp",
        "weighted",
        "3",
        "tầng (điểm 1 đến số tầng này)",
        "0.10",
        "Kho nặng đặt ở tầng thấp; ít tầng dễ bảo đảm tải trọng và thoát hiểm",
    ),
    (
        "ROAD_DISTANCE",
        "Gần đường giao thông chính",
        "weighted",
        "2000",
        "m (điểm 0 từ khoảng cách này)",
        "0.10",
        f"{ARCHIVE_RULES}: thuận tiện tiếp cận, chữa cháy",
    ),
    (
        "STORM_HISTORY",
        "Chưa bị thiệt hại do bão",
        "weighted",
        None,
        "",
        "0.10",
        "Bão số 3 (Wipha) 7/2025 gây thiệt hại nặng ở các xã miền Tây",
    ),
]


def seed(apps, schema_editor):
    SitingCriterion = apps.get_model("maps", "SitingCriterion")
    for order, (code, name, kind, parameter, unit, weight, source) in enumerate(CRITERIA, start=1):
        SitingCriterion.objects.get_or_create(
            code=code,
            defaults={
                "name": name,
                "kind": kind,
                "parameter": parameter,
                "unit": unit,
                "weight": weight,
                "source": source,
                "sort_order": order,
            },
        )


class Migration(migrations.Migration):
    dependencies = [("maps", "0001_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
