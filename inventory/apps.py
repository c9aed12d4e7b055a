from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InventoryConfig(AppConfig):
    """The domain: administrative units, agencies, premises, assets and legal lists."""

    name = "inventory"
    verbose_name = _("Inventory")
