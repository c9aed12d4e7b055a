"""Users and their role and unit."""

from django.contrib.auth.models import AbstractUser
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from inventory.choices import Role
from inventory.models.base import track_history
from inventory.permissions import needs_unit

__all__ = ["User"]


# Password hashes and login times are not history worth keeping.
@track_history(exclude=["password", "last_login"])
class User(AbstractUser):
    """A person using the system, with one role (DESIGN §2). A commune declarant is
    bound to one administrative unit and sees only that unit's records."""

    role = models.CharField(_("role"), max_length=20, choices=Role.choices, default=Role.DECLARANT)
    admin_unit = models.ForeignKey(
        "inventory.AdministrativeUnit",
        verbose_name=_("administrative unit"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="users",
    )
    agency = models.ForeignKey(
        "inventory.Agency",
        verbose_name=_("agency"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="users",
    )

    class Meta(AbstractUser.Meta):
        verbose_name = _("user")
        verbose_name_plural = _("users")

    @property
    def sees_everything(self) -> bool:
        """Finance reviewers, auditors and administrators see every unit."""
        from inventory.permissions import sees_everything

        return sees_everything(self)

    def clean(self):
        super().clean()
        if needs_unit(self) and not self.admin_unit_id:
            raise ValidationError({"admin_unit": _("A commune declarant must be bound to an administrative unit.")})
