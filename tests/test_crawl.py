"""The crawl (issue 11): after a scenario that leaves every kind of record in every state,
every URL of the project — from the URL patterns, with ids of real records of each unit —
is opened as each role and anonymously. Never a 500; anonymous is sent to a login page or
refused; a declarant never reaches the records of another unit. List pages also get
hostile query strings.

Two communes (A and B) each go through the same scenario with their own declarant,
agencies, premises, asset lines, needs, declarations and handling records, so that "the
other unit" is testable both ways. Which record belongs to which unit is written down by
the scenario as it creates it, never asked of the code under test.
"""

from __future__ import annotations

import io
import itertools
from dataclasses import dataclass, field
from decimal import Decimal
from types import SimpleNamespace

import pytest
from django.contrib.auth.models import Group
from django.contrib.contenttypes.models import ContentType
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.test import Client, override_settings
from django.urls import URLPattern, URLResolver, get_resolver
from django.utils import timezone
from django.utils.regex_helper import normalize
from django_tasks_db.models import DBTaskResult
from PIL import Image
from rest_framework.authtoken.models import Token

from inventory import weekly
from inventory.choices import (
    DeclarationStatus,
    ItemStatus,
    ItemTarget,
    JobKind,
    JobStatus,
    NeedKind,
    NeedStatus,
    PremisesStatus,
    Role,
)
from inventory.models import (
    AdministrativeUnit,
    Agency,
    Asset,
    AssetClass,
    Attachment,
    Decision,
    Declaration,
    DeclarationItem,
    GisPassword,
    HandlingRecord,
    HandlingRequest,
    IdempotentRequest,
    Job,
    JobStep,
    Need,
    Premises,
    PriorityUse,
    Revaluation,
    SitePlan,
    User,
)
from inventory.services import attachments as attachment_service
from inventory.services import declarations as declaring
from inventory.services import deletion, handling, wear
from inventory.services import plans as site_plans
from inventory.services import public as public_register
from inventory.services.revaluation import apply_revaluation
from maps.models import HazardLayer, SitingStudy, StructuralInspection
from maps.reallocation import candidates
from maps.services import record_inspection, record_sources
from maps.siting import run_study
from tests import factories

pytestmark = pytest.mark.django_db

UNIT_NAMES = {"A": "Phường Thành Vinh", "B": "Phường Trường Vinh"}
ROLES = ["anonymous", "declarant A", "declarant B", "finance", "auditor", "admin"]
TODAY = timezone.localdate()


# -- the scenario ---------------------------------------------------------------------------


@dataclass
class UnitWorld:
    """What the scenario made for one commune: ids by kind, and the state each is in."""

    label: str
    unit: AdministrativeUnit
    declarant: User
    ids: dict[str, dict[str, int]] = field(default_factory=dict)  # kind -> {state: id}

    def add(self, kind: str, state: str, obj) -> None:
        self.ids.setdefault(kind, {})[state] = obj.pk

    def all(self, kind: str) -> list[int]:
        return list(self.ids.get(kind, {}).values())


def png() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (64, 48), "blue").save(buffer, "PNG")
    return buffer.getvalue()


def build_unit(label: str, finance: User) -> UnitWorld:
    """One commune's records in every state, made through the services."""
    unit = AdministrativeUnit.objects.get(name=UNIT_NAMES[label], level="commune")
    agencies = tuple(factories.agency(unit) for _ in range(4))
    declarant = factories.declarant(unit, agency=agencies[0])
    world = UnitWorld(label, unit, declarant)
    r = _unit_records(label, unit, agencies)
    carried = _unit_handling(world, finance, r)
    r.split = Asset.objects.get(code=f"{r.line.code}-XL{carried.pk}")
    _unit_site_plans(world, finance, declarant, r)
    photos = _unit_photos(finance, declarant, r)
    declared = _unit_declarations(world, finance, declarant, r)
    _add_records(world, r, Premises.objects.get(code=declared.code), Asset.objects.get(code=declared.small_code))
    world.ids["agency"] = {str(i): a.pk for i, a in enumerate(agencies)}
    world.ids["attachment"] = photos
    world.ids["user"] = {"declarant": declarant.pk}
    return world


def _unit_records(label: str, unit, agencies) -> SimpleNamespace:
    """The unit's premises, assets and needs, before any handling."""
    hq_agency, agency2, agency3, agency4 = agencies
    centre = unit.centroid

    def premises(agency, status, **kwargs):
        return factories.premises(admin_unit=unit, agency=agency, status=status, location=centre, **kwargs)

    r = SimpleNamespace(hq_agency=hq_agency, agency2=agency2, agency3=agency3, agency4=agency4)
    r.hq = premises(hq_agency, PremisesStatus.IN_USE_HQ, condition="good")
    r.surplus = premises(hq_agency, PremisesStatus.SURPLUS, condition="good")
    r.partly = premises(agency2, PremisesStatus.PARTLY_SURPLUS, condition="fair", surplus_floor_area=Decimal(200))
    r.spare = premises(agency2, PremisesStatus.SURPLUS, condition="good")
    r.renamed = premises(agency2, PremisesStatus.OTHER_PUBLIC_USE, condition="good")
    r.doomed = premises(agency3, PremisesStatus.SURPLUS, condition="poor")
    r.line = factories.asset(agency=hq_agency, premises=r.surplus, status="surplus", quantity=10, condition="good")
    # Two tools (5,000,000 each, not fixed assets): a line handled as a whole.
    r.whole = factories.asset(
        agency=agency2,
        premises=r.partly,
        status="surplus",
        quantity=2,
        condition="good",
        original_cost=Decimal(10_000_000),
    )
    # Three computers declared in one row: fixed assets, one record each, one group.
    for n in ("", "-02", "-03"):
        factories.asset(
            code=f"{label}-GRP{n}", group_code=f"{label}-GRP", agency=agency2, premises=r.spare, status="surplus"
        )
    r.in_use = factories.asset(agency=hq_agency, premises=r.hq, status="in_use")
    r.doomed_asset = factories.asset(agency=agency3, status="surplus")
    it = AssetClass.objects.get(code="MMTB-CNTT")
    r.need_area = factories.need(agency=hq_agency, floor_area=Decimal(300))
    r.need_items = factories.need(agency=agency2, kind=NeedKind.ASSET, floor_area=None, asset_class=it, quantity=3)
    r.need_whole = factories.need(agency=agency3, kind=NeedKind.ASSET, floor_area=None, asset_class=it, quantity=2)
    r.need_part = factories.need(agency=agency3, floor_area=Decimal(50))
    r.need_open = factories.need(agency=agency4)
    r.need_cancelled = factories.need(agency=agency4)
    Need.objects.filter(pk=r.need_cancelled.pk).update(status=NeedStatus.CANCELLED)
    return r


