"""Diseases and their packs; a protocol version gains its disease (decision 0041)."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('protocols', '0002_national_versions'),
    ]

    operations = [
        migrations.CreateModel(
            name='Disease',
            fields=[
                ('code', models.SlugField(max_length=40, primary_key=True, serialize=False, verbose_name='code')),
                ('name', models.CharField(max_length=100, verbose_name='name')),
                ('english_name', models.CharField(max_length=100, verbose_name='English name')),
                ('notifiable_class', models.CharField(choices=[('A', 'class A'), ('B', 'class B'), ('C', 'class C'), ('other', 'not a listed notifiable disease')], max_length=10, verbose_name='notifiable class')),
                ('pack', models.JSONField(verbose_name='pack')),
            ],
            options={
                'verbose_name': 'disease',
                'verbose_name_plural': 'diseases',
                'ordering': ['code'],
            },
        ),
        migrations.AlterModelOptions(
            name='protocol',
            options={'ordering': ['disease_id', 'jurisdiction_code', '-effective_from'], 'verbose_name': 'protocol', 'verbose_name_plural': 'protocols'},
        ),
        migrations.RemoveConstraint(
            model_name='protocol',
            name='one_protocol_per_day_and_area',
        ),
        migrations.AddField(
            model_name='protocol',
            name='disease',
            field=models.ForeignKey(null=True, on_delete=django.db.models.deletion.PROTECT, related_name='protocols', to='protocols.disease', verbose_name='disease'),
        ),
        migrations.AddConstraint(
            model_name='protocol',
            constraint=models.UniqueConstraint(fields=('disease', 'jurisdiction_code', 'effective_from'), name='one_protocol_per_disease_day_and_area'),
        ),
    ]
