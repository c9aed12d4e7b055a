"""One detour factor (issue 16, "each rule named once"): the siting criteria carried a
DETOUR_FACTOR parameter beside the routing's `detour_factor` (RoutingParameter), the
same idea twice, and siting used its own while every other estimate used the routing's.
The routing's row is now the one source: a value a reviewer set on the siting row is
carried over to it when the routing row still holds its seeded value, then the siting
row is removed (its history keeps it). Existing studies keep the factor they stored."""

from decimal import Decimal

from django.db import migrations

SEEDED = Decimal("1.40")


def one_detour_factor(apps, schema_editor):
    SitingCriterion = apps.get_model("maps", "SitingCriterion")
    RoutingParameter = apps.get_model("maps", "RoutingParameter")
    siting = SitingCriterion.objects.filter(code="DETOUR_FACTOR").first()
    if siting is None:
        return
    routing = RoutingParameter.objects.filter(code="detour_factor").first()
    edited = siting.parameter is not None and siting.parameter != SEEDED
    if edited and routing is not None and routing.value == SEEDED:
        routing.value = siting.parameter
        routing.save(update_fields=["value"])
    siting.delete()


class Migration(migrations.Migration):
    dependencies = [("maps", "0008_archive_siting_criteria_inspections")]

    operations = [migrations.RunPython(one_detour_factor, migrations.RunPython.noop)]
