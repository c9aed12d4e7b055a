"""Reusable query logic. `visible_to(user)` is the one place that decides what a user
may see: every view, export, tile and API endpoint goes through it."""

from django.contrib.gis.db import models
from django.contrib.gis.db.models import QuerySet
from django.db.models import Q

from inventory.choices import (
    PLAN_PREMISES_STATUSES,
    SURPLUS_PREMISES_STATUSES,
    AssetStatus,
    SitePlanStatus,
    UnitLevel,
)


def _unit_of(user):
    """The administrative unit a scoped user is bound to, or None if the user sees all.

    Returns False for a user who may see nothing (anonymous, or unbound)."""
    if not user or not user.is_authenticated:
        return False
    if user.sees_everything:
        return None
    return user.admin_unit_id or False


class AdministrativeUnitQuerySet(QuerySet):
    def provinces(self):
        return self.filter(level=UnitLevel.PROVINCE)

    def communes(self):
        return self.filter(level=UnitLevel.COMMUNE)

    def legacy_districts(self):
        return self.filter(level=UnitLevel.LEGACY_DISTRICT)

    def legacy_communes(self):
        return self.filter(level=UnitLevel.LEGACY_COMMUNE)

    def offered_to(self, user):
        """The units a user's filters offer: all of them to those who see every unit; to a
        commune's user their commune, the former communes merged into it (lineage) and the
        former districts of those — no other unit matches a record they can see."""
        unit = _unit_of(user)
        if unit is None:
            return self
        if unit is False:
            return self.none()
        merged = self.model.objects.filter(successor_links__successor_id=unit)
        return self.filter(Q(pk=unit) | Q(pk__in=merged.values("pk")) | Q(pk__in=merged.values("parent_id")))

    def in_province(self, province):
        return self.filter(Q(province=province) | Q(pk=province.pk))


class ScopedQuerySet(QuerySet):
    """A queryset whose rows belong to an administrative unit through `unit_path`.

    Records belong to the unit of the agency that manages or holds them: a provincial
    department's building in a ward is the department's, not the ward's."""

    unit_path = "agency__admin_unit"

    def visible_to(self, user):
        unit = _unit_of(user)
        if unit is None:
            return self
        if unit is False:
            return self.none()
        return self.filter(self.belongs_to(unit))

    def belongs_to(self, unit_id) -> Q:
        """The condition for rows of the unit `unit_id`."""
        return Q(**{f"{self.unit_path}_id": unit_id})


class AgencyQuerySet(ScopedQuerySet):
    unit_path = "admin_unit"

    def active(self):
        return self.filter(is_active=True)


class PremisesQuerySet(ScopedQuerySet):
    def surplus(self):
        """Surplus and partly surplus premises (dôi dư)."""
        return self.filter(status__in=SURPLUS_PREMISES_STATUSES)

    def needing_plan(self):
        """Sites that need a site plan: surplus, partly surplus or under handling."""
        return self.filter(status__in=PLAN_PREMISES_STATUSES)

    def without_approved_plan(self):
        """Sites that need a site plan and have no approved one (Công điện 213)."""
        return self.needing_plan().exclude(site_plans__status=SitePlanStatus.APPROVED)

    def within(self, geom):
        return self.filter(location__within=geom)


class AssetQuerySet(ScopedQuerySet):
    def surplus(self):
        return self.filter(status=AssetStatus.SURPLUS)


class NeedQuerySet(ScopedQuerySet):
    pass


class HouseQuerySet(ScopedQuerySet):
    """A house belongs to the unit of its premises' managing agency."""

    unit_path = "premises__agency__admin_unit"


def live_manager(queryset_class):
    """The default manager of a soft-deleted model: live records only."""

    class LiveManager(models.Manager.from_queryset(queryset_class)):
        def get_queryset(self):
            return super().get_queryset().filter(deleted_at__isnull=True)

    return LiveManager()