def _unit_handling(world: UnitWorld, finance: User, r: SimpleNamespace):
    """Handling, each step through the service; the supply for a need found by
    reallocation. Returns the handling carried out on part of the surplus line."""
    found = {(c.kind, c.record.pk) for c in candidates(r.need_area, finance)}
    assert ("premises", r.surplus.pk) in found, "the reallocation ranking offers the unit's own surplus building"
    proposed = handling.propose_transfer(finance, r.need_area, premises=r.surplus)
    approved = handling.propose(
        finance, handling.Proposal(form_code="CONVERT_FUNCTION", intended_use="Nhà văn hóa"), premises=r.spare
    )
    decided = {"decision_number": "12/QĐ-UBND", "decision_date": TODAY, "decider": "Chủ tịch UBND tỉnh"}
    handling.approve(finance, factories.ready_for_decision(approved, finance), **decided)
    assert ("asset", r.line.pk) in {(c.kind, c.record.pk) for c in candidates(r.need_items, finance)}
    carried = handling.propose_transfer(finance, r.need_items, asset=r.line, quantity=3)
    handling.approve(finance, factories.ready_for_decision(carried, finance), **decided)
    handling.carry_out(finance, carried, handover_number="BB-01", handover_date=TODAY)
    closed = handling.propose_transfer(finance, r.need_whole, asset=r.whole)
    handling.approve(finance, factories.ready_for_decision(closed, finance), **decided)
    handling.carry_out(finance, closed, handover_number="BB-02", handover_date=TODAY)
    handling.close(finance, closed)
    cancelled = handling.propose_transfer(finance, r.need_part, premises=r.partly, floor_area=Decimal(50))
    handling.cancel(finance, cancelled, reason="Đơn vị đã tự bố trí")
    for state, record in [
        ("proposed", proposed),
        ("approved", approved),
        ("carried_out", carried),
        ("closed", closed),
        ("cancelled", cancelled),
    ]:
        record.refresh_from_db()
        assert record.status == state
        world.add("handling", state, record)
        world.add("request", record.request.status, record.request)
        if record.decision_id:
            world.add("decision", state, record.decision)
    return carried


def _unit_site_plans(world: UnitWorld, finance: User, declarant: User, r: SimpleNamespace) -> None:
    """Site plans: a draft, an approved one and the one it superseded."""
    health = PriorityUse.objects.get(code="HEALTH")
    plan = {
        "managing_agency": r.hq_agency,
        "responsible_person": "Người chịu trách nhiệm",
        "use": "priority_use",
        "priority_use": health,
        "start_date": TODAY,
        "end_date": TODAY,
    }
    draft_plan = site_plans.save_plan(declarant, r.partly, {**plan, "managing_agency": r.agency2})
    superseded_plan = site_plans.approve_plan(
        finance, site_plans.save_plan(declarant, r.surplus, plan), decision_ref="1/STC"
    )
    approved_plan = site_plans.approve_plan(
        finance, site_plans.save_plan(finance, r.surplus, plan), decision_ref="2/STC"
    )
    for state, record in [("draft", draft_plan), ("superseded", superseded_plan), ("approved", approved_plan)]:
        world.add("siteplan", state, record)


def _unit_photos(finance: User, declarant: User, r: SimpleNamespace) -> dict[str, int]:
    """Deleted records, photos, and the public register: the site under handling published
    with one of its two photos, and a registration of interest in it. The photos' ids."""
    deletion.soft_delete(finance, r.doomed, "Trùng hồ sơ")
    deletion.soft_delete(finance, r.doomed_asset, "Trùng hồ sơ")
    attachment = attachment_service.attach(declarant, r.hq, SimpleUploadedFile("mat-tien.png", png()), "Mặt tiền")
    shown = attachment_service.attach(declarant, r.surplus, SimpleUploadedFile("cong-khai.png", png()), "Công khai")
    private = attachment_service.attach(declarant, r.surplus, SimpleUploadedFile("noi-bo.png", png()), "Nội bộ")
    public_register.publish(finance, r.surplus, "Trụ sở cũ", [shown])
    public_register.register_interest(r.surplus, {"name": "Người quan tâm", "contact": "a@b.vn", "use_details": "Kho"})
    return {"photo": attachment.pk, "public photo": shown.pk, "private photo": private.pk}


