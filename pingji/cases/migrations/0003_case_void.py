"""A case reported in error is voided (核减) with a reason, kept on record, never deleted."""

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('cases', '0002_case_disease'),
    ]

    operations = [
        migrations.AddField(
            model_name='case',
            name='void_note',
            field=models.CharField(blank=True, max_length=500, verbose_name='reason for voiding, in words'),
        ),
        migrations.AddField(
            model_name='case',
            name='void_reason',
            field=models.CharField(blank=True, choices=[('duplicate', 'duplicate report'), ('misdiagnosis', 'misdiagnosis'), ('not_local', 'not a local case'), ('other', 'other (say why)')], max_length=20, verbose_name='reason for voiding'),
        ),
        migrations.AddField(
            model_name='case',
            name='voided_at',
            field=models.DateTimeField(blank=True, null=True, verbose_name='voided at'),
        ),
        migrations.AddConstraint(
            model_name='case',
            constraint=models.CheckConstraint(condition=models.Q(models.Q(('void_reason', ''), ('voided_at__isnull', True)), models.Q(('void_reason__gt', ''), ('voided_at__isnull', False)), _connector='OR'), name='case_voided_with_a_reason'),
        ),
    ]
