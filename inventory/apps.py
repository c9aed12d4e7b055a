from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


def _ignore_without_subtransaction(using="default", **kwargs):
    """pgtrigger's ignore check without its per-call subtransaction (`dbguards`)."""
    from django.db import connections

    from inventory import dbguards

    with connections[using].cursor() as cursor:
        cursor.execute(dbguards.PGTRIGGER_IGNORE_FUNCTION)


class InventoryConfig(AppConfig):
    """The domain: administrative units, agencies, premises, assets and legal lists."""

    name = "inventory"
    verbose_name = _("Inventory")

    def ready(self):
        post_migrate.connect(_ignore_without_subtransaction, sender=self)