def _unit_declarations(world: UnitWorld, finance: User, declarant: User, r: SimpleNamespace) -> SimpleNamespace:
    """Declarations: every status, every item status, an agency with a draft while another
    of its declarations is under review. The codes of the premises declared and approved
    and of the asset applied at once."""
    hq_agency, agency2, agency3 = r.hq_agency, r.agency2, r.agency3
    small = factories.declare(declarant, ItemTarget.ASSET, factories.asset_form_data(hq_agency, premises=r.hq.code))
    applied = declaring.submit(declarant, small.declaration)
    new_premises = factories.declare(
        declarant, ItemTarget.PREMISES, factories.premises_form_data(hq_agency, name="Trụ sở mới được duyệt")
    )
    factories.declare(declarant, ItemTarget.ASSET, factories.asset_form_data(hq_agency, premises=new_premises.code))
    reviewed = declaring.submit(declarant, new_premises.declaration)
    declaring.review_declaration(finance, reviewed, approve=True)
    draft_change = factories.declare(
        declarant,
        ItemTarget.PREMISES,
        factories.record_form_data(r.hq, ItemTarget.PREMISES, name=r.hq.name + " (sửa)"),
        record=r.hq,
    )
    pending_premises = factories.declare(
        declarant, ItemTarget.PREMISES, factories.premises_form_data(agency2, name="Trụ sở mới chờ duyệt")
    )
    pending_asset = factories.declare(
        declarant,
        ItemTarget.ASSET,
        factories.asset_form_data(agency2, premises=pending_premises.code, name="Máy in chờ duyệt"),
    )
    change = factories.declare(
        declarant,
        ItemTarget.PREMISES,
        factories.record_form_data(r.renamed, ItemTarget.PREMISES, name=r.renamed.name + " (đổi tên)"),
        record=r.renamed,
    )
    under_review = declaring.submit(declarant, pending_premises.declaration)
    declaring.review_item(finance, change, approve=True)
    beside = factories.declare(declarant, ItemTarget.NEED, factories.need_form_data(agency2))
    to_return = factories.declare(
        declarant, ItemTarget.PREMISES, factories.premises_form_data(agency3, name="Trụ sở bị trả lại")
    )
    returned_asset = factories.declare(
        declarant, ItemTarget.ASSET, factories.asset_form_data(agency3, premises=to_return.code)
    )
    returned = declaring.submit(declarant, to_return.declaration)
    declaring.review_declaration(finance, returned, approve=False, comment="Thiếu giấy chứng nhận")

    for state, declaration in [
        ("approved at once", applied),
        ("approved", reviewed),
        ("draft", draft_change.declaration),
        ("submitted", under_review),
        ("draft beside submitted", beside.declaration),
        ("returned", returned),
    ]:
        world.add("declaration", state, declaration)
    expected = {
        "approved at once": DeclarationStatus.APPROVED,
        "approved": DeclarationStatus.APPROVED,
        "draft": DeclarationStatus.DRAFT,
        "submitted": DeclarationStatus.SUBMITTED,
        "draft beside submitted": DeclarationStatus.DRAFT,
        "returned": DeclarationStatus.RETURNED,
    }
    for state, pk in world.ids["declaration"].items():
        assert Declaration.objects.get(pk=pk).status == expected[state], state
    for state, item in [
        ("applied", small),
        ("approved", new_premises),
        ("draft", draft_change),
        ("pending premises", pending_premises),
        ("pending asset", pending_asset),
        ("approved while submitted", change),
        ("draft need", beside),
        ("returned", to_return),
        ("returned asset", returned_asset),
    ]:
        item.refresh_from_db()
        world.add("item", state, item)
    assert DeclarationItem.objects.get(pk=world.ids["item"]["pending premises"]).status == ItemStatus.PENDING
    return SimpleNamespace(code=new_premises.code, small_code=small.code)


def _add_records(world: UnitWorld, r: SimpleNamespace, created: Premises, applied: Asset) -> None:
    """The unit's premises, assets and needs, by the state each is in."""
    for state, record in [
        ("hq", r.hq),
        ("under handling", r.surplus),
        ("partly surplus", r.partly),
        ("handled", r.spare),
        ("changed by declaration", r.renamed),
        ("deleted", r.doomed),
        ("declared and approved", created),
    ]:
        world.add("premises", state, record)
    for state, record in [
        ("surplus line", r.line),
        ("split off", r.split),
        ("transferred whole", r.whole),
        ("in use", r.in_use),
        ("deleted", r.doomed_asset),
        ("applied", applied),
    ]:
        world.add("asset", state, record)
    for state, record in [
        ("reserved", r.need_area),
        ("met", r.need_items),
        ("met whole", r.need_whole),
        ("open after cancel", r.need_part),
        ("open", r.need_open),
        ("cancelled", r.need_cancelled),
    ]:
        world.add("need", state, record)


def revalue(unit: UnitWorld, finance: User):
    """The unit's asset in use, appraised today after storm damage."""
    asset = Asset.objects.get(pk=unit.ids["asset"]["in use"])
    return apply_revaluation(
        asset,
        date=TODAY,
        appraisal_reference=f"TĐG {unit.label}",
        new_original_cost=asset.original_cost,
        new_remaining_value=asset.original_cost // 2,
        remaining_life_years=3,
        document=SimpleUploadedFile("tham-dinh.pdf", b"%PDF-1.4\n%%EOF\n"),
        actor=finance,
    )


def inspect(unit: UnitWorld, finance: User):
    """A structural inspection of the unit's surplus premises, with its report (PDF)."""
    inspection = StructuralInspection(
        premises_id=unit.ids["premises"]["partly surplus"],
        floor_load=2000,
        inspected_on=TODAY,
        inspector=f"Kiểm định {unit.label}",
    )
    inspection.document = SimpleUploadedFile("kiem-dinh.pdf", b"%PDF-1.4\n%%EOF\n")
    return record_inspection(finance, inspection)


@dataclass
class World:
    units: dict[str, UnitWorld]
    users: dict[str, User]
    study: SitingStudy

    def owner_of(self, kind: str, pk) -> str | None:
        for label, unit in self.units.items():
            if str(pk) in {str(i) for i in unit.all(kind)}:
                return label
        return None


