"""Who may do what (DESIGN §2): every role rule of the system, named once.

Views, API views, the admin, the menu (through `inventory.context_processors.roles`) and
the services ask these functions; none of them reads `user.role` or `Role` itself (a test
checks it). What rows a user sees is the other half of the rules: `visible_to(user)` on
each queryset (`inventory.querysets`), which asks `scope` here.

The roles: a commune declarant (bound to one administrative unit) declares for the agencies
of that unit; Finance reviews, decides and sees every unit; an auditor reads everything and
changes nothing; an administrator does what Finance does and manages users and reference
data. A superuser counts as an administrator. Finance, auditors and administrators with a
province (`User.province`) see that province's units; without one (the Ministry, a national
reviewer), every province's.
"""

from dataclasses import dataclass

from inventory.choices import Role

PROVINCE_WIDE = (Role.FINANCE, Role.AUDITOR, Role.ADMIN)
REVIEWERS = (Role.FINANCE, Role.ADMIN)


def _signed_in(user) -> bool:
    return bool(user is not None and user.is_authenticated)


def is_administrator(user) -> bool:
    """Role Administrator, or a superuser."""
    return _signed_in(user) and (user.is_superuser or user.role == Role.ADMIN)


def sees_everything(user) -> bool:
    """Finance reviewers, auditors and administrators see every unit."""
    return _signed_in(user) and (user.is_superuser or user.role in PROVINCE_WIDE)


@dataclass(frozen=True)
class Scope:
    """The records a user sees: those of one administrative unit (`unit`, a commune's
    declarant), of one province (`province`, a provincial reviewer), all of them (neither:
    the Ministry), or none (`nothing`: anonymous, or a declarant bound to no unit)."""

    unit: int | None = None
    province: int | None = None
    nothing: bool = False

    @property
    def everything(self) -> bool:
        return not (self.nothing or self.unit or self.province)

    @property
    def whole_provinces(self) -> bool:
        """Every record of one province (`province`) or of all: a view may then read the
        province's rollups instead of its rows."""
        return not (self.nothing or self.unit)


def scope(user) -> Scope:
    """What records `user` sees (see `Scope`)."""
    if not _signed_in(user):
        return Scope(nothing=True)
    if sees_everything(user):
        return Scope(province=user.province_id)
    if user.admin_unit_id:
        return Scope(unit=user.admin_unit_id)
    return Scope(nothing=True)


def sees_every_record(user) -> bool:
    """Sees every record of every province (the Ministry, a national reviewer): a view may
    then skip the scope (e.g. read the rollups of everything)."""
    return scope(user).everything


def needs_unit(user) -> bool:
    """A commune declarant must be bound to an administrative unit."""
    return user.role == Role.DECLARANT and not user.is_superuser


def can_declare(user) -> bool:
    """A commune declarant bound to a unit declares its agencies' premises, assets and needs."""
    return _signed_in(user) and user.role == Role.DECLARANT and bool(user.admin_unit_id)


def can_review(user) -> bool:
    """Finance (and administrators) approve or return declarations, take Finance's steps of
    the handling procedure, run reallocation and siting, approve site plans."""
    return _signed_in(user) and (user.is_superuser or user.role in REVIEWERS)


def can_delete(user) -> bool:
    """Soft-deleting a premises, house or asset is a reviewer's act (Finance, administrators)."""
    return can_review(user)


def can_restore(user) -> bool:
    """Only an administrator brings a soft-deleted record back."""
    return is_administrator(user)


def can_administer(user) -> bool:
    """The admin site is for administrators (an active staff account with the role)."""
    return _signed_in(user) and user.is_active and user.is_staff and is_administrator(user)


def can_see_siting(user) -> bool:
    """Archive siting is a provincial matter: those who see the whole province."""
    return sees_everything(user)


def can_read_history(user, model) -> bool:
    """The province-wide roles read every kind's history; declarants that of their
    premises, assets and needs (the records they declare)."""
    from inventory.models import Asset, Need, Premises

    return sees_everything(user) or (_signed_in(user) and model in (Premises, Asset, Need))


def can_file_for(user, agency) -> bool:
    """Finance files handling requests on any agency's behalf; a commune declarant for its
    unit's active agencies."""
    from inventory.models import Agency

    if can_review(user):
        return True
    return can_declare(user) and Agency.objects.visible_to(user).active().filter(pk=agency.pk).exists()


def can_plan(user, premises) -> bool:
    """Finance plans for any site; a commune declarant for the sites of its own unit."""
    if can_review(user):
        return True
    return can_declare(user) and premises.agency.admin_unit_id == user.admin_unit_id


def reviewers():
    """The active Finance users, told when a declaration waits for review."""
    from inventory.models import User

    return User.objects.filter(role=Role.FINANCE, is_active=True)
