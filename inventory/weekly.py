"""The weekly return to the Ministry of Finance (báo cáo tuần, Công điện 213/CĐ-TTg;
earlier 8400/BTC-QLCS): at the week's cut-off (setting WEEKLY_RETURN_CUTOFF, default
Friday 12:00 local time) — the sites processed so far by resulting use, the partly
surplus sites, what remains, the sites without an approved plan, and the change since
the week before.

The figures are read from history as the records stood at the cut-off (the same
`rows_before` as the reports), so a past week not yet issued is worked out as it was
then. A site is processed once a handling record of it was carried out (or closed)
and either handled the whole site or left none of it surplus; its later status does
not matter, so a site fully taken by partial transfers ("other public use" now) stays
counted. Counts never drop: the sites of the last issued return are always counted
again. An issued return is frozen (`WeeklyReturn`, PostgreSQL refuses to change it).
"""

from __future__ import annotations

import datetime as dt
import re
import zoneinfo

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured, PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from inventory.choices import (
    HANDLING_DONE,
    PLAN_PREMISES_STATUSES,
    RETURN_USE_OF_PRIORITY_USE,
    PremisesStatus,
    ReturnUse,
    SitePlanStatus,
    SitePlanUse,
)
from inventory.models import HandlingRecord, Premises, PriorityUse, SitePlan, WeeklyReturn
from inventory.permissions import can_review, sees_everything
from inventory.reports import rows_before

DAYS = {"MON": 1, "TUE": 2, "WED": 3, "THU": 4, "FRI": 5, "SAT": 6, "SUN": 7}
WEEK_RE = re.compile(r"^(\d{4})-W(\d{2})$")
# The first year of weekly returns (8400/BTC-QLCS, 2025), and the shape of a week in the
# API schema: weeks 01–53 of 2025 or later (a week 53 exists in some years only).
FIRST_YEAR = 2025
WEEK_PATTERN = r"^20(2[5-9]|[3-9][0-9])-W(0[1-9]|[1-4][0-9]|5[0-3])$"
# The figures compared week on week (besides each resulting use).
TOTALS = ("processed_total", "partly_surplus", "remaining", "without_plan", "total")


def cutoff_rule() -> tuple[int, dt.time]:
    """(ISO weekday, local time) of the cut-off from the setting, e.g. "FRI 12:00"."""
    text = str(settings.WEEKLY_RETURN_CUTOFF).strip().upper()
    match = re.fullmatch(r"(MON|TUE|WED|THU|FRI|SAT|SUN)\s+(\d{1,2}):(\d{2})", text)
    if not match or int(match[2]) > 23 or int(match[3]) > 59:
        raise ImproperlyConfigured('WEEKLY_RETURN_CUTOFF must look like "FRI 12:00".')
    return DAYS[match[1]], dt.time(int(match[2]), int(match[3]))


def parse_week(text: str | None) -> str:
    """The ISO week "YYYY-Www" of a parameter, checked; ValueError with a translated
    message when malformed, not a week of that year, or after the current week."""
    match = WEEK_RE.match((text or "").strip())
    if not match:
        raise ValueError(_("The week must be written as YYYY-Www, e.g. 2026-W48."))
    if int(match[1]) < FIRST_YEAR:
        raise ValueError(_("Weekly returns start in %(year)s.") % {"year": FIRST_YEAR})
    try:
        dt.date.fromisocalendar(int(match[1]), int(match[2]), 1)
    except ValueError:
        raise ValueError(_("That year has no such week.")) from None
    label = f"{int(match[1]):04d}-W{int(match[2]):02d}"
    if label > current_week():
        raise ValueError(_("A return cannot be made for a future week."))
    return label


def week_of(day: dt.date) -> str:
    year, week, _weekday = day.isocalendar()
    return f"{year:04d}-W{week:02d}"


def current_week() -> str:
    return week_of(timezone.localdate())


def previous_week(label: str) -> str:
    year, week = map(int, WEEK_RE.match(label).groups())
    return week_of(dt.date.fromisocalendar(year, week, 1) - dt.timedelta(days=7))