def background_job(unit: UnitWorld) -> Job:
    """An export finished by the worker for the unit's declarant, with one step done."""
    job = Job.objects.create(
        kind=JobKind.EXPORT,
        key=f"crawl-export-{unit.label}",
        owner=unit.declarant,
        admin_unit=unit.unit,
        status=JobStatus.DONE,
        done=1,
        total=1,
    )
    JobStep.objects.create(job=job, index=0)
    return job


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker, tmp_path_factory):
    """The scenario, built once for the module inside a transaction rolled back at its end."""
    media = override_settings(MEDIA_ROOT=tmp_path_factory.mktemp("media"))
    with django_db_blocker.unblock(), media, transaction.atomic():
        finance = factories.user(role=Role.FINANCE)
        units = {label: build_unit(label, finance) for label in UNIT_NAMES}
        # The year-end wear run of last year: its run and ledger rows (admin pages) exist.
        wear.book_wear(timezone.localdate().year - 1, actor=finance)
        for unit in units.values():  # a revaluation after damage, with its appraisal document
            unit.add("revaluation", "after storm", revalue(unit, finance))
            unit.add("inspection", "with report", inspect(unit, finance))
            unit.add("job", "done", background_job(unit))
        list(record_sources())  # the archive record sources, made on first use (admin pages)
        admin = factories.user(role=Role.ADMIN, is_staff=True)
        users = {
            "declarant A": units["A"].declarant,
            "declarant B": units["B"].declarant,
            "finance": finance,
            "auditor": factories.user(role=Role.AUDITOR),
            "admin": admin,
        }
        Token.objects.create(user=units["A"].declarant)
        GisPassword.issue(units["A"].declarant)
        # A replayed declaration's answer and a task of the queue (admin pages).
        IdempotentRequest.objects.create(
            user=units["A"].declarant, key="crawl-1", fingerprint="0" * 64, status_code=201, response={}
        )
        DBTaskResult.objects.create(
            task_path="inventory.tasks.run_job",
            args_kwargs={"args": [], "kwargs": {}},
            backend_name="default",
            run_after=timezone.now(),
            exception_class_path="",
        )
        weekly.issue(finance, weekly.previous_week(weekly.current_week()))  # a frozen return (admin pages)
        Group.objects.create(name="Kiểm tra")
        _access_records()
        study = SitingStudy.objects.create(
            name="Kho lưu trữ lịch sử tỉnh",
            shelf_metres=Decimal(600),
            growth_metres_per_year=Decimal(10),
            growth_years=20,
            office_area=Decimal(100),
            centre=units["A"].unit.centroid,
            random_sets=20,
            created_by=finance,
        )
        study.candidates.set(Premises.objects.filter(pk__in=[*units["A"].all("premises"), *units["B"].all("premises")]))
        run_study(study)
        again = SitingStudy.objects.create(
            name=study.name,
            version=2,
            previous=study,
            shelf_metres=study.shelf_metres,
            growth_metres_per_year=study.growth_metres_per_year,
            growth_years=20,
            office_area=study.office_area,
            centre=study.centre,
            random_sets=20,
            created_by=finance,
        )
        again.candidates.set(study.candidates.all())
        run_study(again)
        yield World(units, users, again)
        transaction.set_rollback(True)


def _access_records():
    """Login records, so that the admin's pages of them have a row to open."""
    from axes.models import AccessAttempt, AccessFailureLog, AccessLog

    common = {
        "user_agent": "crawl",
        "ip_address": "127.0.0.1",
        "username": "nobody",
        "http_accept": "*/*",
        "path_info": "/accounts/login/",
    }
    AccessAttempt.objects.create(failures_since_start=1, **common)
    AccessLog.objects.create(**common)
    AccessFailureLog.objects.create(locked_out=False, **common)


# -- the URL patterns and what fills their parameters ---------------------------------------


@dataclass(frozen=True)
class Route:
    """One URL pattern: its namespaced name, a %-template of its path and its parameters."""

    name: str
    template: str
    params: tuple[str, ...]
    pattern: URLPattern

    def url(self, values: dict) -> str:
        return "/" + self.template % values


def routes() -> list[Route]:
    def walk(resolver, prefix, namespace):
        for p in resolver.url_patterns:
            regex = prefix + p.pattern.regex.pattern.lstrip("^")
            if isinstance(p, URLResolver):
                yield from walk(p, regex, ":".join(filter(None, [namespace, p.namespace])))
            else:
                template, params = normalize(regex)[0]
                name = f"{namespace}:{p.name}" if namespace and p.name else p.name
                yield Route(name or f"<unnamed {template}>", template, tuple(params), p)

    return list(walk(get_resolver(), "", ""))


