"""Mosquito (Aedes) larval surveys by grid, read against dengue's vector rules (decision 0041)."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('geo', '0003_jurisdiction_drill'),
        ('preparedness', '0005_diseases'),
        ('tasks', '0006_workplan_returned'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name='VectorSurvey',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('day', models.DateField(verbose_name='day')),
                ('houses_inspected', models.PositiveIntegerField(verbose_name='houses inspected')),
                ('houses_positive', models.PositiveIntegerField(verbose_name='houses with larvae')),
                ('containers_positive', models.PositiveIntegerField(verbose_name='containers with larvae')),
                ('source', models.CharField(choices=[('form', 'form'), ('api', 'API'), ('upload', 'upload')], max_length=10, verbose_name='source')),
                ('jurisdiction', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='geo.jurisdiction', verbose_name='grid')),
                ('recorded_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='recorded by')),
                ('task', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to='tasks.task', verbose_name='mosquito-control task')),
            ],
            options={
                'verbose_name': 'mosquito larval survey',
                'verbose_name_plural': 'mosquito larval surveys',
                'ordering': ['-day', 'jurisdiction_id'],
                'constraints': [models.UniqueConstraint(fields=('jurisdiction', 'day'), name='vector_one_per_grid_day'), models.CheckConstraint(condition=models.Q(('houses_inspected__gte', 1)), name='vector_some_houses_inspected'), models.CheckConstraint(condition=models.Q(('houses_positive__lte', models.F('houses_inspected'))), name='vector_positive_within_inspected'), models.CheckConstraint(condition=models.Q(('containers_positive__gte', models.F('houses_positive'))), name='vector_containers_cover_houses')],
            },
        ),
    ]
