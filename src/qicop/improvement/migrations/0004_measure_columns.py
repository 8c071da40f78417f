"""The columns by which a PDSA cycle watches, and a case presentation shows, one of its collaborative's
measures (0005 fills them, 0006 gives them the old columns' names). Three migrations, not one: on PostgreSQL
a table cannot be altered after its rows were updated in the same transaction. The columns come without an
index, which they get in 0006: an index is named after its column when made, not renamed with it, so made
here it would take the name the old column's index still holds (going forwards, or backwards)."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("improvement", "0003_measures_on_data_elements"),
        ("indicators", "0009_data_versions"),
    ]

    operations = [
        migrations.AddField(
            model_name="pdsacycle",
            name="watched",
            field=models.ForeignKey(
                blank=True,
                null=True,
                db_index=False,
                on_delete=django.db.models.deletion.RESTRICT,
                related_name="cycles",
                to="improvement.measure",
                verbose_name="measure to watch",
            ),
        ),
        migrations.AddField(
            model_name="presentationevidence",
            name="shown",
            field=models.ForeignKey(
                blank=True,
                null=True,
                db_index=False,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="presentations",
                to="improvement.measure",
                verbose_name="measure shown",
            ),
        ),
    ]
