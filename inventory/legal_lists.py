"""The legal lists seeded on a new database (see ../shared/LEGAL.md for sources).

Rows are created when missing and never overwritten: once seeded, an administrator
owns them (the law changes). Entries marked "verify" were read in a secondary source.
"""

CIRCULAR_23 = "Thông tư 23/2023/TT-BTC, Phụ lục 01 (đối chiếu lại)"
CIRCULAR_141 = "Thông tư 141/2025/TT-BTC ngày 31/12/2025 (chưa đối chiếu bảng: tạm bằng tỷ lệ năm 2025)"
# Circular 23/2023's rates are applied up to FY2025 and, as before this table existed, to
# every earlier year too (the rates of Circulars 45/2018 and 162/2014 were not entered);
# Circular 141/2025 applies from FY2026. Its tables were not read: its rows are seeded
# equal to the 2025 ones, marked "verify", for an administrator to correct.
LAST_YEAR_OF_CIRCULAR_23 = 2025
FIRST_YEAR_OF_CIRCULAR_141 = 2026
LAW_15 = "Luật Quản lý, sử dụng tài sản công 15/2017/QH14, Điều 40"
DECREE_167 = "Nghị định 167/2017/NĐ-CP, Điều 7 (sửa đổi bởi Nghị định 67/2021/NĐ-CP)"
DECREE_186 = "Nghị định 186/2025/NĐ-CP"
CD_213 = "Công điện 213/CĐ-TTg ngày 11/11/2025"

# The class of land-use rights (quyền sử dụng đất): declared with the land on form 04a,
# never on 04c.
LAND_USE_RIGHT_CLASS = "QSDD"

# code, name, category, building grade, useful life (years), rate (%/year)
ASSET_CLASSES = [
    ("NHA-DB", "Nhà cấp đặc biệt", "building", "special", 80, "1.25"),
    ("NHA-I", "Nhà cấp I", "building", "I", 80, "1.25"),
    ("NHA-II", "Nhà cấp II", "building", "II", 50, "2.00"),
    ("NHA-III", "Nhà cấp III", "building", "III", 25, "4.00"),
    ("NHA-IV", "Nhà cấp IV", "building", "IV", 15, "6.67"),
    ("VKT-SAN", "Kho chứa, bể chứa, sân phơi, sân chơi, sân thể thao", "structure", "", 20, "5.00"),
    ("VKT-TUONG", "Tường rào, giếng khoan, giếng đào", "structure", "", 10, "10.00"),
    ("OTO", "Xe ô tô", "car", "", 15, "6.67"),
    ("PTVT-KHAC", "Phương tiện vận tải khác (mô tô, xe máy...)", "other_transport", "", 10, "10.00"),
    ("MMTB-CNTT", "Máy vi tính, thiết bị công nghệ thông tin", "machinery", "", 5, "20.00"),
    ("MMTB-VP", "Máy móc, thiết bị văn phòng (máy photocopy, máy chiếu, điều hòa...)", "machinery", "", 8, "12.50"),
    ("MMTB-NT", "Bàn ghế, tủ, đồ gỗ và trang thiết bị nội thất", "machinery", "", 8, "12.50"),
    ("MMTB-CD", "Máy móc, thiết bị chuyên dùng", "machinery", "", 10, "10.00"),
    ("KHAC", "Tài sản cố định hữu hình khác", "other_tangible", "", 8, "12.50"),
    (LAND_USE_RIGHT_CLASS, "Quyền sử dụng đất", "intangible", "", None, None),
    ("PHAN-MEM", "Phần mềm ứng dụng", "intangible", "", 5, "20.00"),
]

# Fixed-asset criteria (tiêu chuẩn tài sản cố định): (from year, minimum useful life in
# years, minimum cost per unit in VND, categories and classes that are fixed assets
# whatever their value, legal basis, verify). The article was read in a secondary
# source only; the same 1 year / 10,000,000 VND stood under Circular 45/2018 before.
FIXED_ASSET_CRITERIA = [
    (
        2023,
        1,
        10_000_000,
        ["building", "structure"],
        ["QSDD"],
        "Thông tư 23/2023/TT-BTC, Điều 3 (đối chiếu lại điều khoản)",
        True,
    ),
]

