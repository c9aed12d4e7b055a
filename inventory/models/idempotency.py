"""Requests already answered, so that a phone sending its outbox again (a lost answer, a
retry) changes nothing twice."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

__all__ = ["IdempotentRequest"]


class IdempotentRequest(models.Model):
    """A write sent with an `Idempotency-Key` header and the answer it got. The key is
    unique per user (PostgreSQL enforces it, so two copies of a request arriving at once
    cannot both run): a replay gets the first answer back and writes nothing; the same
    key with another body is refused (422). `fingerprint` is a SHA-256 of the method,
    path, fields and the contents of the files sent."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    key = models.CharField(_("idempotency key"), max_length=100)
    fingerprint = models.CharField(_("request fingerprint"), max_length=64)
    status_code = models.PositiveSmallIntegerField(_("answer status"), null=True)
    response = models.JSONField(_("answer"), null=True)
    created_at = models.DateTimeField(_("received at"), auto_now_add=True)

    class Meta:
        verbose_name = _("idempotent request")
        verbose_name_plural = _("idempotent requests")
        constraints = [models.UniqueConstraint(fields=["user", "key"], name="one_answer_per_idempotency_key")]

    def __str__(self):
        return f"{self.user_id}:{self.key}"
