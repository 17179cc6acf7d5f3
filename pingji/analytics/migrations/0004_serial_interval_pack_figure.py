"""An estimate records the disease pack figure its serial interval came from (decision 0041)."""

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('analytics', '0003_rt_insufficient_data'),
    ]

    operations = [
        migrations.AddField(
            model_name='forecastrun',
            name='si_figure',
            field=models.CharField(blank=True, max_length=80, verbose_name='disease pack figure used'),
        ),
        migrations.AddField(
            model_name='rtestimate',
            name='si_figure',
            field=models.CharField(blank=True, max_length=80, verbose_name='disease pack figure used'),
        ),
        migrations.AlterField(
            model_name='forecastrun',
            name='si_source',
            field=models.CharField(choices=[('pairs', 'linked pairs (normal fit, conditioned on ≥ 1 day)'), ('literature', 'published estimate (disease pack)')], max_length=12, verbose_name='serial interval source'),
        ),
        migrations.AlterField(
            model_name='rtestimate',
            name='si_source',
            field=models.CharField(choices=[('pairs', 'linked pairs (normal fit, conditioned on ≥ 1 day)'), ('literature', 'published estimate (disease pack)')], max_length=12, verbose_name='serial interval source'),
        ),
    ]