# code, name, applies to, legal basis
HANDLING_FORMS = [
    ("KEEP", "Giữ lại tiếp tục sử dụng", "houses_land", DECREE_167),
    ("RECOVER", "Thu hồi", "all", LAW_15),
    ("TRANSFER", "Điều chuyển", "all", LAW_15),
    (
        "HANDOVER_LOCAL",
        "Chuyển giao về địa phương quản lý, xử lý",
        "all",
        f"{LAW_15} khoản 2a; {DECREE_186} Điều 36–37",
    ),
    ("SELL", "Bán tài sản (trên đất), chuyển nhượng quyền sử dụng đất", "all", f"{LAW_15}; {DECREE_167}"),
    ("CHANGE_LAND_USE", "Chuyển mục đích sử dụng đất", "houses_land", DECREE_167),
    ("KEEP_TEMPORARILY", "Tạm giữ lại", "houses_land", DECREE_167),
    ("CONVERT_FUNCTION", "Chuyển đổi công năng sử dụng", "houses_land", f"{DECREE_186} Điều 16"),
    ("LEND_TEMPORARILY", "Cho mượn tạm thời trụ sở đã thu hồi", "houses_land", f"{DECREE_186} Điều 19.1.b"),
    ("BT_PAYMENT", "Thanh toán cho nhà đầu tư dự án BT", "all", LAW_15),
    ("LIQUIDATE", "Thanh lý", "other_assets", f"{LAW_15}; {DECREE_186} Điều 29"),
    ("DESTROY", "Tiêu hủy", "other_assets", LAW_15),
    ("LOSS", "Xử lý trong trường hợp bị mất, bị hủy hoại", "other_assets", LAW_15),
    ("OTHER", "Hình thức khác theo quy định của pháp luật", "all", LAW_15),
]

# code, form code, text, clause
HANDLING_REASONS = [
    ("REC-UNUSED-12M", "RECOVER", "Không sử dụng liên tục quá 12 tháng", "Luật 15/2017, Điều 41.1"),
    ("REC-NEW-HQ", "RECOVER", "Đã được giao trụ sở mới", "Luật 15/2017, Điều 41.1"),
    (
        "REC-WRONG-USE",
        "RECOVER",
        "Giao, sử dụng sai đối tượng, vượt tiêu chuẩn, định mức, sai mục đích",
        "Luật 15/2017, Điều 41.1",
    ),
    (
        "REC-UNLAWFUL",
        "RECOVER",
        "Cho thuê, liên doanh, liên kết, chuyển nhượng trái quy định",
        "Luật 15/2017, Điều 41.1",
    ),
    ("REC-REORG", "RECOVER", "Nhu cầu giảm hoặc chấm dứt do sắp xếp lại tổ chức bộ máy", "Luật 15/2017, Điều 41.1"),
    ("REC-TECH", "RECOVER", "Thay thế do đổi mới công nghệ", "Luật 15/2017, Điều 41.1"),
    ("REC-VOLUNTARY", "RECOVER", "Cơ quan, đơn vị tự nguyện trả lại", "Luật 15/2017, Điều 41.1"),
    ("REC-OTHER", "RECOVER", "Trường hợp khác theo quy định của pháp luật", "Luật 15/2017, Điều 41.1"),
    ("TRF-REORG", "TRANSFER", "Thay đổi cơ quan quản lý do sắp xếp tổ chức bộ máy", "Luật 15/2017, Điều 42.1"),
    ("TRF-SURPLUS", "TRANSFER", "Từ nơi thừa sang nơi thiếu so với tiêu chuẩn, định mức", "Luật 15/2017, Điều 42.1"),
    ("TRF-EFFICIENT", "TRANSFER", "Để sử dụng có hiệu quả hơn", "Luật 15/2017, Điều 42.1"),
    ("TRF-NO-NEED", "TRANSFER", "Không có nhu cầu sử dụng thường xuyên", "Luật 15/2017, Điều 42.1"),
    ("LIQ-END-LIFE", "LIQUIDATE", "Hết thời gian sử dụng theo quy định", "Luật 15/2017, Điều 45.1"),
    (
        "LIQ-DAMAGED",
        "LIQUIDATE",
        "Hư hỏng không thể sử dụng hoặc sửa chữa không hiệu quả (trên 30% nguyên giá)",
        "Luật 15/2017, Điều 45.1; Nghị định 186/2025, Điều 29.1",
    ),
    ("LIQ-DEMOLITION", "LIQUIDATE", "Phá dỡ theo quyết định của cơ quan có thẩm quyền", "Luật 15/2017, Điều 45.1"),
]

