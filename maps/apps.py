from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MapsConfig(AppConfig):
    """Map pages, layers and spatial analysis; uses `inventory`, never the reverse."""

    name = "maps"
    verbose_name = _("Maps")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from maps import jobs  # noqa: F401 - registers the siting study's job runner