def cutoff_of(label: str) -> dt.datetime:
    """The cut-off moment of an ISO week, in the project's time zone."""
    year, week = map(int, WEEK_RE.match(label).groups())
    weekday, at = cutoff_rule()
    day = dt.date.fromisocalendar(year, week, weekday)
    return dt.datetime.combine(day, at, tzinfo=zoneinfo.ZoneInfo(settings.TIME_ZONE))


def _site(row) -> dict:
    return {"id": row["id"], "code": row["code"], "name": row["name"]}


def _counted(previous: dict | None) -> dict[int, tuple[str, dict]]:
    """Site id → (resulting use, site) of the sites an issued return counted as processed."""
    if not previous:
        return {}
    return {site["id"]: (use, site) for use, block in previous["processed"].items() for site in block["sites"]}


def province_of(user) -> int | None:
    """The province whose return `user` reads and issues: their own, or for a national
    user the deployment's (settings.PROVINCE_CODE)."""
    from inventory.models import AdministrativeUnit

    if user.province_id:
        return user.province_id
    return (
        AdministrativeUnit.objects.provinces().filter(code=settings.PROVINCE_CODE).values_list("pk", flat=True).first()
    )


def _figures(label: str, province: int | None) -> dict:
    """The week's figures of a province from history at its cut-off (or now, before the cut-off)."""
    cutoff = cutoff_of(label)
    moment = min(cutoff, timezone.now())
    done: dict[int, list[dict]] = {}
    for record in (
        rows_before(HandlingRecord, moment, province)
        .filter(premises_id__isnull=False, status__in=HANDLING_DONE)
        .values("premises_id", "floor_area", "priority_use_id", "created_at", "id")
        .order_by("created_at", "id")
    ):
        done.setdefault(record["premises_id"], []).append(record)
    # The sites the return is about: those needing a plan or handled, and those handled
    # in part (whatever their status now).
    premises = {
        p["id"]: p
        for p in rows_before(Premises, moment, province)
        .filter(Q(status__in=(*PLAN_PREMISES_STATUSES, PremisesStatus.HANDLED)) | Q(id__in=list(done)))
        .values("id", "code", "name", "status")
    }
    plans = {
        p["premises_id"]: p
        for p in rows_before(SitePlan, moment, province)
        .filter(status=SitePlanStatus.APPROVED)
        .values("premises_id", "use", "priority_use_id")
    }
    priority = dict(PriorityUse.objects.values_list("pk", "code"))

    def resulting_use(site_id) -> str:
        records = [r for r in done.get(site_id, []) if r["priority_use_id"]]
        if records:
            return RETURN_USE_OF_PRIORITY_USE.get(priority.get(records[-1]["priority_use_id"]), ReturnUse.OTHER)
        plan = plans.get(site_id)
        if plan and plan["use"] == SitePlanUse.PRIORITY_USE:
            return RETURN_USE_OF_PRIORITY_USE.get(priority.get(plan["priority_use_id"]), ReturnUse.OTHER)
        if plan and plan["use"] == SitePlanUse.LEND_COMMUNE:
            return ReturnUse.CULTURE_SPORTS
        return ReturnUse.OTHER

    processed: dict[int, str] = {}
    last = WeeklyReturn.objects.filter(province=province, week__lt=label).order_by("-week").first()
    counted = _counted(last.figures if last else None)
    for site_id, (use, _site_then) in counted.items():
        processed[site_id] = use  # counted once, counted for good
    for site_id, row in premises.items():
        records = done.get(site_id, [])
        whole = any(r["floor_area"] is None for r in records)
        if site_id not in processed and (
            row["status"] == PremisesStatus.HANDLED
            or whole
            or (records and row["status"] not in PLAN_PREMISES_STATUSES)
        ):
            processed[site_id] = resulting_use(site_id)
    remaining = [
        p for site_id, p in premises.items() if p["status"] in PLAN_PREMISES_STATUSES and site_id not in processed
    ]
    by_use = {use: [] for use in ReturnUse.values}
    for site_id, use in processed.items():
        row = premises.get(site_id) or counted[site_id][1]  # removed since: still counted, as reported
        by_use[use].append(_site(row))

    def block(rows):
        rows = sorted(rows, key=lambda r: r["code"])
        return {"count": len(rows), "sites": rows}

    figures = {
        "week": label,
        "cutoff": cutoff.isoformat(),
        "read_at": moment.isoformat(),
        "processed": {use: block(rows) for use, rows in by_use.items()},
        "processed_total": len(processed),
        "partly_surplus": block(_site(p) for p in remaining if p["status"] == PremisesStatus.PARTLY_SURPLUS),
        "remaining": block(_site(p) for p in remaining),
        "without_plan": block(_site(p) for p in remaining if p["id"] not in plans),
    }
    figures["total"] = figures["processed_total"] + figures["remaining"]["count"]
    return figures


