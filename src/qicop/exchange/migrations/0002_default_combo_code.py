"""The default category combo and option combo get DHIS2's code for them, "default".

DHIS2 exports with idScheme=CODE (what a pull asks for) name the default disaggregation by that code; without
it every pulled value was refused (E7613/E7615). It belongs to the indicators app's data, but is kept here,
with the feature that needs it, so that it cannot collide with other migrations of that app.
"""

from django.db import migrations


def give_default_its_code(apps, schema_editor):
    for name in ("CategoryCombo", "CategoryOptionCombo"):
        model = apps.get_model("indicators", name)
        if model.objects.filter(code="default").exists():
            continue
        first = model.objects.filter(name="default", code__isnull=True).order_by("pk").first()
        if first is not None:
            model.objects.filter(pk=first.pk).update(code="default")


class Migration(migrations.Migration):
    dependencies = [("exchange", "0001_initial"), ("indicators", "0003_alter_aggregatevalue_count")]

    operations = [migrations.RunPython(give_default_its_code, migrations.RunPython.noop)]