# Which kind of record a `pk` of each URL names. A URL missing here fails the crawl.
PK_KIND = {
    **dict.fromkeys(
        [
            "inventory:declaration_detail",
            "inventory:declaration_submit",
            "inventory:declaration_review",
            "inventory:declaration_history",
        ],
        "declaration",
    ),
    **dict.fromkeys(["inventory:item_edit", "inventory:item_withdraw", "inventory:item_review"], "item"),
    **dict.fromkeys(
        [
            "inventory:premises_detail",
            "inventory:attachment_upload",
            "inventory:premises_edit",
            "inventory:premises_history",
        ],
        "premises",
    ),
    **dict.fromkeys(["inventory:asset_edit", "inventory:asset_history"], "asset"),
    **dict.fromkeys(["inventory:need_edit", "inventory:need_history"], "need"),
    "inventory:revaluation_document": "revaluation",
    "maps:inspection_document": "inspection",
    **dict.fromkeys(
        ["inventory:attachment_file", "inventory:attachment_thumbnail", "public:photo", "public:photo_thumbnail"],
        "attachment",
    ),
    **dict.fromkeys(["public:publish", "public:withdraw"], "premises"),
    **dict.fromkeys(
        [
            "inventory:handling_detail",
            "inventory:handling_history",
            "inventory:handling_approve",
            "inventory:handling_carry_out",
            "inventory:handling_close",
            "inventory:handling_cancel",
            "inventory:handling_request_xlsx",
            "inventory:handover_record",
            "inventory:handover_record_pdf",
            "inventory:handover_record_docx",
            "inventory:decision_document",
        ],
        "handling",
    ),
    **dict.fromkeys(
        [
            "inventory:siteplan_edit",
            "inventory:siteplan_approve",
            "api:site-plan-detail",
            "api:site-plan-approve",
        ],
        "siteplan",
    ),
    **dict.fromkeys(
        [
            "inventory:request_detail",
            "inventory:request_return",
            "inventory:request_resubmit",
            "inventory:request_complete",
            "inventory:request_review",
            "inventory:request_decide",
            "inventory:request_docx",
            "inventory:decision_docx",
            "api:handling-request-detail",
            "api:handling-request-return-request",
            "api:handling-request-resubmit",
            "api:handling-request-complete",
            "api:handling-request-review",
            "api:handling-request-decide",
        ],
        "request",
    ),
    "api:decision-detail": "decision",
    "maps:reallocation_need": "need",
    "maps:reallocation_propose": "need",
    **dict.fromkeys(
        [
            "maps:siting_detail",
            "maps:siting_rerun",
            "maps:siting_choose",
            "maps:siting_background",
            "inventory:job_start",
            "api:declare",
            "api:declare-change",
            "maps:siting_report",
            "maps:siting_report_pdf",
        ],
        "study",
    ),
    "maps:layer_geojson": "layer",
    "maps:siting_background": "study",
    "api:declare-change": "premises",
    **dict.fromkeys(["inventory:job_detail", "inventory:job_status", "inventory:job_file"], "job"),
    "api:admin-unit-detail": "unit",
    "api:agency-detail": "agency",
    "api:premises-detail": "premises",
    "api:asset-detail": "asset",
    **dict.fromkeys(["api:declaration-detail", "api:declaration-review", "api:declaration-submit"], "declaration"),
    "api:need-detail": "need",
    **dict.fromkeys(
        [
            "api:handling-record-detail",
            "api:handling-record-approve",
            "api:handling-record-cancel",
            "api:handling-record-carry-out",
            "api:handling-record-close",
        ],
        "handling",
    ),
}
# The kind of record of each model, for the admin's object ids.
MODEL_KIND = {
    Premises: "premises",
    Asset: "asset",
    Need: "need",
    Declaration: "declaration",
    DeclarationItem: "item",
    HandlingRecord: "handling",
    SitePlan: "siteplan",
    HandlingRequest: "request",
    Decision: "decision",
    Agency: "agency",
    Attachment: "attachment",
    Revaluation: "revaluation",
    StructuralInspection: "inspection",
    Job: "job",
    User: "user",
}
# Admin URLs whose view does not say its model.
ADMIN_MODEL = {"admin:auth_user_password_change": User}
MISSING = "987654321"  # an id no record has

# Values of the other parameters, by name: (value, owning unit or None).
PLAIN_VALUES = {
    "level": ["commune", "legacy_district", "legacy_commune", "province"],
    "token": ["0123456789abcdef", "nope"],
    "form_code": ["04a", "04b", "04c", "99"],
    "report": ["surplus", "assets", "nope"],
    "fmt": ["csv", "xlsx", "pdf"],
    "name": ["surplus", "assets", "nope"],
    "app_label": ["inventory", "maps", "auth"],
    "url": ["nope/"],
    "target": ["premises", "asset", "need", "nope"],
    "kind": ["wear", "weekly_return", "nope"],
}
LIST_FORMATS = ["json", "api", "csv", "xlsx", "geojson"]


def owned(world: World, kind: str) -> list[tuple[str, str | None]]:
    """Every id of a kind the scenario made, with its unit; and an id nobody has."""
    values = [(str(pk), label) for label, unit in world.units.items() for pk in unit.all(kind)]
    return [*values, (MISSING, None)]


def kind_values(world: World, kind: str) -> list[tuple[str, str | None]]:
    if kind == "study":
        return [(str(world.study.pk), None), (str(world.study.previous_id), None), (MISSING, None)]
    if kind == "layer":
        return [(str(pk), None) for pk in HazardLayer.objects.values_list("pk", flat=True)] + [(MISSING, None)]
    if kind == "unit":
        return [(str(u.unit.pk), None) for u in world.units.values()] + [(MISSING, None)]
    return owned(world, kind)


class Unfillable(Exception):
    pass


def combos(route: Route, world: World) -> list[tuple[dict, str | None]]:
    """Every filling of the route's parameters: (values, the unit owning the record named)."""
    if not route.params:
        return [({}, None)]
    if route.name == "ogc:item":
        premises = owned(world, "premises")
        units = kind_values(world, "unit")
        return [
            *(({"key": k, "fid": v}, o) for k in ("premises", "assets-by-premises") for v, o in premises),
            *(({"key": "units", "fid": v}, None) for v, _o in units),
            ({"key": "nope", "fid": "1"}, None),
            ({"key": "premises", "fid": "abc"}, None),
        ]
    if route.name == "admin:view_on_site":
        content_type = ContentType.objects.get_for_model(Premises).pk
        return [({"content_type_id": content_type, "object_id": v}, o) for v, o in owned(world, "premises")]
    lists = [param_values(route, param, world) for param in route.params]
    result, sampled = [], set()
    for filling in itertools.product(*lists):
        owners = {o for _v, o in filling if o}
        values, owner = (
            {p: v for p, (v, _o) in zip(route.params, filling, strict=True)},
            owners.pop() if owners else None,
        )
        if expensive(route, values):
            # Every state matters to the pages that show a record; a file, a refused action or
            # the browsable API is opened once per unit (and for a missing id).
            key = (owner, values.get("format"), values.get("pk") == MISSING)
            if key in sampled:
                continue
            sampled.add(key)
        result.append((values, owner))
    return result


