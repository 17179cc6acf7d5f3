"""Decision 0041: a drill names its disease; signals, methods and supplies for every disease."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('preparedness', '0004_warning_method'),
        ('protocols', '0005_disease_required'),
    ]

    operations = [
        migrations.AddField(
            model_name='drill',
            name='disease',
            field=models.ForeignKey(default='covid-19', help_text='The disease the scenario practises; its rule packs and reserves apply.', on_delete=django.db.models.deletion.PROTECT, related_name='+', to='protocols.disease', verbose_name='disease'),
        ),
        migrations.AlterField(
            model_name='surveillancesite',
            name='signal',
            field=models.CharField(choices=[('fever_visits', 'fever clinic visits'), ('fever_drug_sales', 'sales of fever and cough medicines'), ('ili_visits', 'influenza-like illness visits'), ('sari_admissions', 'severe acute respiratory infection admissions'), ('dengue_cases', 'dengue cases'), ('diarrhoea_visits', 'acute diarrhoea visits'), ('hfmd_cases', 'hand, foot and mouth disease cases')], max_length=20, verbose_name='signal'),
        ),
        migrations.AlterField(
            model_name='warningrule',
            name='method',
            field=models.CharField(choices=[('limits', 'historical limits: the same weekday of past weeks'), ('ears_c1', 'EARS C1: the 7 days before'), ('ears_c2', 'EARS C2: 7 days, 2 days back'), ('ears_c3', 'EARS C3: C2 over the last 3 days'), ('cusum', 'CUSUM of the last 7 days over the 28 before'), ('farrington', 'Farrington flexible: the same weeks of past years')], default='limits', max_length=10, verbose_name='method'),
        ),
        migrations.AlterField(
            model_name='warningrule',
            name='signal',
            field=models.CharField(choices=[('fever_visits', 'fever clinic visits'), ('fever_drug_sales', 'sales of fever and cough medicines'), ('ili_visits', 'influenza-like illness visits'), ('sari_admissions', 'severe acute respiratory infection admissions'), ('dengue_cases', 'dengue cases'), ('diarrhoea_visits', 'acute diarrhoea visits'), ('hfmd_cases', 'hand, foot and mouth disease cases')], max_length=20, verbose_name='signal'),
        ),
    ]
