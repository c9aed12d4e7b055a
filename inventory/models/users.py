"""Users and their role and unit, and the separate password GIS clients use on /ogc/."""

import hashlib
import hmac
import secrets

from django.conf import settings
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


def _digest(secret: str) -> str:
    """A keyed SHA-256 of the secret. The secret is 32 random characters made by the server
    (about 190 bits), so a fast keyed hash is as safe as a slow password hash and costs
    nothing on each of the many requests a GIS client makes (a PBKDF2 check would cost
    about a third of a second each)."""
    return hmac.new(settings.SECRET_KEY.encode(), secret.encode(), hashlib.sha256).hexdigest()


class GisPassword(models.Model):
    """A password for GIS clients (mật khẩu GIS): QGIS and GDAL send it with HTTP Basic
    on /ogc/ only, because QGIS 3.22 can send no other credential. Made by the server and
    shown once on the user's account page; only its keyed hash is kept; the user revokes
    it there; making a new one revokes the old. It is never the login password and opens
    nothing but /ogc/ (and, in production, only over HTTPS)."""

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

    @classmethod
    def issue(cls, user) -> str:
        """A new password for `user` (returned once, never stored); any earlier one stops working."""
        secret = secrets.token_urlsafe(24)
        cls.objects.filter(user=user).active().update(revoked_at=timezone.now())
        cls.objects.create(user=user, digest=_digest(secret))
        return secret

    @classmethod
    def revoke(cls, user) -> int:
        return cls.objects.filter(user=user).active().update(revoked_at=timezone.now())

    @classmethod
    def user_for(cls, username: str, secret: str):
        """The active user whose live GIS password `secret` is, with that user name; or None."""
        if not secret or len(secret) > 200:
            return None
        row = cls.objects.active().select_related("user").filter(digest=_digest(secret)).first()
        if row is None or not row.user.is_active or not hmac.compare_digest(row.user.username, username):
            return None
        cls.objects.filter(pk=row.pk).update(last_used_at=timezone.now())
        return row.user