def param_values(route: Route, param: str, world: World) -> list[tuple[str, str | None]]:
    """The values one parameter of the route takes: (value, the unit owning the record named)."""
    if param == "pk" and route.name in PK_KIND:
        return kind_values(world, PK_KIND[route.name])
    if param in ("object_id", "id") and route.template.startswith("admin/"):
        return admin_values(route, world)
    if param == "key":
        return [("premises", None), ("units", None), ("assets-by-premises", None), ("nope", None)]
    if param == "format":
        return [(f, None) for f in format_values(route)]
    if param == "code":
        # Premises codes, of no unit: the public register's pages are public by design.
        pks = [pk for unit in world.units.values() for pk in unit.all("premises")]
        codes = Premises.all_objects.filter(pk__in=pks).values_list("code", flat=True)
        return [*((c, None) for c in codes), ("nope", None)]
    if param in PLAIN_VALUES:
        return [(v, None) for v in PLAIN_VALUES[param]]
    raise Unfillable(f"{route.name} ({route.template}): no values for the parameter {param!r}")


def format_values(route: Route) -> list[str]:
    if route.name == "api:api-root":
        return [".json", ".api"]
    if route.name.endswith("-list"):
        return list(LIST_FORMATS)
    return ["json"] if route.name in POST_ONLY else ["json", "api"]


def expensive(route: Route, values: dict) -> bool:
    return (
        route.name in POST_ONLY
        or route.template.endswith((".pdf", ".xlsx"))
        or values.get("format") in ("api", "csv", "xlsx", "geojson")
        or route.template.startswith("admin/")
    )


def admin_values(route: Route, world: World) -> list[tuple[str, str | None]]:
    model_admin = getattr(route.pattern.callback, "model_admin", None)
    model = model_admin.model if model_admin is not None else ADMIN_MODEL.get(route.name)
    if model is None:
        raise Unfillable(f"{route.name} ({route.template}): an admin object id of no model")
    if model in MODEL_KIND:
        return owned(world, MODEL_KIND[model])
    manager = getattr(model, "objects", model._default_manager)  # pghistory's Events: a view over all events
    first = next(iter(manager.all()[:1]), None)
    if first is None:
        raise Unfillable(f"{route.name}: no {model._meta.label} row to open; add one to the scenario")
    return [(str(first.pk), None), (MISSING, None)]


# -- what each role must get ------------------------------------------------------------------

LOGIN_PAGES = ("/accounts/login/", "/admin/login/")
# Open without logging in, and why.
PUBLIC = {
    "login": "the login page",
    "admin:login": "the admin's login page",
    "set_language": "the language switch: sends the visitor back",
    # The API's contract (operations, filters, statuses) is public by design, like any
    # published API description: it holds no record, and every operation it lists refuses
    # an anonymous caller (crawled above).
    "schema": "the OpenAPI description",
    "api-docs": "the API documentation page (Swagger UI over the OpenAPI description)",
    "inventory:map_locale": "the words of the map tools (Leaflet's zoom and drawing buttons): no record",
    "favicon": "the site's icon: a redirect to a static file",
    "inventory:service_worker": "the offline service worker's script (issue 13): code, no record",
    # OGC API – Features (issue 17): its entry pages are open so a GIS client finds the public
    # register's collection; they hold no record and list only the collections the caller may
    # read; every other collection answers 401 to an anonymous caller (crawled above).
    **dict.fromkeys(
        ["ogc-landing", "ogc:landing", "ogc:conformance", "ogc:api", "ogc:collections"],
        "the OGC API's landing page, conformance, definition and list of collections",
    ),
    # The public register of surplus sites (issue 17): only sites Finance published, from
    # one allow-list per output; everything else there answers 404.
    **dict.fromkeys(
        [
            "public:register",
            "public:register_csv",
            "public:register_geojson",
            "public:site",
            "public:photo",
            "public:photo_thumbnail",
        ],
        "the public register of surplus sites, open by design",
    ),
}
# Not opened with the method they take (a POST would change something or end the session);
# a GET is still sent and must be refused (405, or earlier: login, 403, 404), never done.
POST_ONLY = {
    "logout": "logging out ends the session",
    "admin:logout": "logging out ends the session",
    **dict.fromkeys(
        [
            "inventory:declaration_submit",
            "inventory:declaration_review",
            "inventory:item_withdraw",
            "inventory:item_review",
            "inventory:attachment_upload",
            "inventory:handling_approve",
            "inventory:handling_carry_out",
            "inventory:handling_close",
            "inventory:handling_cancel",
            "inventory:token_create",
            "inventory:siteplan_approve",
            "inventory:weekly_return_issue",
            "api:site-plan-approve",
            "inventory:token_revoke",
            "inventory:gis_password_create",
            "inventory:gis_password_revoke",
            "public:publish",
            "public:withdraw",
            "maps:reallocation_propose",
            "maps:siting_create",
            "maps:siting_rerun",
            "maps:siting_choose",
            "api:declaration-review",
            "api:declaration-submit",
            "api:handling-record-approve",
            "api:handling-record-cancel",
            "api:handling-record-carry-out",
            "api:handling-record-close",
            "inventory:request_return",
            "inventory:request_resubmit",
            "inventory:request_complete",
            "inventory:request_review",
            "inventory:request_decide",
            "api:handling-request-return-request",
            "api:handling-request-resubmit",
            "api:handling-request-complete",
            "api:handling-request-review",
            "api:handling-request-decide",
        ],
        "an action: POST only",
    ),
}


def fetch(client: Client, url: str):
    """GET `url`, then undo whatever the request wrote, so every role sees the same scenario."""
    savepoint = transaction.savepoint()
    try:
        return client.get(url)
    finally:
        transaction.savepoint_rollback(savepoint)
        transaction.set_rollback(False)


def describe(response) -> str:
    text = str(response.status_code)
    if response.status_code in (301, 302):
        text += f" → {response['Location']}"
    if getattr(response, "exc_info", None):
        text += f" {response.exc_info[0].__name__}: {str(response.exc_info[1])[:200]}"
    return text


