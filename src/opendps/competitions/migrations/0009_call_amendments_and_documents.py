# Written by hand while the migration graph of another app was mid-edit; checked against
# the models with `makemigrations --check`.

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

import opendps.competitions.models


class Migration(migrations.Migration):

    dependencies = [
        ('competitions', '0008_rapid_acceptance_and_standing_social_value'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name='CallAmendment',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('kind', models.CharField(choices=[('notice', 'Clarification notice'), ('deadline', 'Change to the deadline for tenders')], max_length=16)),
                ('made_at', models.DateTimeField()),
                ('text', models.TextField()),
                ('previous_deadline', models.DateTimeField(blank=True, null=True)),
                ('new_deadline', models.DateTimeField(blank=True, null=True)),
                ('call', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='amendments', to='competitions.call')),
                ('made_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
            ],
            options={
                'ordering': ['made_at', 'pk'],
                'indexes': [models.Index(fields=['call', 'made_at'], name='call_amendment_call_made_idx'), models.Index(fields=['kind', 'made_at'], name='call_amendment_kind_made_idx')],
                'constraints': [models.CheckConstraint(condition=models.Q(models.Q(('kind', 'notice'), ('new_deadline__isnull', True), ('previous_deadline__isnull', True)), models.Q(('kind', 'deadline'), ('new_deadline__isnull', False), ('previous_deadline__isnull', False)), _connector='OR'), name='call_amendment_deadlines_match_kind')],
            },
        ),
        migrations.CreateModel(
            name='CallDocument',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('kind', models.CharField(choices=[('specification', 'Specification'), ('pricing_schedule', 'Pricing schedule')], max_length=24)),
                ('file', models.FileField(max_length=255, upload_to=opendps.competitions.models.call_document_path)),
                ('original_name', models.CharField(max_length=100)),
                ('content_type', models.CharField(max_length=100)),
                ('size', models.PositiveIntegerField()),
                ('sha256', models.CharField(max_length=64)),
                ('uploaded_at', models.DateTimeField()),
                ('call', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='documents', to='competitions.call')),
                ('uploaded_by', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
            ],
            options={
                'ordering': ['kind'],
                'constraints': [models.UniqueConstraint(fields=('call', 'kind'), name='call_document_one_per_kind')],
            },
        ),
    ]