def _count(figures: dict, key: str) -> int:
    if key in ReturnUse.values:
        return figures["processed"][key]["count"]
    value = figures[key]
    return value["count"] if isinstance(value, dict) else value


def weekly_return(user, label: str) -> tuple[dict, WeeklyReturn | None]:
    """The return of an ISO week: the frozen one if issued, otherwise worked out now
    (then "issued" is false); with the week before and the change since."""
    if not sees_everything(user):
        raise PermissionDenied(_("The weekly return covers the whole province: Finance, auditors and administrators."))
    province = province_of(user)
    frozen = WeeklyReturn.objects.filter(province=province, week=label).select_related("issued_by").first()
    if frozen is not None:
        return frozen.figures, frozen
    return _with_change(_figures(label, province), province), None


def _with_change(figures: dict, province: int | None) -> dict:
    before_label = previous_week(figures["week"])
    before_frozen = WeeklyReturn.objects.filter(province=province, week=before_label).first()
    before = before_frozen.figures if before_frozen else _figures(before_label, province)
    keys = [*ReturnUse.values, *TOTALS]
    figures["previous"] = {
        "week": before_label,
        "issued": before_frozen is not None,
        "counts": {key: _count(before, key) for key in keys},
    }
    figures["change"] = {key: _count(figures, key) - figures["previous"]["counts"][key] for key in keys}
    return figures


@transaction.atomic
def issue(actor, label: str) -> WeeklyReturn:
    """Freeze the week's return as it is now reported: Finance only, after the cut-off,
    once per week."""
    if not can_review(actor):
        raise PermissionDenied(_("Only the Finance department issues the weekly return."))
    if cutoff_of(label) > timezone.now():
        raise ValidationError(_("The return of %(week)s can be issued after its cut-off.") % {"week": label})
    province = province_of(actor)
    if WeeklyReturn.objects.filter(province=province, week=label).exists():
        raise ValidationError(_("The return of %(week)s was already issued.") % {"week": label})
    figures = _with_change(_figures(label, province), province)
    try:
        with transaction.atomic():
            return WeeklyReturn.objects.create(
                province_id=province, week=label, cutoff=cutoff_of(label), figures=figures, issued_by=actor
            )
    except IntegrityError:  # issued by someone else at the same moment
        raise ValidationError(_("The return of %(week)s was already issued.") % {"week": label}) from None


# The rows of the return, in the order of the table officials use: (number, key).
ROWS = (
    ("1", "total"),
    ("2", "processed_total"),
    *((f"2.{i}", use) for i, use in enumerate(ReturnUse.values, start=1)),
    ("3", "partly_surplus"),
    ("4", "remaining"),
    ("5", "without_plan"),
)


def row_labels() -> dict[str, str]:
    """The label of each row in the user's language."""
    return {
        "total": _("Surplus sites in all"),
        "processed_total": _("Processed so far (cumulative)"),
        **{use: "— " + str(label) for use, label in ReturnUse.choices},
        "partly_surplus": _("Partly surplus sites (not yet processed)"),
        "remaining": _("Remaining to process"),
        "without_plan": _("Of which without an approved site plan"),
    }


def table_rows(figures: dict) -> list[tuple]:
    """(number, key, label, this week, the week before, change) for each row."""
    labels = row_labels()
    before = figures.get("previous", {}).get("counts", {})
    change = figures.get("change", {})
    return [(number, key, labels[key], _count(figures, key), before.get(key), change.get(key)) for number, key in ROWS]
