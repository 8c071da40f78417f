"""The indicator columns 0005 moved to measures go; the measures' columns take their names and indexes."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("improvement", "0005_cycles_watch_measures")]

    operations = [
        migrations.RemoveField(model_name="pdsacycle", name="measure"),
        migrations.RemoveField(model_name="presentationevidence", name="measure"),
        migrations.RenameField(model_name="pdsacycle", old_name="watched", new_name="measure"),
        migrations.RenameField(model_name="presentationevidence", old_name="shown", new_name="measure"),
        migrations.AlterField(
            model_name="pdsacycle",
            name="measure",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.RESTRICT,
                related_name="cycles",
                to="improvement.measure",
                verbose_name="measure to watch",
            ),
        ),
        migrations.AlterField(
            model_name="presentationevidence",
            name="measure",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="presentations",
                to="improvement.measure",
                verbose_name="measure shown",
            ),
        ),
    ]