def refused(response, route: Route) -> bool:
    """Refused, or sent to log in (the admin sends a non-administrator to its index, which
    sends them to its login page)."""
    if response.status_code in (401, 403, 404, 405):
        return True
    if response.status_code != 302:
        return False
    to = response["Location"].split("?")[0]
    return to.endswith(LOGIN_PAGES) or (route.template.startswith("admin/") and to == "/admin/")


def check(role: str, route: Route, owner: str | None, response) -> str | None:
    """What is wrong with the answer to `role`, or None."""
    if response.status_code >= 500:
        return "server error"
    if route.name in POST_ONLY and not refused(response, route):
        return f"a GET of a POST-only URL ({POST_ONLY[route.name]}) must be refused"
    if role == "anonymous" and route.name not in PUBLIC and not refused(response, route):
        return "anonymous must be sent to a login page or refused"
    other_unit = role.startswith("declarant") and owner is not None and owner != role[-1] and route.name not in PUBLIC
    if other_unit and not refused(response, route):
        return f"a declarant of {role[-1]} reached a record of {owner}"
    return None


def clients(world: World) -> dict[str, Client]:
    result = {"anonymous": Client(raise_request_exception=False)}
    for role, user in world.users.items():
        result[role] = Client(raise_request_exception=False)
        result[role].force_login(user)
    return result


# -- the crawl ----------------------------------------------------------------------------------


# Whole-province files: the same rows and code for every role that sees everything, and
# seconds each on two cores (the demo's 5,000 asset lines), so they are crawled as the
# finance reviewer, the declarants and anonymously, not again as auditor and admin.
PROVINCE_EXPORTS = {
    "inventory:export_form",
    "inventory:report_export",
    "api:asset-list",
    "api:premises-list",
    "api:agency-list",
    "api:admin-unit-list",
    "maps:siting_report_pdf",
}


def test_every_url_pattern_can_be_filled(world):
    """A new URL with a parameter the tables above cannot fill fails here (and in the crawl)."""
    unfillable = []
    for route in routes():
        try:
            assert combos(route, world)
        except Unfillable as exc:
            unfillable.append(str(exc))
    assert not unfillable, "\n".join(unfillable)
    names = {r.name for r in routes()}
    assert not set(PK_KIND) - names, "PK_KIND names URLs that no longer exist"
    assert not (set(POST_ONLY) | set(PUBLIC)) - names, "POST_ONLY/PUBLIC name URLs that no longer exist"


@pytest.mark.parametrize("role", ROLES)
def test_crawl_every_url_as_every_role(world, role):
    client = clients(world)[role]
    failures, seen = [], 0
    for route in routes():
        if role in ("auditor", "admin") and route.name in PROVINCE_EXPORTS:
            continue  # PROVINCE_EXPORTS
        try:
            fillings = combos(route, world)
        except Unfillable as exc:
            failures.append(str(exc))
            continue
        for values, owner in fillings:
            url = route.url(values)
            response = fetch(client, url)
            seen += 1
            problem = check(role, route, owner, response)
            if problem:
                failures.append(
                    f"{role}: GET {url} ({route.name}, record of {owner or '-'}) → {describe(response)}: {problem}"
                )
    assert seen > 300
    assert not failures, f"{len(failures)} of {seen} requests:\n" + "\n".join(failures)


# -- hostile query strings on the list pages --------------------------------------------------

HOSTILE = [
    "page=abc",
    "page=-1",
    "page=99999999999999999999",
    "status=nope",
    "supply=abc",
    "q=%3Cb%3E",
    "q=%00",
    "as_of=",
    "as_of=abc",
    "as_of=99999-12-31",
    "since=0001-01-01",
    "until=abc",
    "z=1e309",
    "bbox=nan,nan,nan,nan",
    "bbox=1e300,1e300,1e301,1e301",
    "area=%7B",
    "id_min=1e400",
    "ordering=-nope",
    "limit=-1",
    "cursor=zz",
    "kind=nope",
    "agency=%00",
    "format=nope",
    "land_area_min=abc",
    "floor_area_max=1e400",
    "commune=%00",
    "use=nope",
    "stage=nope",
]
EXTRA_LISTS = [
    "/ogc/collections/premises/items",
    "/ogc/collections/units/items",
    "/api/v1/reports/surplus/",
    # Public, so not among the list pages above; their filters get the hostile strings too.
    "/cong-khai/",
    "/cong-khai/danh-sach.csv",
    "/cong-khai/danh-sach.geojson",
]
ADMIN_LISTS = ["/admin/inventory/premises/", "/admin/inventory/declaration/", "/admin/pghistory/events/"]
ADMIN_HOSTILE = ["p=abc", "o=99", "q=%00", "e=1", "status__exact=nope", "deleted_at__isnull=nope"]


def list_pages() -> list[str]:
    pages = [
        r.url({})
        for r in routes()
        if not r.params
        and r.name not in POST_ONLY
        and r.name not in PUBLIC
        and not r.template.startswith(("admin/", "media/"))
        and not r.template.endswith((".xlsx", ".pdf"))
    ]
    return pages + EXTRA_LISTS


# Pages that read no query parameters: only a bad format is tried there.
NO_PARAMETERS = {
    "/api/schema/",
    "/api/docs/",
    "/ogc",
    "/ogc/",
    "/ogc/api",
    "/ogc/conformance",
    "/ogc/collections",
    "/account/",
}
# The declarant's lists take the scoped path (the finance reviewer's the rollups): the
# parameters that reach a query, for the declarant.
SCOPED_HOSTILE = [
    "page=abc",
    "status=nope",
    "q=%00",
    "as_of=abc",
    "since=0001-01-01",
    "bbox=nan,nan,nan,nan",
    "area=%7B",
]


