# Contacts reported by particulars, living in another county (docs/decisions/0042).

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

import pingji.core.clock


class Migration(migrations.Migration):
    dependencies = [
        ("geo", "0003_jurisdiction_drill"),
        ("people", "0003_remask_identity_numbers"),
        ("tracing", "0004_alter_link_recorded_at"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AlterField(
            model_name="dispatch",
            name="person",
            field=models.ForeignKey(
                blank=True,
                help_text="Empty until the receiving county resolves a contact reported by "
                "particulars.",
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="people.person",
                verbose_name="person",
            ),
        ),
        migrations.CreateModel(
            name="ReportedContact",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("name", models.CharField(max_length=60, verbose_name="full name")),
                (
                    "id_number_cipher",
                    models.BinaryField(
                        blank=True, null=True, verbose_name="identity number (encrypted)"
                    ),
                ),
                (
                    "id_number_hash",
                    models.CharField(
                        blank=True,
                        editable=False,
                        max_length=64,
                        verbose_name="identity number look-up hash",
                    ),
                ),
                (
                    "id_number_masked",
                    models.CharField(
                        blank=True, editable=False, max_length=18, verbose_name="identity number"
                    ),
                ),
                (
                    "phone_cipher",
                    models.BinaryField(blank=True, null=True, verbose_name="phone (encrypted)"),
                ),
                (
                    "phone_hash",
                    models.CharField(
                        blank=True, editable=False, max_length=64, verbose_name="phone look-up hash"
                    ),
                ),
                (
                    "phone_masked",
                    models.CharField(
                        blank=True, editable=False, max_length=11, verbose_name="phone"
                    ),
                ),
                ("address", models.CharField(blank=True, max_length=300, verbose_name="address")),
                (
                    "tier",
                    models.CharField(
                        choices=[
                            ("close_contact", "close contact"),
                            ("secondary_contact", "secondary contact"),
                            ("spatiotemporal_companion", "spatiotemporal companion"),
                        ],
                        max_length=30,
                        verbose_name="tier",
                    ),
                ),
                (
                    "setting",
                    models.CharField(
                        choices=[
                            ("household", "household"),
                            ("school", "school"),
                            ("workplace", "workplace"),
                            ("venue", "public venue"),
                            ("transport", "transport"),
                            ("medical", "medical facility"),
                            ("other", "other"),
                        ],
                        max_length=12,
                        verbose_name="setting",
                    ),
                ),
                ("last_exposure_at", models.DateTimeField(verbose_name="last exposure")),
                ("note", models.CharField(blank=True, max_length=500, verbose_name="note")),
                (
                    "created_at",
                    models.DateTimeField(
                        default=pingji.core.clock.now, editable=False, verbose_name="created at"
                    ),
                ),
                (
                    "investigation",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="reported_contacts",
                        to="tracing.investigation",
                        verbose_name="investigation",
                    ),
                ),
                (
                    "jurisdiction",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="geo.jurisdiction",
                        verbose_name="investigating jurisdiction",
                    ),
                ),
                (
                    "reported_by",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="reported by",
                    ),
                ),
            ],
            options={
                "verbose_name": "contact living elsewhere",
                "verbose_name_plural": "contacts living elsewhere",
                "ordering": ["tier", "-last_exposure_at", "id"],
            },
        ),
        migrations.AddField(
            model_name="dispatch",
            name="reported",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="tracing.reportedcontact",
                verbose_name="reported particulars",
            ),
        ),
    ]
