"""A case names its disease; existing cases are COVID-19 (decision 0041)."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('cases', '0001_initial'),
        ('protocols', '0005_disease_required'),
    ]

    operations = [
        migrations.AddField(
            model_name='case',
            name='disease',
            field=models.ForeignKey(default='covid-19', on_delete=django.db.models.deletion.PROTECT, related_name='+', to='protocols.disease', verbose_name='disease'),
        ),
    ]
