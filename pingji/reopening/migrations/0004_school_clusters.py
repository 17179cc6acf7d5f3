"""A pupil's class, and what a disease's rule pack says of a case among an establishment's people."""

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('reopening', '0003_problem_tasks_carry_department'),
    ]

    operations = [
        migrations.AddField(
            model_name='alert',
            name='closure_days',
            field=models.PositiveSmallIntegerField(blank=True, null=True, verbose_name='days to close'),
        ),
        migrations.AddField(
            model_name='alert',
            name='closure_group',
            field=models.CharField(blank=True, max_length=60, verbose_name='class to close'),
        ),
        migrations.AddField(
            model_name='alert',
            name='finding',
            field=models.TextField(blank=True, verbose_name='what the rules say'),
        ),
        migrations.AddField(
            model_name='member',
            name='group',
            field=models.CharField(blank=True, help_text="A school's class rules count cases by it (a disease's rule pack).", max_length=60, verbose_name='class or dormitory'),
        ),
    ]