# Forms added with the procedure (Decree 186/2025): assignment (giao).
NEW_HANDLING_FORMS = [
    ("ASSIGN", "Giao tài sản", "all", f"{DECREE_186} Điều 6"),
]
NEW_HANDLING_REASONS = [
    ("LOSS-LOST", "LOSS", "Tài sản bị mất", f"{DECREE_186} Điều 35"),
    (
        "LOSS-DESTROYED",
        "LOSS",
        "Tài sản bị hủy hoại do thiên tai, hỏa hoạn hoặc nguyên nhân khác",
        f"{DECREE_186} Điều 35",
    ),
    ("DES-LAW", "DESTROY", "Phải tiêu hủy theo quy định của pháp luật", "Luật 15/2017, Điều 46; " + DECREE_186),
    ("SELL-NO-NEED", "SELL", "Không còn nhu cầu sử dụng hoặc sử dụng không hiệu quả", "Luật 15/2017, Điều 43.1"),
]

# The documents of a request by form (thành phần hồ sơ): code, form (None: every form), reason,
# applies to, name, basis. Read from Decree 186/2025's articles through LEGAL.md's
# summary; rows not spelt out there are marked verify (last value True).
REQUIRED_DOCUMENTS = [
    ("DOC-REQUEST", None, None, "all", "Văn bản đề nghị xử lý tài sản (Mẫu 01/TSC-XLTS)", DECREE_186, False),
    ("DOC-SUPERIOR", None, None, "all", "Văn bản đề nghị của cơ quan quản lý cấp trên", DECREE_186, False),
    ("DOC-LIST", None, None, "all", "Danh mục tài sản đề nghị xử lý", DECREE_186, True),
    ("DOC-LAND-CERT", None, None, "houses_land", "Giấy chứng nhận quyền sử dụng đất (bản sao)", DECREE_186, True),
    ("DOC-STATE", "LIQUIDATE", None, "all", "Biên bản đánh giá hiện trạng tài sản", f"{DECREE_186} Điều 29", True),
    (
        "DOC-REPAIR-ESTIMATE",
        "LIQUIDATE",
        "LIQ-DAMAGED",
        "all",
        "Dự toán sửa chữa (chi phí sửa chữa trên 30% nguyên giá)",
        f"{DECREE_186} Điều 29.1",
        True,
    ),
    (
        "DOC-BUILDING-OPINION",
        "LIQUIDATE",
        "LIQ-DEMOLITION",
        "houses_land",
        "Ý kiến bằng văn bản của cơ quan chuyên môn về xây dựng (nhà hư hỏng)",
        f"{DECREE_186} Điều 29",
        True,
    ),
    (
        "DOC-RECEIVER",
        "TRANSFER",
        None,
        "all",
        "Văn bản đề nghị tiếp nhận của cơ quan nhận tài sản",
        f"{DECREE_186} Điều 21",
        True,
    ),
    (
        "DOC-LOSS-REPORT",
        "LOSS",
        None,
        "all",
        "Biên bản xác định tài sản bị mất, bị hủy hoại",
        f"{DECREE_186} Điều 35",
        True,
    ),
]

