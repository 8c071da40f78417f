# Imports become DHIS2 jobs: an 11-character UID for the task endpoints, a job type (data values or
# metadata), and when the worker started them. Existing imports get a UID each (one per row, so the unique
# index can be built after).

import django.core.validators
from django.db import migrations, models

import qicop.indicators.models


def give_each_import_a_uid(apps, schema_editor):
    DataImport = apps.get_model("indicators", "DataImport")
    taken = set()
    for data_import in DataImport.objects.only("pk").iterator():
        uid = qicop.indicators.models.new_uid()
        while uid in taken:
            uid = qicop.indicators.models.new_uid()
        taken.add(uid)
        DataImport.objects.filter(pk=data_import.pk).update(uid=uid)


class Migration(migrations.Migration):
    dependencies = [
        ("indicators", "0003_alter_aggregatevalue_count"),
    ]

    operations = [
        migrations.AddField(
            model_name="dataimport",
            name="uid",
            field=models.CharField(max_length=11, null=True, verbose_name="UID"),
        ),
        migrations.RunPython(give_each_import_a_uid, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="dataimport",
            name="uid",
            field=models.CharField(
                default=qicop.indicators.models.new_uid,
                max_length=11,
                unique=True,
                validators=[
                    django.core.validators.RegexValidator(
                        "^[A-Za-z][A-Za-z0-9]{10}$", "A DHIS2 UID is a letter and ten letters or digits."
                    )
                ],
                verbose_name="UID",
            ),
        ),
        migrations.AddField(
            model_name="dataimport",
            name="job_type",
            field=models.CharField(
                choices=[("DATAVALUE_IMPORT", "Data values"), ("METADATA_IMPORT", "Metadata")],
                default="DATAVALUE_IMPORT",
                max_length=20,
            ),
        ),
        migrations.AddField(
            model_name="dataimport",
            name="started_at",
            field=models.DateTimeField(blank=True, null=True),
        ),
    ]
