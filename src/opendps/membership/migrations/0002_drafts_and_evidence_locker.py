# Application drafts (save and return), their kept files, and the evidence locker.

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

import opendps.membership.models


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0001_initial"),
        ("markets", "0001_initial"),
        ("membership", "0001_initial"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="EvidenceDocument",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "kind",
                    models.CharField(
                        choices=[
                            ("insurance", "Insurance certificate"),
                            ("safeguarding", "Safeguarding policy"),
                            ("cqc", "CQC registration"),
                            ("accounts", "Accounts"),
                            ("other", "Other"),
                        ],
                        max_length=24,
                    ),
                ),
                ("title", models.CharField(max_length=200)),
                (
                    "file",
                    models.FileField(
                        max_length=255, upload_to=opendps.membership.models.locker_path
                    ),
                ),
                ("original_name", models.CharField(max_length=100)),
                ("content_type", models.CharField(max_length=100)),
                ("size", models.PositiveIntegerField()),
                ("sha256", models.CharField(max_length=64)),
                ("expires_on", models.DateField(blank=True, null=True)),
                ("uploaded_at", models.DateTimeField()),
                ("removed_at", models.DateTimeField(blank=True, null=True)),
                ("reminders_sent", models.JSONField(blank=True, default=list)),
                (
                    "supplier",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="evidence",
                        to="accounts.organisation",
                    ),
                ),
                (
                    "uploaded_by",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
            ],
            options={
                "ordering": ["kind", "-uploaded_at"],
                "indexes": [
                    models.Index(
                        fields=["removed_at", "expires_on"], name="membership__removed_cb0a65_idx"
                    )
                ],
            },
        ),
        migrations.AddField(
            model_name="applicationdocument",
            name="evidence",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="+",
                to="membership.evidencedocument",
            ),
        ),
        migrations.CreateModel(
            name="ApplicationDraft",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("category_ids", models.JSONField(default=list)),
                ("answers", models.JSONField(blank=True, default=dict)),
                ("sections_done", models.JSONField(blank=True, default=list)),
                ("created_at", models.DateTimeField()),
                ("updated_at", models.DateTimeField()),
                ("submitted_at", models.DateTimeField(blank=True, null=True)),
                (
                    "created_by",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                (
                    "market",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="+",
                        to="markets.market",
                    ),
                ),
                (
                    "supplier",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="application_drafts",
                        to="accounts.organisation",
                    ),
                ),
            ],
            options={
                "ordering": ["-updated_at"],
                "constraints": [
                    models.UniqueConstraint(
                        condition=models.Q(("submitted_at__isnull", True)),
                        fields=("supplier", "market"),
                        name="application_draft_one_live_per_market",
                    )
                ],
            },
        ),
        migrations.CreateModel(
            name="DraftDocument",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("question_id", models.CharField(max_length=40)),
                (
                    "file",
                    models.FileField(
                        blank=True,
                        max_length=255,
                        upload_to=opendps.membership.models.draft_evidence_path,
                    ),
                ),
                ("original_name", models.CharField(max_length=100)),
                ("content_type", models.CharField(max_length=100)),
                ("size", models.PositiveIntegerField()),
                ("sha256", models.CharField(max_length=64)),
                ("uploaded_at", models.DateTimeField()),
                (
                    "draft",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="documents",
                        to="membership.applicationdraft",
                    ),
                ),
                (
                    "evidence",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="+",
                        to="membership.evidencedocument",
                    ),
                ),
            ],
            options={
                "constraints": [
                    models.UniqueConstraint(
                        fields=("draft", "question_id"), name="draft_document_one_per_question"
                    )
                ],
            },
        ),
    ]
