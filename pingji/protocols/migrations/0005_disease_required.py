"""Every version belongs to a disease (decision 0041)."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("protocols", "0004_disease_packs")]

    operations = [
        migrations.AlterField(
            model_name="protocol",
            name="disease",
            field=models.ForeignKey(
                default="covid-19",
                on_delete=django.db.models.deletion.PROTECT,
                related_name="protocols",
                to="protocols.disease",
                verbose_name="disease",
            ),
        ),
    ]