@pytest.mark.parametrize("role", ["declarant A", "finance"])
def test_hostile_query_strings_never_crash_a_list(world, role):
    client = clients(world)[role]
    failures = []
    for page in list_pages():
        queries = HOSTILE if role == "finance" else SCOPED_HOSTILE
        for query in ["format=nope"] if page in NO_PARAMETERS else queries:
            response = fetch(client, f"{page}?{query}")
            if response.status_code >= 500:
                failures.append(f"{role}: GET {page}?{query} → {describe(response)}")
    assert not failures, "\n".join(failures)


def test_hostile_query_strings_on_admin_lists(world):
    client = clients(world)["admin"]
    failures = []
    for page in ADMIN_LISTS:
        for query in ADMIN_HOSTILE:
            response = fetch(client, f"{page}?{query}")
            if response.status_code >= 500:
                failures.append(f"admin: GET {page}?{query} → {describe(response)}")
    assert not failures, "\n".join(failures)


# -- what a declarant reaches, written down by the scenario ------------------------------------

OWN_PAGES = {
    "premises": ["/declarations/premises/{}/", "/declarations/premises/{}/history/", "/api/v1/premises/{}/"],
    "declaration": ["/declarations/{}/", "/api/v1/declarations/{}/"],
    "handling": ["/handling/{}/", "/api/v1/handling-records/{}/"],
    "siteplan": ["/site-plans/{}/", "/api/v1/site-plans/{}/"],
    "request": ["/handling/requests/{}/", "/api/v1/handling-requests/{}/"],
    "decision": ["/api/v1/decisions/{}/"],
    "need": ["/declarations/need/{}/history/", "/api/v1/needs/{}/"],
    "asset": ["/declarations/asset/{}/history/", "/api/v1/assets/{}/"],
}


def test_a_declarant_opens_its_own_records_and_none_of_the_other_units(world):
    problems = []
    for me, other in (("A", "B"), ("B", "A")):
        client = clients(world)[f"declarant {me}"]
        for kind, templates in OWN_PAGES.items():
            for template in templates:
                for state, pk in world.units[me].ids[kind].items():
                    expected = 404 if state == "deleted" else 200
                    status = fetch(client, template.format(pk)).status_code
                    if status != expected:
                        problems.append(f"declarant {me}, own {kind} ({state}) {template.format(pk)}: {status}")
                for state, pk in world.units[other].ids[kind].items():
                    status = fetch(client, template.format(pk)).status_code
                    if status != 404:
                        problems.append(f"declarant {me}, {other}'s {kind} ({state}) {template.format(pk)}: {status}")
    assert not problems, "\n".join(problems)


# -- the crashes the crawl found, each on its own ----------------------------------------------


@pytest.mark.parametrize(
    "target, own, others",
    [
        ("premises", "Trụ sở mới chờ duyệt", "pending premises"),
        ("asset", "Máy in chờ duyệt", "pending asset"),
        ("need", "Bố trí trụ sở công an xã", "draft need"),
    ],
)
def test_lists_show_new_records_not_yet_in_effect(world, target, own, others):
    """A new premises or asset waiting for review used to break its list page for every
    user (the template asked the payload for a `purpose` only needs have)."""
    other_code = DeclarationItem.objects.get(pk=world.units["B"].ids["item"][others]).code
    response = fetch(clients(world)["declarant A"], f"/declarations/{target}/")
    assert response.status_code == 200
    page = response.content.decode()
    assert own in page
    assert other_code not in page  # B's declared records are not A's to see
    response = fetch(clients(world)["finance"], f"/declarations/{target}/")
    assert response.status_code == 200
    assert other_code in response.content.decode()


def post(client: Client, url: str, data: dict):
    savepoint = transaction.savepoint()
    try:
        response = client.post(url, data, follow=True)
        return response, HandlingRecord.objects.count()
    finally:
        transaction.savepoint_rollback(savepoint)
        transaction.set_rollback(False)


@pytest.mark.parametrize("supply", ["abc", "", "-1", "0", "1.5", "99999999999999999999", "%00"])
def test_a_proposal_from_a_bad_supply_id_is_refused_with_a_message(world, supply):
    need = world.units["A"].ids["need"]["open"]
    before = HandlingRecord.objects.count()
    response, after = post(
        clients(world)["finance"], f"/maps/reallocation/{need}/propose/", {"kind": "premises", "supply": supply}
    )
    assert response.status_code == 200
    assert response.redirect_chain[-1][0] == f"/maps/reallocation/{need}/"
    assert "Hãy chọn một phương án." in response.content.decode()
    assert after == before


@pytest.mark.parametrize("premises", ["abc", "", "99999999999999999999"])
def test_choosing_a_bad_siting_candidate_id_is_refused_with_a_message(world, premises):
    before = HandlingRecord.objects.count()
    response, after = post(clients(world)["finance"], f"/maps/siting/{world.study.pk}/choose/", {"premises": premises})
    assert response.status_code == 200
    assert "Chỉ chọn được ứng viên đáp ứng mọi điều kiện bắt buộc." in response.content.decode()
    assert after == before


def test_returning_a_declaration_while_its_agency_has_a_draft(world):
    unit, finance = world.units["A"], world.users["finance"]
    agency = Agency.objects.get(pk=unit.ids["agency"]["3"])
    item = factories.declare(
        unit.declarant, ItemTarget.PREMISES, factories.premises_form_data(agency, name="Trụ sở trả lại khi có nháp")
    )
    submitted = declaring.submit(unit.declarant, item.declaration)
    drafted = factories.declare(unit.declarant, ItemTarget.NEED, factories.need_form_data(agency))
    assert drafted.declaration_id != submitted.pk
    with transaction.atomic():
        declaring.review_declaration(finance, submitted, approve=False, comment="Thiếu hồ sơ")
    submitted.refresh_from_db()
    drafted.refresh_from_db()
    assert submitted.status == DeclarationStatus.RETURNED
    assert drafted.declaration_id == submitted.pk  # the draft's items are in the returned declaration
