"""A PDSA cycle watches, and a case presentation shows, one of its collaborative's measures (a network
indicator or the country's data elements) rather than a network indicator. Each existing row moves to the
collaborative's measure on its indicator, else to the key measure's; every collaborative measures its key
measure (as the services keep it), so collaboratives made outside them get that measure first."""

from django.db import migrations


def _measures_by_indicator(apps) -> tuple[dict, dict]:
    Collaborative = apps.get_model("improvement", "Collaborative")
    Measure = apps.get_model("improvement", "Measure")
    keys = dict(Collaborative.objects.values_list("pk", "key_measure_id"))
    measured = set(
        Measure.objects.filter(indicator__isnull=False).values_list("collaborative_id", "indicator_id")
    )
    Measure.objects.bulk_create(
        Measure(collaborative_id=pk, indicator_id=key, kind="outcome", order=0)
        for pk, key in keys.items()
        if (pk, key) not in measured
    )
    rows = Measure.objects.filter(indicator__isnull=False).values_list(
        "collaborative_id", "indicator_id", "pk"
    )
    return keys, {(collaborative, indicator): pk for collaborative, indicator, pk in rows}


def _move(model, new: str, keys: dict, index: dict) -> None:
    moved: dict[int, list[int]] = {}
    rows = model.objects.filter(measure__isnull=False).values_list(
        "pk", "team__collaborative_id", "measure_id"
    )
    for pk, collaborative, indicator in rows:
        measure = index.get((collaborative, indicator)) or index[(collaborative, keys[collaborative])]
        moved.setdefault(measure, []).append(pk)
    for measure, pks in moved.items():
        model.objects.filter(pk__in=pks).update(**{f"{new}_id": measure})


def forwards(apps, schema_editor):
    keys, index = _measures_by_indicator(apps)
    _move(apps.get_model("improvement", "PdsaCycle"), "watched", keys, index)
    _move(apps.get_model("improvement", "PresentationEvidence"), "shown", keys, index)


def backwards(apps, schema_editor):
    # A measure on data elements has no indicator to go back to: those rows name none.
    for name, new in (("PdsaCycle", "watched"), ("PresentationEvidence", "shown")):
        model = apps.get_model("improvement", name)
        rows = model.objects.filter(**{f"{new}__indicator__isnull": False}).values_list(
            "pk", f"{new}__indicator_id"
        )
        for pk, indicator in rows:
            model.objects.filter(pk=pk).update(measure_id=indicator)


class Migration(migrations.Migration):
    dependencies = [("improvement", "0004_measure_columns")]

    operations = [migrations.RunPython(forwards, backwards)]
