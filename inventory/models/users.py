"""Users and their role and unit, and the separate password GIS clients use on /ogc/."""

from django.contrib.auth.models import AbstractUser
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from inventory.choices import Role
from inventory.models.base import track_history
from inventory.permissions import needs_unit

__all__ = ["GisPassword", "User"]


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
    province = models.ForeignKey(
        "inventory.AdministrativeUnit",
        verbose_name=_("province"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        limit_choices_to={"level": "province"},
        help_text=_(
            "A Finance reviewer, auditor or administrator with a province sees that province only;"
            " without one (the Ministry), every province."
        ),
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


class GisPasswordQuerySet(models.QuerySet):
    def active(self):
        return self.filter(revoked_at__isnull=True)


class GisPassword(models.Model):
    """A password for GIS clients (mật khẩu GIS): QGIS and GDAL send it with HTTP Basic
    on /ogc/ only, because QGIS 3.22 can send no other credential. Made by the server and
    shown once on the user's account page; only its keyed hash is kept; the user revokes
    it there; making a new one revokes the old (all in `inventory.services.tokens`). It
    is never the login password and opens nothing but /ogc/ (and, in production, only
    over HTTPS)."""

    user = models.ForeignKey(User, verbose_name=_("user"), on_delete=models.CASCADE, related_name="gis_passwords")
    digest = models.CharField(_("hash"), max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(_("made at"), default=timezone.now, editable=False)
    last_used_at = models.DateTimeField(_("last used at"), null=True, blank=True, editable=False)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)

    objects = GisPasswordQuerySet.as_manager()

    class Meta:
        verbose_name = _("GIS password")
        verbose_name_plural = _("GIS passwords")

    def __str__(self):
        return f"{self.user} ({self.created_at:%Y-%m-%d})"
