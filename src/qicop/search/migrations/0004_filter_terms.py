"""Entries now carry their filters as terms (qicop.search.text.filter_terms): write the index anew.

The index is derived data: it is rebuilt from the apps' current data by their registered providers.
"""

from django.db import migrations


def rebuild(apps, schema_editor):
    from django.db import transaction

    from qicop.search.index import rebuild as rebuild_index  # local: loaded only when this migration runs

    # The providers use today's models; should a later migration be needed first, say so and go on.
    try:
        with transaction.atomic():
            rebuild_index()
    except Exception as problem:  # noqa: BLE001
        print(f"\n  search index not rebuilt ({problem}); run `qicop rebuild_search_index` after migrating")


class Migration(migrations.Migration):
    dependencies = [("search", "0003_audience_label"), ("knowledge", "0001_initial"), ("meetings", "0004_agenda_materials_delegations_mail")]
    operations = [migrations.RunPython(rebuild, migrations.RunPython.noop)]
