"""Fixed enumerations of the domain.

Lists that change with the law (asset classes, forms of handling, reasons, priority
uses) are data tables in `inventory.models.reference`, not choices.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class StatusGroup(tuple):
    """A named group of status values (like InvenTree's status groups), declared once
    beside its choices: usable wherever a tuple of values is (`status__in=`, `in`), and
    as SQL (`.sql`: `('surplus', 'partly_surplus')`) for the queries written by hand."""

    def __new__(cls, *values):
        return super().__new__(cls, values)

    @classmethod
    def _make(cls, iterable):
        """Built from an iterable, as a named tuple is (Django rebuilds `__in` values by
        calling `type(value)(*values)` on a class that has `_make`)."""
        return cls(*iterable)

    @property
    def sql(self) -> str:
        return "(" + ", ".join(f"'{value}'" for value in self) + ")"


class UnitLevel(models.TextChoices):
    """Level of an administrative unit, before and after 1 July 2025."""

    PROVINCE = "province", _("Province")
    COMMUNE = "commune", _("Commune (since 2025)")
    LEGACY_DISTRICT = "legacy_district", _("Former district")
    LEGACY_COMMUNE = "legacy_commune", _("Former commune")


class Role(models.TextChoices):
    """What a user does in the system (DESIGN §2)."""

    DECLARANT = "declarant", _("Commune declarant")
    FINANCE = "finance", _("Finance reviewer")
    AUDITOR = "auditor", _("Auditor")
    ADMIN = "admin", _("Administrator")


class AgencyKind(models.TextChoices):
    """Kind of managing or using body (đơn vị quản lý, sử dụng)."""

    PROVINCIAL_DEPARTMENT = "provincial_department", _("Provincial department")
    COMMUNE_COMMITTEE = "commune_committee", _("Commune People's Committee")
    PUBLIC_SERVICE_UNIT = "public_service_unit", _("Public service unit")
    LEGACY_DISTRICT_COMMITTEE = "legacy_district_committee", _("Former district People's Committee")
    LEGACY_COMMUNE_COMMITTEE = "legacy_commune_committee", _("Former commune People's Committee")
    PARTY_BODY = "party_body", _("Party body")
    SOCIO_POLITICAL = "socio_political", _("Socio-political organisation")
    OTHER = "other", _("Other")


# Who may receive a transfer (điều chuyển): state bodies, public service units, Party
# bodies and socio-political organisations (Law 15/2017 Art. 42.2). The abolished
# committees are state bodies but no longer exist to receive anything.
TRANSFER_RECEIVER_KINDS = (
    AgencyKind.PROVINCIAL_DEPARTMENT,
    AgencyKind.COMMUNE_COMMITTEE,
    AgencyKind.PUBLIC_SERVICE_UNIT,
    AgencyKind.PARTY_BODY,
    AgencyKind.SOCIO_POLITICAL,
)
TRANSFER_RECEIVER_BASIS = "Luật 15/2017/QH14, Điều 42.2"


class BuildingGrade(models.TextChoices):
    """Building grade (cấp hạng nhà)."""

    SPECIAL = "special", _("Special grade")
    GRADE_I = "I", _("Grade I")
    GRADE_II = "II", _("Grade II")
    GRADE_III = "III", _("Grade III")
    GRADE_IV = "IV", _("Grade IV")


class Condition(models.TextChoices):
    """Physical condition of a building or asset."""

    GOOD = "good", _("Good")
    FAIR = "fair", _("Fair")
    POOR = "poor", _("Poor")
    DAMAGED = "damaged", _("Damaged")


class PremisesStatus(models.TextChoices):
    """Where a premises stands after the merger; the colour is its map and badge colour."""

    IN_USE_HQ = "in_use_hq", _("In use as headquarters")
    OTHER_PUBLIC_USE = "other_public_use", _("In other public use")
    PARTLY_SURPLUS = "partly_surplus", _("Partly surplus")
    SURPLUS = "surplus", _("Surplus")
    UNDER_HANDLING = "under_handling", _("Under handling")
    HANDLED = "handled", _("Handled")

    @classmethod
    def colour(cls, value: str) -> str:
        return PREMISES_STATUS_COLOURS[value]


PREMISES_STATUS_COLOURS = {
    PremisesStatus.IN_USE_HQ: "#2e7d32",
    PremisesStatus.OTHER_PUBLIC_USE: "#1565c0",
    PremisesStatus.PARTLY_SURPLUS: "#f9a825",
    PremisesStatus.SURPLUS: "#c62828",
    PremisesStatus.UNDER_HANDLING: "#6a1b9a",
    PremisesStatus.HANDLED: "#616161",
}

# Statuses that count as surplus (dôi dư) in totals and reports.
SURPLUS_PREMISES_STATUSES = StatusGroup(PremisesStatus.PARTLY_SURPLUS, PremisesStatus.SURPLUS)
# Premises that entered the surplus pool (dôi dư) and are followed until handled (reports).
SURPLUS_POOL_STATUSES = StatusGroup(
    PremisesStatus.SURPLUS, PremisesStatus.PARTLY_SURPLUS, PremisesStatus.UNDER_HANDLING, PremisesStatus.HANDLED
)


class AssetStatus(models.TextChoices):
    """Status of an asset item."""

    IN_USE = "in_use", _("In use")
    SURPLUS = "surplus", _("Surplus")
    DAMAGED = "damaged", _("Damaged")
    PENDING_HANDLING = "pending_handling", _("Pending handling")
    HANDLED = "handled", _("Handled")


class AssetCategory(models.TextChoices):
    """Group of asset classes (Circular 23/2023 Art. 4); rules such as 'a car has a plate' hang on it."""

    BUILDING = "building", _("Houses and buildings")
    STRUCTURE = "structure", _("Architectural structures")
    CAR = "car", _("Cars")
    OTHER_TRANSPORT = "other_transport", _("Other means of transport")
    MACHINERY = "machinery", _("Machinery and equipment")
    PLANTS_ANIMALS = "plants_animals", _("Perennial plants and working animals")
    OTHER_TANGIBLE = "other_tangible", _("Other tangible assets")
    INTANGIBLE = "intangible", _("Intangible assets")
    SPECIAL = "special", _("Special assets")


class HandlingScope(models.TextChoices):
    """Which assets a form of handling applies to."""

    HOUSES_LAND = "houses_land", _("Houses and land")
    OTHER_ASSETS = "other_assets", _("Other assets")
    ALL = "all", _("All assets")


class NeedKind(models.TextChoices):
    """What an agency declares it needs."""

    FLOOR_AREA = "floor_area", _("Floor area")
    ASSET = "asset", _("Asset items")


class NeedUrgency(models.TextChoices):
    LOW = "low", _("Low")
    NORMAL = "normal", _("Normal")
    HIGH = "high", _("Urgent")


class NeedStatus(models.TextChoices):
    OPEN = "open", _("Open")
    RESERVED = "reserved", _("Reserved")
    MET = "met", _("Met")
    CANCELLED = "cancelled", _("Cancelled")


# Needs still waiting for supply: open, or reserved by a proposal not yet carried out.
NEED_PENDING_STATUSES = StatusGroup(NeedStatus.OPEN, NeedStatus.RESERVED)


class DeclarationKind(models.TextChoices):
    """Kind of declaration (kê khai): first-time or supplementary (within 30 days of a change)."""

    FIRST_TIME = "first_time", _("First-time declaration")
    SUPPLEMENTARY = "supplementary", _("Supplementary declaration")


class DeclarationStatus(models.TextChoices):
    """draft → submitted → approved, or returned with comments → (resubmitted) submitted."""

    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted")
    RETURNED = "returned", _("Returned for correction")
    APPROVED = "approved", _("Approved")


# A declaration still open for the declarant's changes: one per agency at a time.
OPEN_DECLARATION_STATUSES = StatusGroup(DeclarationStatus.DRAFT, DeclarationStatus.RETURNED)


class ItemStatus(models.TextChoices):
    """Where one declared change stands."""

    DRAFT = "draft", _("Draft")
    PENDING = "pending", _("Awaiting approval")
    RETURNED = "returned", _("Returned")
    APPROVED = "approved", _("Approved")
    APPLIED = "applied", _("In effect (no approval needed)")


class ItemTarget(models.TextChoices):
    PREMISES = "premises", _("Premises")
    ASSET = "asset", _("Asset")
    NEED = "need", _("Need")


class ItemAction(models.TextChoices):
    CREATE = "create", _("New record")
    UPDATE = "update", _("Change")


class AttachmentKind(models.TextChoices):
    PHOTO = "photo", _("Photo")
    DOCUMENT = "document", _("Document")


class HandlingStatus(models.TextChoices):
    """proposed → approved (decision) → carried out (hand-over) → closed; a proposal may
    be cancelled, which releases what it reserved."""

    PROPOSED = "proposed", _("Proposed")
    APPROVED = "approved", _("Approved")
    CARRIED_OUT = "carried_out", _("Carried out")
    CLOSED = "closed", _("Closed")
    CANCELLED = "cancelled", _("Cancelled")


# The line statuses still open (waiting for a decision or a hand-over: they reserve what
# they handle), those with the decision behind them, and those done (handed over or closed).
HANDLING_OPEN = StatusGroup(HandlingStatus.PROPOSED, HandlingStatus.APPROVED)
HANDLING_DECIDED = StatusGroup(HandlingStatus.APPROVED, HandlingStatus.CARRIED_OUT, HandlingStatus.CLOSED)
HANDLING_DONE = StatusGroup(HandlingStatus.CARRIED_OUT, HandlingStatus.CLOSED)


class RequestStatus(models.TextChoices):
    """A handling request (hồ sơ đề nghị xử lý, form 01/TSC-XLTS): submitted by the holding
    agency → returned with a comment (and resubmitted) or complete (the decision clock
    starts) → reviewed by Finance (opinion and draft decision; may still be returned) →
    decided (one decision for its lines) → closed when every line is closed; a request
    may be withdrawn before its decision."""

    SUBMITTED = "submitted", _("Submitted")
    RETURNED = "returned", _("Returned for correction")
    COMPLETE = "complete", _("File complete")
    REVIEWED = "reviewed", _("Reviewed by Finance")
    DECIDED = "decided", _("Decided")
    CLOSED = "closed", _("Closed")
    WITHDRAWN = "withdrawn", _("Withdrawn")


# Allowed request transitions: from → to.
REQUEST_TRANSITIONS = {
    RequestStatus.SUBMITTED: (RequestStatus.RETURNED, RequestStatus.COMPLETE, RequestStatus.WITHDRAWN),
    RequestStatus.RETURNED: (RequestStatus.SUBMITTED, RequestStatus.WITHDRAWN),
    RequestStatus.COMPLETE: (RequestStatus.RETURNED, RequestStatus.REVIEWED, RequestStatus.WITHDRAWN),
    RequestStatus.REVIEWED: (RequestStatus.RETURNED, RequestStatus.DECIDED, RequestStatus.WITHDRAWN),
    RequestStatus.DECIDED: (RequestStatus.CLOSED,),
    RequestStatus.CLOSED: (),
    RequestStatus.WITHDRAWN: (),
}


class DeadlineStep(models.TextChoices):
    """A step of the procedure that has a deadline (Decree 186/2025)."""

    FILE = "file", _("File the request")
    DECISION = "decision", _("Decide")
    HANDOVER = "handover", _("Hand over or carry out")
    TEMPORARY_DECISION = "temporary_decision", _("Decide after a temporary hand-over")
    ACCOUNTS = "accounts", _("Update the accounts and declarations")


class DeadlineEvent(models.TextChoices):
    """The event from which a deadline runs."""

    DISCOVERY = "discovery", _("discovery of the loss")
    FILE_COMPLETE = "file_complete", _("the file is complete")
    DECISION = "decision", _("the decision")
    TEMPORARY_HANDOVER = "temporary_handover", _("the temporary hand-over")
    HANDOVER = "handover", _("the hand-over")


class DeadlineUnit(models.TextChoices):
    DAYS = "days", _("days")
    MONTHS = "months", _("months")


class SaleMethod(models.TextChoices):
    """How a public asset is sold (Decree 186/2025 Arts. 24–27): auction by default."""

    AUCTION = "auction", _("Auction")
    POSTED_PRICE = "posted_price", _("Posted price")
    DIRECT = "direct", _("Direct sale")


class LiquidationMethod(models.TextChoices):
    """How a liquidation is carried out (Decree 186/2025 Art. 29)."""

    SALE = "sale", _("Sale")
    DEMOLITION = "demolition", _("Demolition")
    DESTRUCTION = "destruction", _("Destruction")


# Allowed handling transitions: from → to.
HANDLING_TRANSITIONS = {
    HandlingStatus.PROPOSED: (HandlingStatus.APPROVED, HandlingStatus.CANCELLED),
    HandlingStatus.APPROVED: (HandlingStatus.CARRIED_OUT,),
    HandlingStatus.CARRIED_OUT: (HandlingStatus.CLOSED,),
    HandlingStatus.CLOSED: (),
    HandlingStatus.CANCELLED: (),
}


# Premises that need a site plan (phương án sắp xếp lại, xử lý nhà, đất): every surplus,
# partly surplus or under-handling site until it is handled (Công điện 213/CĐ-TTg).
PLAN_PREMISES_STATUSES = StatusGroup(
    PremisesStatus.SURPLUS, PremisesStatus.PARTLY_SURPLUS, PremisesStatus.UNDER_HANDLING
)


class SitePlanStatus(models.TextChoices):
    """draft → approved by Finance; approving a new plan for a site supersedes the old one."""

    DRAFT = "draft", _("Draft")
    APPROVED = "approved", _("Approved")
    SUPERSEDED = "superseded", _("Superseded")


class SitePlanUse(models.TextChoices):
    """What a site plan does with the site: a priority use of Công điện 213 first;
    temporary lending of a recovered headquarters (Decree 186/2025 Art. 19.1.b) to an
    agency while it builds or repairs its own, or to the commune as a cultural or sports
    facility; otherwise another form of handling (sale, transfer, ...)."""

    PRIORITY_USE = "priority_use", _("Priority use (Công điện 213)")
    LEND_AGENCY = "lend_agency", _("Temporary lending to an agency (Decree 186 Art. 19)")
    LEND_COMMUNE = "lend_commune", _("Temporary lending to the commune for culture or sports (Decree 186 Art. 19)")
    OTHER_HANDLING = "other_handling", _("Another form of handling")


class ReturnUse(models.TextChoices):
    """The resulting-use columns of the weekly return to the Ministry of Finance
    (CĐ 213/CĐ-TTg): health, education, culture–sports, commune police, offices, other."""

    HEALTH = "health", _("Health")
    EDUCATION = "education", _("Education")
    CULTURE_SPORTS = "culture_sports", _("Culture and sports")
    COMMUNE_POLICE = "commune_police", _("Commune police")
    OFFICE = "office", _("Offices")
    OTHER = "other", _("Other")


# The return column of each priority use (by its code in the legal list); any other or
# no priority use counts as "other".
RETURN_USE_OF_PRIORITY_USE = {
    "HEALTH": ReturnUse.HEALTH,
    "EDUCATION": ReturnUse.EDUCATION,
    "CULTURE": ReturnUse.CULTURE_SPORTS,
    "SPORTS": ReturnUse.CULTURE_SPORTS,
    "COMMUNE_POLICE": ReturnUse.COMMUNE_POLICE,
    "OFFICE": ReturnUse.OFFICE,
}


# Sites Finance may publish in the public register (/cong-khai/): surplus, partly surplus,
# under handling, and handled (so the public sees the outcome).
PUBLISHABLE_PREMISES_STATUSES = (*PLAN_PREMISES_STATUSES, PremisesStatus.HANDLED)


class InterestStatus(models.TextChoices):
    """Outcome of a registration of interest in a published site, shown to the public as counts."""

    RECEIVED = "received", _("Received")
    ACCEPTED = "accepted", _("Accepted")
    DECLINED = "declined", _("Declined")