# Deadlines by form: form, step, counted from, period, unit, applies to, basis, verify.
# Decree 186/2025 values are from LEGAL.md (read in full); the houses-and-land decree's
# (Decree 167/2017, replaced by Decree 03/2025 whose text was not read) are marked verify.
_D = DECREE_186
DEADLINES = [
    ("RECOVER", "decision", "file_complete", 20, "days", "all", f"{_D} Điều 18", False),
    ("RECOVER", "handover", "decision", 30, "days", "all", f"{_D} Điều 18", False),
    ("TRANSFER", "decision", "file_complete", 20, "days", "all", f"{_D} Điều 21", False),
    ("TRANSFER", "handover", "decision", 30, "days", "all", f"{_D} Điều 21", False),
    ("TRANSFER", "temporary_decision", "temporary_handover", 30, "days", "all", "Công văn 8400/BTC-QLCS (2025)", False),
    ("SELL", "decision", "file_complete", 20, "days", "all", f"{_D} Điều 23", False),
    ("SELL", "handover", "decision", 6, "months", "all", f"{_D} Điều 23 (hiệu lực quyết định 6 tháng)", False),
    ("LIQUIDATE", "decision", "file_complete", 20, "days", "all", f"{_D} Điều 29", False),
    ("LIQUIDATE", "handover", "decision", 60, "days", "houses_land", f"{_D} Điều 29", False),
    ("LIQUIDATE", "handover", "decision", 30, "days", "other_assets", f"{_D} Điều 29", False),
    ("DESTROY", "decision", "file_complete", 20, "days", "all", f"{_D} Điều 33", False),
    ("DESTROY", "handover", "decision", 30, "days", "all", f"{_D} Điều 33", False),
    ("LOSS", "file", "discovery", 30, "days", "all", f"{_D} Điều 35", False),
    ("LOSS", "decision", "file_complete", 20, "days", "all", f"{_D} Điều 35", False),
    ("HANDOVER_LOCAL", "decision", "file_complete", 30, "days", "all", f"{_D} Điều 37", False),
    ("HANDOVER_LOCAL", "handover", "decision", 30, "days", "all", f"{_D} Điều 37", False),
    ("ASSIGN", "decision", "file_complete", 15, "days", "all", f"{_D} Điều 6", False),
    ("ASSIGN", "handover", "decision", 30, "days", "all", f"{_D} Điều 6", False),
    ("CONVERT_FUNCTION", "decision", "file_complete", 20, "days", "all", f"{_D} Điều 16", False),
    ("KEEP", "handover", "decision", 90, "days", "houses_land", DECREE_167, True),
    ("KEEP_TEMPORARILY", "handover", "decision", 90, "days", "houses_land", DECREE_167, True),
    ("CHANGE_LAND_USE", "handover", "decision", 90, "days", "houses_land", DECREE_167, True),
    ("LEND_TEMPORARILY", "decision", "file_complete", 20, "days", "houses_land", f"{_D} Điều 19 (kiểm tra lại)", True),
]
# Accounts and declarations updated within 30 days of the hand-over, whatever the form
# (Circular 48/2023 Art. 9.3: data entered within 30 days of a change).
ACCOUNTS_BASIS = "Thông tư 48/2023/TT-BTC, Điều 9.3 (cập nhật trong 30 ngày kể từ khi có biến động)"
DEADLINES += [
    (form, "accounts", "handover", 30, "days", "all", ACCOUNTS_BASIS, False)
    for form in ("RECOVER", "TRANSFER", "SELL", "LIQUIDATE", "DESTROY", "LOSS", "HANDOVER_LOCAL", "ASSIGN")
]

# Who signs: the provincial chair; delegations are the province's own decision, entered here.
DECISION_AUTHORITIES = [
    ("CT-UBND-TINH", "Chủ tịch Ủy ban nhân dân tỉnh", f"{DECREE_186}; Luật 15/2017", False),
]

# Sale methods other than auction (Decree 186/2025 Arts. 24–27): code, method, original
# cost per unit below, revalued value from, below, basis.
SALE_METHOD_LIMITS = [
    ("SALE-POSTED", "posted_price", 250_000_000, 10_000_000, 50_000_000, f"{DECREE_186} Điều 25"),
    ("SALE-DIRECT", "direct", 250_000_000, 0, 10_000_000, f"{DECREE_186} Điều 26"),
]

PRIORITY_USES = [
    ("HEALTH", "Y tế"),
    ("EDUCATION", "Giáo dục, đào tạo"),
    ("CULTURE", "Văn hóa"),
    ("SPORTS", "Thể dục, thể thao"),
    ("COMMUNE_POLICE", "Trụ sở công an xã"),
    ("OFFICE", "Trụ sở làm việc cơ quan, đơn vị"),
    ("OTHER_PUBLIC", "Công trình công cộng khác"),
    ("SOCIO_ECONOMIC", "Phát triển kinh tế - xã hội"),
]


def seed_legal_lists(apps) -> int:
    """Create the missing legal-list rows; returns how many were created."""
    AssetClass = apps.get_model("inventory", "AssetClass")
    HandlingForm = apps.get_model("inventory", "HandlingForm")
    HandlingReason = apps.get_model("inventory", "HandlingReason")
    PriorityUse = apps.get_model("inventory", "PriorityUse")
    created = 0
    # Before migration 0013 the class itself held its life and rate.
    undated = any(f.name == "wear_rate" for f in AssetClass._meta.get_fields())
    for order, (code, name, category, grade, life, rate) in enumerate(ASSET_CLASSES, start=1):
        rates = {"useful_life_years": life, "statutory_wear_rate": rate, "wear_rate": rate} if undated else {}
        _, new = AssetClass.objects.get_or_create(
            code=code,
            defaults={
                "name": name,
                "category": category,
                "building_grade": grade,
                "legal_basis": CIRCULAR_23,
                "sort_order": order,
                **rates,
            },
        )
        created += new
    if not undated:
        created += seed_wear_rates(apps)
    forms = {}
    for order, (code, name, applies_to, basis) in enumerate(HANDLING_FORMS, start=1):
        forms[code], new = HandlingForm.objects.get_or_create(
            code=code,
            defaults={
                "name": name,
                "applies_to": applies_to,
                "legal_basis": basis,
                "sort_order": order,
            },
        )
        created += new
    for order, (code, form, text, basis) in enumerate(HANDLING_REASONS, start=1):
        _, new = HandlingReason.objects.get_or_create(
            code=code,
            defaults={
                "name": text,
                "handling_form": forms[form],
                "legal_basis": basis,
                "sort_order": order,
            },
        )
        created += new
    for order, (code, name) in enumerate(PRIORITY_USES, start=1):
        _, new = PriorityUse.objects.get_or_create(
            code=code,
            defaults={
                "name": name,
                "legal_basis": CD_213,
                "sort_order": order,
            },
        )
        created += new
    return created


def seed_fixed_asset_criteria(apps) -> int:
    """Create the missing fixed-asset criteria rows (by their first year); an
    administrator owns them once created. Returns how many were created."""
    FixedAssetCriteria = apps.get_model("inventory", "FixedAssetCriteria")
    created = 0
    for year, life, cost, categories, classes, basis, verify in FIXED_ASSET_CRITERIA:
        _, new = FixedAssetCriteria.objects.get_or_create(
            effective_from=year,
            defaults={
                "min_useful_life_years": life,
                "min_unit_cost": cost,
                "categories_any_value": categories,
                "classes_any_value": classes,
                "legal_basis": basis,
                "verify": verify,
            },
        )
        created += new
    return created


def seed_wear_rates(apps, current: dict | None = None) -> int:
    """Give every asset class without dated rates its Circular 23/2023 row (up to FY2025)
    and its Circular 141/2025 row (from FY2026, equal values, marked verify).

    `current` maps a class code to (life, statutory rate, applied rate) as the database
    held them before rates were dated (migration 0013); otherwise ASSET_CLASSES is used.
    """
    AssetClass = apps.get_model("inventory", "AssetClass")
    WearRate = apps.get_model("inventory", "WearRate")
    defaults = {code: (life, rate, rate) for code, _n, _c, _g, life, rate in ASSET_CLASSES}
    created = 0
    for asset_class in AssetClass.objects.filter(rates__isnull=True).order_by("pk"):
        values = (current or {}).get(asset_class.code) or defaults.get(asset_class.code)
        if values is None:
            continue
        life, statutory, applied = values
        common = {"asset_class": asset_class, "useful_life_years": life, "statutory_rate": statutory}
        WearRate.objects.create(
            **common,
            applied_rate=applied,
            effective_to=LAST_YEAR_OF_CIRCULAR_23,
            legal_basis=CIRCULAR_23,
            verify=asset_class.category == "intangible",
        )
        WearRate.objects.create(
            **common,
            applied_rate=applied,
            effective_from=FIRST_YEAR_OF_CIRCULAR_141,
            legal_basis=CIRCULAR_141,
            verify=True,
        )
        created += 2
    return created


def seed_procedure_lists(apps) -> int:
    """Create the missing rows of the handling procedure's lists (forms, reasons,
    required documents, deadlines, authorities, sale limits); returns how many."""
    HandlingForm = apps.get_model("inventory", "HandlingForm")
    HandlingReason = apps.get_model("inventory", "HandlingReason")
    RequiredDocument = apps.get_model("inventory", "RequiredDocument")
    HandlingDeadline = apps.get_model("inventory", "HandlingDeadline")
    DecisionAuthority = apps.get_model("inventory", "DecisionAuthority")
    SaleMethodLimit = apps.get_model("inventory", "SaleMethodLimit")
    created = 0
    for order, (code, name, applies_to, basis) in enumerate(NEW_HANDLING_FORMS, start=100):
        _, new = HandlingForm.objects.get_or_create(
            code=code, defaults={"name": name, "applies_to": applies_to, "legal_basis": basis, "sort_order": order}
        )
        created += new
    forms = {f.code: f for f in HandlingForm.objects.all()}
    for order, (code, form, text, basis) in enumerate(NEW_HANDLING_REASONS, start=100):
        if form in forms:
            _, new = HandlingReason.objects.get_or_create(
                code=code,
                defaults={"name": text, "handling_form": forms[form], "legal_basis": basis, "sort_order": order},
            )
            created += new
    reasons = {r.code: r for r in HandlingReason.objects.all()}
    for order, (code, form, reason, applies_to, name, basis, verify) in enumerate(REQUIRED_DOCUMENTS, start=1):
        if form and form not in forms:
            continue
        _, new = RequiredDocument.objects.get_or_create(
            code=code,
            defaults={
                "name": name,
                "handling_form": forms[form] if form else None,
                "reason": reasons.get(reason) if reason else None,
                "applies_to": applies_to,
                "legal_basis": basis,
                "verify": verify,
                "sort_order": order,
            },
        )
        created += new
    for order, (form, step, starts_on, period, unit, applies_to, basis, verify) in enumerate(DEADLINES, start=1):
        if form not in forms:
            continue
        _, new = HandlingDeadline.objects.get_or_create(
            code=f"{form}-{step}-{applies_to}",
            defaults={
                "name": f"{forms[form].name}: {step}",
                "handling_form": forms[form],
                "step": step,
                "starts_on": starts_on,
                "period": period,
                "unit": unit,
                "applies_to": applies_to,
                "legal_basis": basis,
                "verify": verify,
                "sort_order": order,
            },
        )
        created += new
    for order, (code, name, basis, verify) in enumerate(DECISION_AUTHORITIES, start=1):
        _, new = DecisionAuthority.objects.get_or_create(
            code=code, defaults={"name": name, "legal_basis": basis, "verify": verify, "sort_order": order}
        )
        created += new
    for order, (code, method, max_cost, low, high, basis) in enumerate(SALE_METHOD_LIMITS, start=1):
        _, new = SaleMethodLimit.objects.get_or_create(
            code=code,
            defaults={
                "name": code,
                "method": method,
                "max_original_cost": max_cost,
                "min_value": low,
                "max_value": high,
                "legal_basis": basis,
                "sort_order": order,
            },
        )
        created += new
    return created
